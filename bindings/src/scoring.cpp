// Bindings of libaudit/scoring/scoring.h as libaudit._core._CycleData and model_names(). Results come
// back as plain dicts (NaN as None); libaudit/scoring.py turns them into dataclasses. Loading
// and scoring run without the GIL.
#include "libaudit/scoring/scoring.h"
#include "libaudit/scoring/publication.h"

#include <pybind11/stl.h>

#include "bindings.h"

namespace libaudit::python {

namespace {

py::object num(double x) { return std::isnan(x) ? py::object(py::none()) : py::object(py::float_(x)); }

py::dict to_dict(const GroupScore& g) {
  const Counts& n = g.counts;
  return py::dict("group"_a = g.group, "name"_a = g.name, "parent"_a = g.parent, "score"_a = num(g.score),
                  "maximum"_a = num(g.maximum), "band"_a = g.band, "deviation"_a = num(g.deviation),
                  "pairs"_a = n.pairs, "applicable"_a = n.applicable(), "answered"_a = n.answered(),
                  "unanswered"_a = n.unanswered, "not_applicable"_a = n.not_applicable, "excepted"_a = n.excepted,
                  "implemented"_a = n.implemented, "partial"_a = n.partial, "not_implemented"_a = n.not_implemented,
                  "unknown"_a = n.unknown, "response_rate"_a = num(n.response_rate()));
}

py::list to_list(const std::vector<GroupScore>& rows) {
  return list_of(rows, [](const GroupScore& g) { return to_dict(g); });
}

py::dict to_dict(const Distribution& d) {
  return py::dict("n"_a = d.n, "mean"_a = num(d.mean), "sd"_a = num(d.sd), "min"_a = num(d.min),
                  "median"_a = num(d.median), "max"_a = num(d.max));
}

py::object optional_dict(const std::optional<GroupScore>& g) {
  return g ? py::object(to_dict(*g)) : py::object(py::none());
}

// Every scoring result starts with the keys "cycle" and "model".
py::dict to_dict(const ScoreTable& t) {
  return py::dict("cycle"_a = t.cycle, "model"_a = t.model, "by"_a = std::string(to_string(t.by)),
                  "rows"_a = to_list(t.rows), "distribution"_a = to_dict(t.distribution),
                  "body_level"_a = optional_dict(t.body_level));
}

py::dict to_dict(const ScoreMatrix& t) {
  return py::dict("cycle"_a = t.cycle, "model"_a = t.model, "rows"_a = to_list(t.rows),
                  "columns"_a = to_list(t.columns), "cells"_a = list_of(t.cells, to_list),
                  "body_level"_a = optional_dict(t.body_level), "body_level_cells"_a = to_list(t.body_level_cells));
}

py::dict to_dict(const ScoreChange& ch) {
  return py::dict("group"_a = ch.group, "name"_a = ch.name, "before"_a = optional_dict(ch.before),
                  "after"_a = optional_dict(ch.after), "change"_a = num(ch.change));
}

py::dict to_dict(const Comparison& c) {
  return py::dict("before_cycle"_a = c.before_cycle, "after_cycle"_a = c.after_cycle, "before_year"_a = c.before_year,
                  "after_year"_a = c.after_year, "model"_a = c.model, "by"_a = std::string(to_string(c.by)),
                  "rows"_a = list_of(c.rows, [](const ScoreChange& ch) { return to_dict(ch); }),
                  "items_added"_a = c.items_added, "items_removed"_a = c.items_removed,
                  "departments_added"_a = c.departments_added, "departments_removed"_a = c.departments_removed,
                  "body_level"_a = c.body_level ? py::object(to_dict(*c.body_level)) : py::object(py::none()));
}

py::dict cycle_dict(const CycleData& d) {
  const Cycle& c = d.cycle();
  return py::dict("id"_a = c.id, "name"_a = c.name, "fiscal_year"_a = c.fiscal_year, "checklist"_a = c.checklist,
                  "status"_a = std::string(to_string(c.status)), "kind"_a = std::string(to_string(c.kind)),
                  "secretariat"_a = c.secretariat);
}

py::list departments_list(const CycleData& d) {
  return list_of(d.departments(), [](const ScoredDepartment& s) {
    return py::dict("code"_a = s.code, "name"_a = s.name, "parent_code"_a = s.parent_code,
                    "parent_name"_a = s.parent_name, "tiers"_a = s.tiers, "owns_system"_a = s.owns_system,
                    "important_assets"_a = s.important_assets);
  });
}

using Exceptions = std::vector<std::pair<std::string, std::string>>;

ScoreOptions options(const std::string& model, double partial_value, const Exceptions& exceptions) {
  ScoreOptions o;
  o.model = model;
  o.partial_value = partial_value;
  o.exceptions.insert(exceptions.begin(), exceptions.end());
  return o;
}

py::dict publication_dict(const Publication& p) {
  const py::module_ json = py::module_::import("json");
  return py::dict("cycle"_a = p.cycle, "edition"_a = p.edition, "closed_by"_a = p.closed_by,
                  "closed_at"_a = p.closed_at, "close"_a = point_dict(p.close), "record"_a = point_dict(p.record),
                  "results"_a = json.attr("loads")(p.results), "changes"_a = json.attr("loads")(p.changes));
}

// f() with the GIL released (the scoring functions touch no Python object).
template <class F>
auto without_gil(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

}  // namespace

void bind_scoring(py::module_& m) {
  m.def("model_names", &model_names, "The registered scoring models, built-in first.");
  m.def("ipa_band", &ipa_band, py::arg("score"), "The IPA band of a score: '100', '70-99', '50-69' or '0-49'.");

  py::class_<CycleData>(m, "_CycleData", "One cycle read for scoring. Use libaudit.scoring.CycleData.")
      .def(py::init([](const Store& store, std::int64_t cycle) {
             return without_gil([&] { return CycleData::load(store, cycle); });
           }),
           py::arg("store"), py::arg("cycle"))
      .def_property_readonly("cycle", &cycle_dict)
      .def_property_readonly("body", &CycleData::body)
      .def_property_readonly("checklist", &CycleData::checklist)
      .def_property_readonly("answered", &CycleData::answered)
      .def_property_readonly("departments", &departments_list)
      .def("applies", &CycleData::applies, py::arg("department"), py::arg("item"))
      .def("in_scope", &CycleData::in_scope, py::arg("department"), py::arg("item"))
      .def("body_level", &CycleData::body_level, py::arg("item"))
      .def(
          "score",
          [](const CycleData& d, std::string_view by, const std::string& model, double p, const Exceptions& ex) {
            const GroupBy g = parse_group_by(by);
            const ScoreOptions o = options(model, p, ex);
            return to_dict(without_gil([&] { return score(d, g, o); }));
          },
          py::arg("by"), py::arg("model"), py::arg("partial_value"), py::arg("exceptions"))
      .def(
          "matrix",
          [](const CycleData& d, const std::string& model, double p, const Exceptions& ex) {
            const ScoreOptions o = options(model, p, ex);
            return to_dict(without_gil([&] { return score_matrix(d, o); }));
          },
          py::arg("model"), py::arg("partial_value"), py::arg("exceptions"))
      .def(
          "weakest",
          [](const CycleData& d, std::size_t n, const std::string& model, double p, const Exceptions& ex) {
            const ScoreOptions o = options(model, p, ex);
            return to_list(without_gil([&] { return weakest_items(d, n, o); }));
          },
          py::arg("n"), py::arg("model"), py::arg("partial_value"), py::arg("exceptions"))
      .def(
          "compare",
          [](const CycleData& before, const CycleData& after, std::string_view by, const std::string& model, double p,
             const Exceptions& before_exceptions, const Exceptions& after_exceptions) {
            const GroupBy g = parse_group_by(by);
            const ScoreOptions a = options(model, p, before_exceptions), b = options(model, p, after_exceptions);
            return to_dict(without_gil([&] { return compare(before, a, after, b, g); }));
          },
          py::arg("after"), py::arg("by"), py::arg("model"), py::arg("partial_value"), py::arg("before_exceptions"),
          py::arg("after_exceptions"));

  m.def(
      "cycle_at",
      [](const Store& store, std::int64_t cycle, const py::object& as_of) {
        std::optional<std::string> instant = as_of_instant(as_of);
        CycleAt at = without_gil([&] { return CycleAt::load(store, cycle, {}, std::move(instant)); });
        Exceptions ex(at.options.exceptions.begin(), at.options.exceptions.end());
        return py::make_tuple(std::move(at.data), point_dict(at.point), ex);
      },
      py::arg("store"), py::arg("cycle"), py::arg("as_of"),
      "(CycleData, point, exceptions): the cycle read by the as-of rule (scoring.h, CycleAt).");

  m.def(
      "publish_cycle",
      [](Store& store, const std::string& by, std::int64_t cycle) {
        return publication_dict(without_gil([&] { return Publications(store).close(by, cycle); }));
      },
      py::arg("store"), py::arg("by"), py::arg("cycle"));
  m.def(
      "reopen_cycle",
      [](Store& store, const std::string& by, std::int64_t cycle, const std::string& reason) {
        const Reopening r = Publications(store).reopen(by, cycle, reason);
        return py::dict("cycle"_a = r.cycle, "number"_a = r.number, "reason"_a = r.reason, "by"_a = r.by,
                        "at"_a = r.at);
      },
      py::arg("store"), py::arg("by"), py::arg("cycle"), py::arg("reason"));
  m.def(
      "publications",
      [](const Store& store, std::int64_t cycle) {
        return list_of(Publications(store).list(cycle), [](const Publication& p) { return publication_dict(p); });
      },
      py::arg("store"), py::arg("cycle"));
  m.def(
      "reopenings",
      [](const Store& store, std::int64_t cycle) {
        return list_of(Publications(store).reopenings(cycle), [](const Reopening& r) {
          return py::dict("cycle"_a = r.cycle, "number"_a = r.number, "reason"_a = r.reason, "by"_a = r.by,
                          "at"_a = r.at);
        });
      },
      py::arg("store"), py::arg("cycle"));
}

}  // namespace libaudit::python
