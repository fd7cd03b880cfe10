// Bindings of libaudit/scoring/scoring.h as libaudit._core._CycleData and model_names(). Small
// results come back as plain dicts (NaN as None); score tables, the matrix and the answers of a
// cycle come back as columns (_Column: one C++ vector read through the buffer protocol, so NumPy,
// pyarrow and memoryview see it in place, without a Python object per value; docs/analytics.md).
// libaudit/scoring.py turns both into dataclasses, pandas and Arrow. Loading and scoring run
// without the GIL.
#include "libaudit/scoring/scoring.h"
#include "libaudit/scoring/publication.h"

#include <pybind11/stl.h>

#include <unordered_map>

#include "bindings.h"

namespace libaudit::python {

namespace {

py::object num(double x) { return std::isnan(x) ? py::object(py::none()) : py::object(py::float_(x)); }

// One column of numbers: float64 ("d") or int64 ("q"), NaN for "no value".
struct Column {
  std::vector<double> f;
  std::vector<std::int64_t> i;
  bool is_float = true;
  std::size_t size() const noexcept { return is_float ? f.size() : i.size(); }
};

Column floats(std::size_t reserve) {
  Column c;
  c.f.reserve(reserve);
  return c;
}

Column ints(std::size_t reserve) {
  Column c;
  c.is_float = false;
  c.i.reserve(reserve);
  return c;
}

// A column of texts, dictionary-encoded: codes (int64) into a list of distinct values.
struct Strings {
  Column codes = ints(0);
  std::vector<std::string> values;
  std::unordered_map<std::string, std::int64_t> index;
  void push(const std::string& s) {
    auto [it, added] = index.try_emplace(s, std::int64_t(values.size()));
    if (added) values.push_back(s);
    codes.i.push_back(it->second);
  }
  py::tuple to_python() && { return py::make_tuple(std::move(codes), py::cast(values)); }
};

// GroupScore's fields as columns, in its order (libaudit.scoring.GroupScore).
struct GroupColumns {
  Strings group, name, parent, band;
  Column score = floats(0), maximum = floats(0), deviation = floats(0), response_rate = floats(0);
  Column pairs = ints(0), applicable = ints(0), answered = ints(0), unanswered = ints(0), not_applicable = ints(0),
         excepted = ints(0), implemented = ints(0), partial = ints(0), not_implemented = ints(0), unknown = ints(0);

  void reserve(std::size_t n) {
    for (Column* c : {&group.codes, &name.codes, &parent.codes, &band.codes, &pairs, &applicable, &answered,
                      &unanswered, &not_applicable, &excepted, &implemented, &partial, &not_implemented, &unknown})
      c->i.reserve(n);
    for (Column* c : {&score, &maximum, &deviation, &response_rate}) c->f.reserve(n);
  }
  void push(const GroupScore& g) {
    group.push(g.group), name.push(g.name), parent.push(g.parent);
    push_figures(g);
  }
  // The band and the numbers (push has pushed or coded the group, name and parent).
  void push_figures(const GroupScore& g) {
    const Counts& n = g.counts;
    band.push(g.band);
    score.f.push_back(g.score), maximum.f.push_back(g.maximum), deviation.f.push_back(g.deviation);
    response_rate.f.push_back(n.response_rate());
    for (auto [c, v] : {std::pair{&pairs, n.pairs},
                        {&applicable, n.applicable()},
                        {&answered, n.answered()},
                        {&unanswered, n.unanswered},
                        {&not_applicable, n.not_applicable},
                        {&excepted, n.excepted},
                        {&implemented, n.implemented},
                        {&partial, n.partial},
                        {&not_implemented, n.not_implemented},
                        {&unknown, n.unknown}})
      c->i.push_back(std::int64_t(v));
  }

  py::dict to_python() && {
    return py::dict("group"_a = std::move(group).to_python(), "name"_a = std::move(name).to_python(),
                    "parent"_a = std::move(parent).to_python(), "score"_a = std::move(score),
                    "maximum"_a = std::move(maximum), "band"_a = std::move(band).to_python(),
                    "deviation"_a = std::move(deviation), "pairs"_a = std::move(pairs),
                    "applicable"_a = std::move(applicable), "answered"_a = std::move(answered),
                    "unanswered"_a = std::move(unanswered), "not_applicable"_a = std::move(not_applicable),
                    "excepted"_a = std::move(excepted), "implemented"_a = std::move(implemented),
                    "partial"_a = std::move(partial), "not_implemented"_a = std::move(not_implemented),
                    "unknown"_a = std::move(unknown), "response_rate"_a = std::move(response_rate));
  }
};

// Built without the GIL; turned into Python objects (one per column) with it.
template <class Range>
GroupColumns columns_of(const Range& rows) {
  GroupColumns c;
  for (const GroupScore& g : rows) c.push(g);
  return c;
}

// The answers held by a cycle as columns: department and item indices (CycleData's order) and
// the answer's index in Answer's order, for every answered (課, item), row-major.
py::dict answer_columns(const CycleData& d) {
  Column dept = ints(0), item = ints(0), answer = ints(0);
  {
    py::gil_scoped_release nogil;
    const std::size_t items = d.checklist().items().size();
    for (std::size_t r = 0; r < d.departments().size(); ++r)
      for (std::size_t i = 0; i < items; ++i)
        if (const std::optional<Answer> a = d.answer(r, i)) {
          dept.i.push_back(std::int64_t(r));
          item.i.push_back(std::int64_t(i));
          answer.i.push_back(std::int64_t(*a));
        }
  }
  std::vector<std::string> answers;
  for (Answer a :
       {Answer::implemented, Answer::partial, Answer::not_implemented, Answer::not_applicable, Answer::unknown})
    answers.emplace_back(to_string(a));
  return py::dict("department"_a = std::move(dept), "item"_a = std::move(item), "answer"_a = std::move(answer),
                  "answers"_a = answers);
}

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

// Every scoring result starts with the keys "cycle" and "model". "rows" are columns.
py::dict to_dict(const ScoreTable& t, GroupColumns&& rows) {
  return py::dict("cycle"_a = t.cycle, "model"_a = t.model, "by"_a = std::string(to_string(t.by)),
                  "rows"_a = std::move(rows).to_python(), "distribution"_a = to_dict(t.distribution),
                  "body_level"_a = optional_dict(t.body_level));
}

// rows, columns and cells as columns; cells row-major (課 r, chapter c at r * columns + c).
py::dict matrix_dict(const ScoreMatrix& t) {
  GroupColumns rows, columns, cells;
  {
    py::gil_scoped_release nogil;
    rows = columns_of(t.rows);
    columns = columns_of(t.columns);
    // A cell's group and name are its chapter's (the columns'), its parent its 課 (the row's):
    // coded by position, without a look-up per cell (40,000 課 × 10 chapters).
    for (const GroupScore& c : t.columns) cells.group.values.push_back(c.group), cells.name.values.push_back(c.name);
    for (const GroupScore& r : t.rows) cells.parent.values.push_back(r.group);
    cells.reserve(t.rows.size() * t.columns.size());
    for (std::size_t r = 0; r < t.cells.size(); ++r)
      for (std::size_t c = 0; c < t.cells[r].size(); ++c) {
        const GroupScore& g = t.cells[r][c];
        if (c < t.columns.size() && r < t.rows.size() && g.group == t.columns[c].group && g.name == t.columns[c].name &&
            g.parent == t.rows[r].group) {
          cells.group.codes.i.push_back(std::int64_t(c));
          cells.name.codes.i.push_back(std::int64_t(c));
          cells.parent.codes.i.push_back(std::int64_t(r));
        } else {  // not the shape score_matrix makes: each text by look-up
          cells.group.push(g.group), cells.name.push(g.name), cells.parent.push(g.parent);
        }
        cells.push_figures(g);
      }
  }
  return py::dict("cycle"_a = t.cycle, "model"_a = t.model, "rows"_a = std::move(rows).to_python(),
                  "columns"_a = std::move(columns).to_python(), "cells"_a = std::move(cells).to_python(),
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

// _Column: a result's column, read through the buffer protocol (NumPy, pyarrow, memoryview).
void bind_columns(py::module_& m) {
  py::class_<Column>(m, "_Column", py::buffer_protocol(),
                     "One column of a result (float64 or int64), read through the buffer protocol.")
      .def_buffer([](Column& c) {
        if (c.is_float) return py::buffer_info(c.f.data(), std::int64_t(c.f.size()));
        return py::buffer_info(c.i.data(), std::int64_t(c.i.size()));
      })
      .def("__len__", &Column::size);
}

}  // namespace

void bind_scoring(py::module_& m) {
  bind_columns(m);
  m.def("model_names", &model_names, "The registered scoring models, built-in first.");
  m.def("model_title", &model_title, py::arg("name"),
        "A model's name as a person reads it, in the catalogue's language (NotFoundError when unknown).");
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
      .def("answer_columns", &answer_columns)
      .def("in_scope", &CycleData::in_scope, py::arg("department"), py::arg("item"))
      .def("body_level", &CycleData::body_level, py::arg("item"))
      .def(
          "score",
          [](const CycleData& d, std::string_view by, const std::string& model, double p, const Exceptions& ex) {
            const GroupBy g = parse_group_by(by);
            const ScoreOptions o = options(model, p, ex);
            ScoreTable t;
            GroupColumns rows = without_gil([&] {
              t = score(d, g, o);
              return columns_of(t.rows);
            });
            return to_dict(t, std::move(rows));
          },
          py::arg("by"), py::arg("model"), py::arg("partial_value"), py::arg("exceptions"))
      .def(
          "matrix",
          [](const CycleData& d, const std::string& model, double p, const Exceptions& ex) {
            const ScoreOptions o = options(model, p, ex);
            return matrix_dict(without_gil([&] { return score_matrix(d, o); }));
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
