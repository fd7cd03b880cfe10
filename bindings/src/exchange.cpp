// Bindings of libaudit/exchange/questionnaire.h as libaudit._core._Questionnaires and
// _Returned. The workbook and CSV cell mapping is Python's (libaudit.exchange); everything the
// cells mean is checked here. Rows and problems cross as tuples, which the Python side wraps.
#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/exchange/questionnaire.h"

namespace libaudit::python {

namespace {

using exchange::CsvColumn;
using exchange::Grid;
using exchange::Questionnaires;
using exchange::Returned;
using exchange::WorkbookLayout;

using ProblemTuple = std::tuple<std::string, std::string, int, std::string, std::string>;

std::vector<ProblemTuple> problem_tuples(const std::vector<exchange::Problem>& problems) {
  std::vector<ProblemTuple> out;
  for (const exchange::Problem& p : problems) out.emplace_back(p.file, p.sheet, p.row, p.column, p.message);
  return out;
}

std::vector<CsvColumn> csv_columns(const std::vector<std::pair<std::string, std::string>>& columns) {
  std::vector<CsvColumn> out;
  for (const auto& [key, heading] : columns) out.push_back({key, heading});
  return out;
}

void bind_returned(py::module_& m) {
  py::class_<Returned>(m, "_Returned", "A returned questionnaire, checked. Use libaudit.exchange.import_files.")
      .def(py::init([](std::string file, const std::vector<ProblemTuple>& problems) {
             Returned r{std::move(file), {}, {}, {}, {}};
             for (const auto& [f, sheet, row, column, message] : problems)
               r.problems.push_back({f, sheet, row, column, message});
             return r;
           }),
           py::arg("file"), py::arg("problems") = std::vector<ProblemTuple>{},
           "A file refused before its cells could be read (too large, not a workbook).")
      .def_readonly("file", &Returned::file)
      .def_readonly("department", &Returned::department)
      .def_readonly("respondent", &Returned::respondent)
      .def_property_readonly("problems", [](const Returned& r) { return problem_tuples(r.problems); })
      .def_property_readonly("rows", [](const Returned& r) {
        std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string, int, std::string>> out;
        for (const auto& x : r.rows)
          out.emplace_back(x.item, x.answer, x.comment, x.evidence, x.sheet, x.row, x.column);
        return out;
      });
}

}  // namespace

void bind_exchange(py::module_& m) {
  bind_returned(m);
  py::class_<Questionnaires>(m, "_Questionnaires",
                             "The questionnaires of one cycle (docs/exchange.md). Use libaudit.exchange.")
      .def(py::init([](Store& store, std::int64_t cycle, std::optional<std::int64_t> carry_over_from) {
             return Questionnaires::load(store, cycle, carry_over_from);
           }),
           py::arg("store"), py::arg("cycle"), py::arg("carry_over_from") = py::none())
      .def("check_exportable", &Questionnaires::check_exportable)
      .def("is_target", &Questionnaires::is_target, py::arg("department"))
      .def("department_name", &Questionnaires::department_name, py::arg("code"))
      .def(
          "rows",
          [](const Questionnaires& q, std::string_view department) {
            std::vector<std::tuple<int, std::string, std::string, std::string, std::string, std::string, std::string,
                                   std::string, std::string>>
                out;
            for (const auto& r : q.rows(department))
              out.emplace_back(r.no, r.item, r.chapter, r.clause, r.question, r.roles, r.answer, r.comment, r.evidence);
            return out;
          },
          py::arg("department"), "(no, item, chapter, clause, question, roles, answer label, comment, evidence)")
      .def("identity", &Questionnaires::identity, py::arg("department"), py::arg("n"))
      .def("mac", &Questionnaires::mac, py::arg("identity"), py::arg("parts"))
      .def("workbook_identity", &Questionnaires::workbook_identity, py::arg("department"), py::arg("n"),
           py::arg("sheet"), py::arg("respondent_cell"), py::arg("shows") = std::vector<Questionnaires::ShownCell>{})
      .def(
          "check_workbook",
          [](const Questionnaires& q, std::string_view file, const std::map<std::string, Grid, std::less<>>& sheets,
             std::tuple<int, int, int, int, int, int> layout) {
            const auto [header_row, columns, item, answer, comment, evidence] = layout;
            py::gil_scoped_release nogil;
            return q.check_workbook(file, sheets, WorkbookLayout{header_row, columns, item, answer, comment, evidence});
          },
          py::arg("file"), py::arg("sheets"), py::arg("layout"),
          "layout: (header row, columns, then the 0-based columns of item, answer, comment, evidence)")
      .def(
          "check_csv",
          [](const Questionnaires& q, std::string_view file, const py::bytes& data, std::string_view encoding,
             const std::vector<std::pair<std::string, std::string>>& columns) {
            const std::string bytes = data;
            const csv::Encoding e = csv::parse_encoding(encoding);
            py::gil_scoped_release nogil;
            return q.check_csv(file, bytes, e, csv_columns(columns));
          },
          py::arg("file"), py::arg("data"), py::arg("encoding"), py::arg("columns"))
      .def(
          "import_problems",
          [](const Questionnaires& q, const std::vector<Returned>& files, std::optional<std::string> department) {
            return problem_tuples(q.import_problems(files, department));
          },
          py::arg("files"), py::arg("department") = py::none())
      .def(
          "plan",
          [](const Questionnaires& q, const std::vector<Returned>& files, std::string_view actor) {
            const exchange::ImportPlan p = q.plan(files, actor);
            std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>> rows;
            for (const ResponseRow& r : p.rows)
              rows.emplace_back(r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by);
            std::vector<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>> counts;
            for (const auto& c : p.files) counts.emplace_back(c.answered, c.changed, c.unchanged, c.blank);
            return std::make_pair(rows, counts);
          },
          py::arg("files"), py::arg("actor"),
          "(rows for Store.import_responses, [(answered, changed, unchanged, blank) per file])");
}

}  // namespace libaudit::python
