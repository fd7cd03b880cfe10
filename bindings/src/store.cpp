// Bindings of libaudit::Store as libaudit._core._Store. The Python class libaudit.Store
// (libaudit/store.py) wraps it and turns the plain dicts returned here into dataclasses.
// Bulk imports convert their rows with the CPython API once and run without the GIL.
#include "libaudit/store/store.h"

#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "libaudit/base/fiscal_year.h"

namespace libaudit::python {

namespace {

py::dict to_dict(const Department& d) {
  py::dict o;
  o["code"] = d.code;
  o["name"] = d.name;
  o["parent_code"] = d.parent_code;
  o["security_officer"] = d.security_officer;
  o["security_manager"] = d.security_manager;
  o["is_leaf"] = d.is_leaf;
  return o;
}

py::dict to_dict(const System& s) {
  py::dict o;
  o["name"] = s.name;
  o["department"] = s.department_code;
  o["tier"] = s.tier;
  o["important_assets"] = s.important_assets;
  return o;
}

py::dict to_dict(const StoredChecklist& c) {
  py::dict o;
  o["id"] = c.id;
  o["checklist_id"] = c.checklist_id;
  o["version"] = c.version;
  o["title"] = c.title;
  o["body"] = c.body;
  o["sha256"] = c.sha256;
  o["imported_at"] = c.imported_at;
  o["items"] = c.items;
  return o;
}

py::dict to_dict(const Cycle& c) {
  py::dict o;
  o["id"] = c.id;
  o["name"] = c.name;
  o["kind"] = std::string(to_string(c.kind));
  o["fiscal_year"] = c.fiscal_year;
  o["checklist"] = c.checklist;
  o["status"] = std::string(to_string(c.status));
  o["departments"] = c.departments;
  o["created_at"] = c.created_at;
  return o;
}

constexpr const char* kResponseFields[] = {"department", "item",        "answer",     "comment",
                                           "evidence",   "answered_by", "answered_at"};

// Rows: a sequence of tuples/lists (department, item, answer[, comment[, evidence[, answered_by[,
// answered_at]]]]) or of dicts with those keys, as views of the strings' UTF-8 (which CPython
// keeps with each str). The rows are snapshotted into a tuple and every field of a mutable row
// (list, dict) is held, so the views stay valid while the import runs without the GIL even if
// another thread changes the caller's list. Destroy it with the GIL held.
struct ResponseRowsFromPython {
  py::object snapshot;           // a tuple of the rows
  std::vector<py::object> held;  // fields of mutable rows, and strings made from ints
  std::vector<ResponseRowView> views;
};

// A str (or int, for codes written as numbers) as a view of its UTF-8; None as "". `hold` keeps
// a reference to the str (for fields of rows the caller could change during the import).
std::string_view utf8_of(PyObject* v, std::size_t row, const char* field, std::vector<py::object>& held, bool hold) {
  if (v == nullptr || v == Py_None) return {};
  if (PyLong_Check(v)) {
    held.push_back(py::str(v));
    v = held.back().ptr();
  } else if (!PyUnicode_Check(v)) {
    throw py::type_error("row " + std::to_string(row + 1) + ": " + field + " must be a str, not " +
                         std::string(Py_TYPE(v)->tp_name));
  } else if (hold) {
    held.push_back(py::reinterpret_borrow<py::object>(v));
  }
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(v, &n);
  if (!p) throw py::error_already_set();
  return {p, std::size_t(n)};
}

void response_rows(const py::handle& rows, ResponseRowsFromPython& out) {
  out.snapshot = py::reinterpret_steal<py::object>(PySequence_Tuple(rows.ptr()));
  if (!out.snapshot) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) throw py::error_already_set();
    PyErr_Clear();
    throw py::type_error("rows must be an iterable of rows (tuples, lists or dicts), not " +
                         std::string(Py_TYPE(rows.ptr())->tp_name));
  }
  const Py_ssize_t n = PyTuple_GET_SIZE(out.snapshot.ptr());
  out.views.resize(static_cast<std::size_t>(n));
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject* row = PyTuple_GET_ITEM(out.snapshot.ptr(), k);
    ResponseRowView& r = out.views[std::size_t(k)];
    std::string_view* fields[] = {&r.department, &r.item,        &r.answer,     &r.comment,
                                  &r.evidence,   &r.answered_by, &r.answered_at};
    r.line = int(k + 1);
    const std::size_t row_no = std::size_t(k);
    if (PyTuple_Check(row) || PyList_Check(row)) {
      const bool mutable_row = PyList_Check(row);
      const Py_ssize_t m = mutable_row ? PyList_GET_SIZE(row) : PyTuple_GET_SIZE(row);
      if (m < 3 || m > 7)
        throw py::value_error(
            "row " + std::to_string(k + 1) +
            ": expected (department, item, answer[, comment, evidence, answered_by, answered_at]), got " +
            std::to_string(m) + " values");
      for (Py_ssize_t j = 0; j < m; ++j) {
        PyObject* v = mutable_row ? PyList_GET_ITEM(row, j) : PyTuple_GET_ITEM(row, j);
        *fields[j] = utf8_of(v, row_no, kResponseFields[j], out.held, mutable_row);
      }
    } else if (PyDict_Check(row)) {
      for (std::size_t j = 0; j < 7; ++j)
        *fields[j] = utf8_of(PyDict_GetItemString(row, kResponseFields[j]), row_no, kResponseFields[j], out.held, true);
    } else {
      throw py::type_error("row " + std::to_string(k + 1) + " must be a tuple, list or dict, not " +
                           std::string(Py_TYPE(row)->tp_name));
    }
  }
}

std::string field(const py::dict& d, const char* key) {
  if (!d.contains(key)) return {};
  py::object v = d[key];
  if (v.is_none()) return {};
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  return py::str(v).cast<std::string>();
}

ImportOptions options_for(std::string source, py::object progress) {
  ImportOptions o;
  o.source = std::move(source);
  if (!progress.is_none()) {
    o.progress = [progress](std::size_t done, std::size_t total) {
      py::gil_scoped_acquire gil;
      progress(done, total);
    };
  }
  return o;
}

std::function<void(std::size_t, std::size_t)> progress_fn(py::object progress) {
  if (progress.is_none()) return {};
  return [progress](std::size_t done, std::size_t total) {
    py::gil_scoped_acquire gil;
    progress(done, total);
  };
}

}  // namespace

py::dict import_result_dict(const ImportResult& r) {
  py::dict o;
  o["rows"] = r.rows;
  o["inserted"] = r.inserted;
  o["updated"] = r.updated;
  o["unchanged"] = r.unchanged;
  return o;
}

void bind_store(py::module_& m) {
  m.attr("STORE_SCHEMA_VERSION") = kStoreSchemaVersion;
  m.def(
      "fiscal_year_of", [](std::string_view date) { return fiscal_year_of(parse_date(date)); }, py::arg("date"),
      "The 年度 (April-March) an ISO date falls in: '2025-03-31' -> 2024.");
  m.def(
      "fiscal_year_range",
      [](int fy) { return std::make_pair(fiscal_year_start(fy).to_string(), fiscal_year_end(fy).to_string()); },
      py::arg("fiscal_year"), "First and last day of a 年度 as ISO dates.");
  m.def("fiscal_year_label", &fiscal_year_label, py::arg("fiscal_year"), "The 和暦 label: 2024 -> '令和6年度'.");
  m.def(
      "answer_labels",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (Answer a :
             {Answer::implemented, Answer::partial, Answer::not_implemented, Answer::not_applicable, Answer::unknown})
          out.emplace_back(std::string(to_string(a)), std::string(answer_label(a)));
        return out;
      },
      "Answers as (code, Japanese label) pairs.");

  py::class_<Store>(m, "_Store", "The compiled store. Use libaudit.Store.")
      .def(py::init([](const std::string& path, bool create, int busy_timeout_ms) {
             py::gil_scoped_release nogil;
             return Store::open(path, OpenOptions{create, busy_timeout_ms});
           }),
           py::arg("path"), py::arg("create") = true, py::arg("busy_timeout_ms") = 30000)
      .def("close", &Store::close)
      .def_property_readonly("is_open", &Store::is_open)
      .def_property_readonly("path", &Store::path)
      .def_property_readonly("schema_version", &Store::schema_version)
      .def("schema_versions", &Store::schema_versions)
      .def("body", &Store::body)
      .def("set_body", &Store::set_body, py::arg("actor"), py::arg("body"))
      .def("exchange_secret", &Store::exchange_secret)
      .def(
          "put_department",
          [](Store& s, std::string_view actor, const py::dict& d) {
            s.put_department(actor, Department{field(d, "code"), field(d, "name"), field(d, "parent_code"),
                                               field(d, "security_officer"), field(d, "security_manager")});
          },
          py::arg("actor"), py::arg("department"))
      .def(
          "import_departments",
          [](Store& s, std::string_view actor, const py::list& rows, std::string source) {
            std::vector<DepartmentRow> in;
            int line = 0;
            for (const py::handle& h : rows) {
              py::dict d = h.cast<py::dict>();
              in.push_back({Department{field(d, "code"), field(d, "name"), field(d, "parent_code"),
                                       field(d, "security_officer"), field(d, "security_manager")},
                            ++line});
            }
            py::gil_scoped_release nogil;
            ImportResult r = s.import_departments(actor, in, ImportOptions{source, {}});
            py::gil_scoped_acquire gil;
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("rows"), py::arg("source") = "<rows>")
      .def(
          "import_departments_csv",
          [](Store& s, std::string_view actor, const std::filesystem::path& file, std::string_view encoding) {
            const csv::Encoding e = csv::parse_encoding(encoding);
            py::gil_scoped_release nogil;
            ImportResult r = s.import_departments_csv(actor, file, e);
            py::gil_scoped_acquire gil;
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("file"), py::arg("encoding") = "detect")
      .def("departments",
           [](const Store& s) {
             py::list out;
             for (const Department& d : s.departments()) out.append(to_dict(d));
             return out;
           })
      .def(
          "put_system",
          [](Store& s, std::string_view actor, const py::dict& d) {
            s.import_systems(actor,
                             {SystemRow{System{field(d, "name"), field(d, "department"), field(d, "tier"), false},
                                        field(d, "important_assets"), 1}},
                             ImportOptions{"<system>", {}});
          },
          py::arg("actor"), py::arg("system"))
      .def(
          "import_systems",
          [](Store& s, std::string_view actor, const py::list& rows, std::string source) {
            std::vector<SystemRow> in;
            int line = 0;
            for (const py::handle& h : rows) {
              py::dict d = h.cast<py::dict>();
              in.push_back({System{field(d, "name"), field(d, "department"), field(d, "tier"), false},
                            field(d, "important_assets"), ++line});
            }
            py::gil_scoped_release nogil;
            ImportResult r = s.import_systems(actor, in, ImportOptions{source, {}});
            py::gil_scoped_acquire gil;
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("rows"), py::arg("source") = "<rows>")
      .def(
          "import_systems_csv",
          [](Store& s, std::string_view actor, const std::filesystem::path& file, std::string_view encoding) {
            const csv::Encoding e = csv::parse_encoding(encoding);
            py::gil_scoped_release nogil;
            ImportResult r = s.import_systems_csv(actor, file, e);
            py::gil_scoped_acquire gil;
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("file"), py::arg("encoding") = "detect")
      .def("systems",
           [](const Store& s) {
             py::list out;
             for (const System& x : s.systems()) out.append(to_dict(x));
             return out;
           })
      .def("import_checklist", &Store::import_checklist, py::arg("actor"), py::arg("checklist"))
      .def("checklists",
           [](const Store& s) {
             py::list out;
             for (const StoredChecklist& c : s.checklists()) out.append(to_dict(c));
             return out;
           })
      .def("load_checklist", &Store::load_checklist, py::arg("id"))
      .def(
          "create_cycle",
          [](Store& s, std::string_view actor, const std::string& name, std::string_view kind, int fiscal_year,
             std::int64_t checklist, std::vector<std::string> departments) {
            return s.create_cycle(
                actor, CycleSpec{name, parse_cycle_kind(kind), fiscal_year, checklist, std::move(departments)});
          },
          py::arg("actor"), py::arg("name"), py::arg("kind"), py::arg("fiscal_year"), py::arg("checklist"),
          py::arg("departments") = std::vector<std::string>{})
      .def("open_cycle", &Store::open_cycle, py::arg("actor"), py::arg("cycle"))
      .def("close_cycle", &Store::close_cycle, py::arg("actor"), py::arg("cycle"))
      .def("cycles",
           [](const Store& s) {
             py::list out;
             for (const Cycle& c : s.cycles()) out.append(to_dict(c));
             return out;
           })
      .def(
          "cycle", [](const Store& s, std::int64_t id) { return to_dict(s.cycle(id)); }, py::arg("id"))
      .def(
          "import_responses",
          [](Store& s, std::string_view actor, std::int64_t cycle, const py::handle& rows, std::string source,
             py::object progress, std::string trail_source) {
            ResponseRowsFromPython in;
            response_rows(rows, in);
            ImportOptions o = options_for(std::move(source), std::move(progress));
            o.trail_source = std::move(trail_source);
            ImportResult r;
            {
              py::gil_scoped_release nogil;
              r = s.import_responses(actor, cycle, std::span<const ResponseRowView>(in.views), o);
            }
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("cycle"), py::arg("rows"), py::arg("source") = "<rows>",
          py::arg("progress") = py::none(), py::arg("trail_source") = "")
      .def(
          "import_responses_csv",
          [](Store& s, std::string_view actor, std::int64_t cycle, const std::filesystem::path& file,
             std::string_view encoding, py::object progress) {
            const csv::Encoding e = csv::parse_encoding(encoding);
            auto p = progress_fn(std::move(progress));
            ImportResult r;
            {
              py::gil_scoped_release nogil;
              r = s.import_responses_csv(actor, cycle, file, e, p);
            }
            return import_result_dict(r);
          },
          py::arg("actor"), py::arg("cycle"), py::arg("file"), py::arg("encoding") = "detect",
          py::arg("progress") = py::none())
      .def(
          "responses",
          [](const Store& s, std::int64_t cycle) {
            // Tuples, not dicts: the Python side builds its objects (or a DataFrame) from them.
            std::vector<Response> rs;
            {
              py::gil_scoped_release nogil;
              rs = s.responses(cycle);
            }
            py::list out(rs.size());
            for (std::size_t k = 0; k < rs.size(); ++k) {
              const Response& r = rs[k];
              out[k] = py::make_tuple(r.cycle, r.department, r.item, std::string(to_string(r.answer)), r.comment,
                                      r.evidence, r.answered_by, r.answered_at);
            }
            return out;
          },
          py::arg("cycle"))
      .def("response_count", &Store::response_count, py::arg("cycle"))
      .def(
          "trail",
          [](const Store& s, std::int64_t after, std::size_t limit) {
            py::list out;
            for (const TrailRecord& t : s.trail(after, limit))
              out.append(py::make_tuple(t.seq, t.at, t.actor, t.entity, t.key, t.action, t.state, t.prev_hash, t.hash));
            return out;
          },
          py::arg("after") = 0, py::arg("limit") = 0)
      .def(
          "verify",
          [](const Store& s, const std::string& anchor, std::int64_t anchor_seq) {
            VerifyReport r;
            {
              py::gil_scoped_release nogil;
              r = s.verify(VerifyOptions{TrailAnchor{anchor_seq, anchor}});
            }
            py::list problems;
            for (const Problem& p : r.problems) problems.append(py::make_tuple(p.table, p.key, p.kind, p.detail));
            py::dict o;
            o["records"] = r.records;
            o["rows"] = r.rows;
            o["head_hash"] = r.head_hash;
            o["problems"] = problems;
            return o;
          },
          py::arg("anchor") = "", py::arg("anchor_seq") = 0);
}

}  // namespace libaudit::python
