// Bindings of libaudit/exchange/questionnaire.h as libaudit._core._Questionnaires and
// _Returned. The workbook and CSV cell mapping is Python's (libaudit.exchange); everything the
// cells mean is checked here. Rows and problems cross as tuples, which the Python side wraps.
#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/exchange/collection.h"
#include "libaudit/exchange/questionnaire.h"
#include "libaudit/exchange/submissions.h"

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

py::dict export_dict(const exchange::ExportRecord& e) {
  py::dict d;
  d["cycle"] = e.cycle;
  d["department"] = e.department;
  d["number"] = e.number;
  d["file"] = e.file;
  d["format"] = e.format;
  d["deadline"] = e.deadline;
  d["sha256"] = e.sha256;
  d["carry_over"] = e.carry_over;
  d["by"] = e.by;
  d["at"] = e.at;
  return d;
}

py::dict collection_row_dict(const exchange::CollectionRow& r) {
  py::dict d;
  d["department"] = r.department;
  d["name"] = r.name;
  d["parent_name"] = r.parent_name;
  d["security_manager"] = r.security_manager;
  d["items"] = r.items;
  d["exports"] = r.exports;
  d["last_export"] = r.last_export ? py::object(export_dict(*r.last_export)) : py::object(py::none());
  d["deadline"] = r.deadline;
  d["returned"] = r.returned;
  d["returned_at"] = r.returned_at;
  d["returned_by"] = r.returned_by;
  d["returned_file"] = r.returned_file;
  d["returned_sha256"] = r.returned_sha256;
  d["returns"] = r.returns;
  d["answered"] = r.answered;
  d["blank"] = r.blank;
  d["changed"] = r.changed;
  d["late"] = r.late;
  d["status"] = std::string(exchange::to_string(r.status));
  d["submitted"] = r.submitted;
  d["submitted_at"] = r.submitted_at;
  d["submitted_by"] = r.submitted_by;
  d["submissions"] = r.submissions;
  d["progress"] = std::string(exchange::to_string(r.progress));
  return d;
}

py::dict collection_dict(const exchange::CollectionStatus& c) {
  py::dict d;
  d["cycle"] = c.cycle.id;
  d["cycle_name"] = c.cycle.name;
  d["cycle_status"] = std::string(to_string(c.cycle.status));
  d["as_of"] = c.as_of.to_string();
  py::list rows;
  for (const exchange::CollectionRow& r : c.rows) rows.append(collection_row_dict(r));
  d["rows"] = rows;
  const exchange::CollectionTotals& t = c.totals;
  py::dict totals;
  totals["departments"] = t.departments;
  totals["exported"] = t.exported;
  totals["returned"] = t.returned;
  totals["late"] = t.late;
  totals["not_returned"] = t.not_returned;
  totals["items"] = t.items;
  totals["answered"] = t.answered;
  totals["blank"] = t.blank;
  totals["changed"] = t.changed;
  totals["submitted"] = t.submitted;
  d["totals"] = totals;
  py::dict by_status;  // 課 per status, every status (0 included)
  for (std::size_t k = 0; k < std::size(t.by_status); ++k)
    by_status[py::str(std::string(exchange::to_string(static_cast<exchange::Collection>(k))))] = t.by_status[k];
  d["by_status"] = by_status;
  py::dict by_progress;  // 課 per progress (未着手, 回答中, 提出済), every one (0 included)
  for (std::size_t k = 0; k < std::size(t.by_progress); ++k)
    by_progress[py::str(std::string(exchange::to_string(static_cast<exchange::Progress>(k))))] = t.by_progress[k];
  d["by_progress"] = by_progress;
  return d;
}

py::dict submission_dict(const exchange::Submission& s) {
  return py::dict("cycle"_a = s.cycle, "department"_a = s.department, "number"_a = s.number, "action"_a = s.action,
                  "by"_a = s.by, "at"_a = s.at, "reason"_a = s.reason);
}

// Web submissions (submissions.h). Use the Store methods (save_answers, submit, …).
void bind_submissions(py::module_& m) {
  // department ("": the 課 saved for), item, answer, comment, evidence
  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  m.def(
      "_save_answers",
      [](Store& store, std::string_view actor, std::int64_t cycle, std::string_view department,
         const std::vector<Row>& rows) {
        std::vector<ResponseRow> in;
        in.reserve(rows.size());
        for (const auto& [dept, item, answer, comment, evidence] : rows)
          in.push_back(ResponseRow{dept, item, answer, comment, evidence, {}, {}, int(in.size() + 1)});
        return import_without_gil([&] { return exchange::Submissions(store).save(actor, cycle, department, in); });
      },
      py::arg("store"), py::arg("actor"), py::arg("cycle"), py::arg("department"), py::arg("rows"),
      "Save a 課's answers given on the web (submissions.h). Use Store.save_answers.");
  m.def(
      "_submit",
      [](Store& store, std::string_view actor, std::int64_t cycle, std::string_view department) {
        return submission_dict(exchange::Submissions(store).submit(actor, cycle, department));
      },
      py::arg("store"), py::arg("actor"), py::arg("cycle"), py::arg("department"));
  m.def(
      "_reopen_submission",
      [](Store& store, std::string_view actor, std::int64_t cycle, std::string_view department,
         std::string_view reason) {
        return submission_dict(exchange::Submissions(store).reopen(actor, cycle, department, reason));
      },
      py::arg("store"), py::arg("actor"), py::arg("cycle"), py::arg("department"), py::arg("reason"));
  m.def(
      "_send_web_questionnaire",
      [](Store& store, std::string_view actor, std::int64_t cycle, std::string_view department,
         std::string_view deadline) {
        return export_dict(exchange::Submissions(store).send(actor, cycle, department, deadline));
      },
      py::arg("store"), py::arg("actor"), py::arg("cycle"), py::arg("department"), py::arg("deadline"));
  m.def(
      "_submission_state",
      [](const Store& store, std::int64_t cycle, std::string_view department) {
        return std::string(exchange::to_string(exchange::Submissions(store).state(cycle, department)));
      },
      py::arg("store"), py::arg("cycle"), py::arg("department"));
  m.def(
      "_submissions",
      [](const Store& store, std::int64_t cycle) {
        return list_of(exchange::Submissions(store).list(cycle), submission_dict);
      },
      py::arg("store"), py::arg("cycle"));
  m.def(
      "_may_answer_for",
      [](const Store& store, std::string_view person, std::string_view department) {
        return exchange::may_answer_for(People(store).get(person), store.department(department));
      },
      py::arg("store"), py::arg("person"), py::arg("department"));
  m.def(
      "_audit_team",
      [](const Store& store, std::string_view person) { return exchange::audit_team(People(store).get(person)); },
      py::arg("store"), py::arg("person"));
}

void bind_collection(py::module_& m) {
  m.def(
      "_record_export",
      [](Store& store, std::string_view actor, std::int64_t cycle, std::string department, std::string file,
         std::string format, std::string deadline, std::string sha256, std::int64_t carry_over) {
        return export_dict(exchange::Exports(store).record(actor, exchange::ExportRecord{cycle,
                                                                                         std::move(department),
                                                                                         0,
                                                                                         std::move(file),
                                                                                         std::move(format),
                                                                                         std::move(deadline),
                                                                                         std::move(sha256),
                                                                                         carry_over,
                                                                                         {},
                                                                                         {}}));
      },
      py::arg("store"), py::arg("actor"), py::arg("cycle"), py::arg("department"), py::arg("file"), py::arg("format"),
      py::arg("deadline"), py::arg("sha256"), py::arg("carry_over") = 0,
      "Record an exported questionnaire (collection.h). Use libaudit.exchange.");
  m.def(
      "_exports",
      [](const Store& store, std::int64_t cycle) {
        py::list out;
        for (const exchange::ExportRecord& e : exchange::Exports(store).list(cycle)) out.append(export_dict(e));
        return out;
      },
      py::arg("store"), py::arg("cycle"), "The recorded exports of a cycle, by 課 then number.");
  m.def(
      "_collection_status",
      [](const Store& store, std::int64_t cycle, std::optional<std::string> as_of) {
        std::optional<Date> day;
        if (as_of) day = parse_date(*as_of);
        return collection_dict(exchange::collection_status(store, cycle, day));
      },
      py::arg("store"), py::arg("cycle"), py::arg("as_of") = py::none(),
      "回収状況 of a cycle (collection.h). Use Store.collection_status.");
}

}  // namespace

void bind_exchange(py::module_& m) {
  bind_returned(m);
  bind_collection(m);
  bind_submissions(m);
  py::class_<Questionnaires>(m, "_Questionnaires",
                             "The questionnaires of one cycle (docs/exchange.md). Use libaudit.exchange.")
      .def(py::init([](Store& store, std::int64_t cycle, std::optional<std::int64_t> carry_over_from) {
             return Questionnaires::load(store, cycle, carry_over_from);
           }),
           py::arg("store"), py::arg("cycle"), py::arg("carry_over_from") = py::none(),
           py::keep_alive<1, 2>())  // it reads a 課's answers from the store when asked
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
