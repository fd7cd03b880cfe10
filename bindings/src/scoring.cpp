// Bindings of libaudit/scoring/scoring.h as libaudit._core._CycleData and model_names(). Results come
// back as plain dicts (NaN as None); libaudit/scoring.py turns them into dataclasses. Loading
// and scoring run without the GIL.
#include "libaudit/scoring/scoring.h"

#include <pybind11/stl.h>

#include "bindings.h"

namespace libaudit::python {

namespace {

py::object num(double x) { return std::isnan(x) ? py::object(py::none()) : py::object(py::float_(x)); }

py::dict to_dict(const GroupScore& g) {
  py::dict o;
  o["group"] = g.group;
  o["name"] = g.name;
  o["parent"] = g.parent;
  o["score"] = num(g.score);
  o["maximum"] = num(g.maximum);
  o["band"] = g.band;
  o["deviation"] = num(g.deviation);
  o["pairs"] = g.counts.pairs;
  o["applicable"] = g.counts.applicable();
  o["answered"] = g.counts.answered();
  o["unanswered"] = g.counts.unanswered;
  o["not_applicable"] = g.counts.not_applicable;
  o["excepted"] = g.counts.excepted;
  o["implemented"] = g.counts.implemented;
  o["partial"] = g.counts.partial;
  o["not_implemented"] = g.counts.not_implemented;
  o["unknown"] = g.counts.unknown;
  o["response_rate"] = num(g.counts.response_rate());
  return o;
}

py::list to_list(const std::vector<GroupScore>& rows) {
  py::list out;
  for (const GroupScore& g : rows) out.append(to_dict(g));
  return out;
}

py::dict to_dict(const Distribution& d) {
  py::dict o;
  o["n"] = d.n;
  o["mean"] = num(d.mean);
  o["sd"] = num(d.sd);
  o["min"] = num(d.min);
  o["median"] = num(d.median);
  o["max"] = num(d.max);
  return o;
}

// The keys every scoring result starts with.
py::dict result_dict(std::int64_t cycle, const std::string& model) {
  py::dict out;
  out["cycle"] = cycle;
  out["model"] = model;
  return out;
}

py::dict to_dict(const ScoreTable& t) {
  py::dict out = result_dict(t.cycle, t.model);
  out["by"] = std::string(to_string(t.by));
  out["rows"] = to_list(t.rows);
  out["distribution"] = to_dict(t.distribution);
  return out;
}

py::dict to_dict(const ScoreMatrix& t) {
  py::dict out = result_dict(t.cycle, t.model);
  out["rows"] = to_list(t.rows);
  out["columns"] = to_list(t.columns);
  py::list cells;
  for (const auto& r : t.cells) cells.append(to_list(r));
  out["cells"] = cells;
  return out;
}

py::object optional_dict(const std::optional<GroupScore>& g) {
  return g ? py::object(to_dict(*g)) : py::object(py::none());
}

py::dict to_dict(const Comparison& c) {
  py::dict out;
  out["before_cycle"] = c.before_cycle;
  out["after_cycle"] = c.after_cycle;
  out["before_year"] = c.before_year;
  out["after_year"] = c.after_year;
  out["model"] = c.model;
  out["by"] = std::string(to_string(c.by));
  py::list rows;
  for (const ScoreChange& ch : c.rows) {
    py::dict r;
    r["group"] = ch.group;
    r["name"] = ch.name;
    r["before"] = optional_dict(ch.before);
    r["after"] = optional_dict(ch.after);
    r["change"] = num(ch.change);
    rows.append(r);
  }
  out["rows"] = rows;
  out["items_added"] = c.items_added;
  out["items_removed"] = c.items_removed;
  out["departments_added"] = c.departments_added;
  out["departments_removed"] = c.departments_removed;
  return out;
}

py::dict cycle_dict(const CycleData& d) {
  py::dict o;
  o["id"] = d.cycle().id;
  o["name"] = d.cycle().name;
  o["fiscal_year"] = d.cycle().fiscal_year;
  o["checklist"] = d.cycle().checklist;
  return o;
}

py::list departments_list(const CycleData& d) {
  py::list out;
  for (const ScoredDepartment& s : d.departments()) {
    py::dict o;
    o["code"] = s.code;
    o["name"] = s.name;
    o["parent_code"] = s.parent_code;
    o["parent_name"] = s.parent_name;
    o["tiers"] = s.tiers;
    o["owns_system"] = s.owns_system;
    o["important_assets"] = s.important_assets;
    out.append(o);
  }
  return out;
}

using Exceptions = std::vector<std::pair<std::string, std::string>>;

ScoreOptions options(const std::string& model, double partial_value, const Exceptions& exceptions) {
  ScoreOptions o;
  o.model = model;
  o.partial_value = partial_value;
  o.exceptions.insert(exceptions.begin(), exceptions.end());
  return o;
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
             const Exceptions& ex) {
            const GroupBy g = parse_group_by(by);
            const ScoreOptions o = options(model, p, ex);
            return to_dict(without_gil([&] { return compare(before, after, g, o); }));
          },
          py::arg("after"), py::arg("by"), py::arg("model"), py::arg("partial_value"), py::arg("exceptions"));
}

}  // namespace libaudit::python
