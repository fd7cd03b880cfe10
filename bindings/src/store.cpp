// Bindings of libaudit::Store as libaudit._core._Store. The Python class libaudit.Store
// (libaudit/store.py) wraps it and turns the plain dicts returned here into dataclasses.
// Bulk imports convert their rows with the CPython API once and run without the GIL.
#include "libaudit/store/store.h"

#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/large_array.h"
#include "libaudit/base/messages.h"

namespace libaudit::python {

namespace {

py::dict to_dict(const Department& d) {
  return py::dict("code"_a = d.code, "name"_a = d.name, "parent_code"_a = d.parent_code,
                  "security_officer"_a = d.security_officer, "security_manager"_a = d.security_manager,
                  "is_leaf"_a = d.is_leaf);
}

py::dict to_dict(const System& s) {
  return py::dict("name"_a = s.name, "department"_a = s.department_code, "tier"_a = s.tier,
                  "important_assets"_a = s.important_assets);
}

py::dict to_dict(const StoredChecklist& c) {
  return py::dict("id"_a = c.id, "checklist_id"_a = c.checklist_id, "version"_a = c.version, "title"_a = c.title,
                  "body"_a = c.body, "sha256"_a = c.sha256, "imported_at"_a = c.imported_at, "items"_a = c.items);
}

py::dict to_dict(const Cycle& c) {
  return py::dict("id"_a = c.id, "name"_a = c.name, "kind"_a = std::string(to_string(c.kind)),
                  "fiscal_year"_a = c.fiscal_year, "checklist"_a = c.checklist,
                  "status"_a = std::string(to_string(c.status)), "departments"_a = c.departments,
                  "created_at"_a = c.created_at, "secretariat"_a = c.secretariat);
}

// to_dict of one entity type, as a value that list_of can take (to_dict is overloaded).
template <class T>
py::dict to_dict_of(const T& x) {
  return to_dict(x);
}

constexpr const char* kResponseFields[] = {"department", "item",        "answer",     "comment",
                                           "evidence",   "answered_by", "answered_at"};

// Rows: a sequence of tuples/lists (department, item, answer[, comment[, evidence[, answered_by[,
// answered_at]]]]) or of dicts with those keys, as views of the strings' UTF-8 (which CPython
// keeps with each str). The rows are snapshotted into a tuple and every field of a mutable row
// (list, dict) is held, so the views stay valid while the import runs without the GIL even if
// another thread changes the caller's list. Destroy it with the GIL held.
struct ResponseRowsFromPython {
  py::object snapshot;                 // a tuple of the rows
  std::vector<py::object> held;        // fields of mutable rows, and strings made from ints
  LargeVector<ResponseRowView> views;  // a million rows: huge pages (large_array.h)
};

// A str (or int, for codes written as numbers) as a view of its UTF-8; None as "". `hold` keeps
// a reference to the str (for fields of rows the caller could change during the import).
std::string_view utf8_of(PyObject* v, std::size_t row, const char* field, std::vector<py::object>& held, bool hold) {
  if (v == nullptr || v == Py_None) return {};
  // An ASCII str of an immutable row (the common case): its characters are its UTF-8.
  if (!hold && PyUnicode_CheckExact(v) && PyUnicode_IS_COMPACT_ASCII(v))
    return {static_cast<const char*>(PyUnicode_DATA(v)), std::size_t(PyUnicode_GET_LENGTH(v))};
  if (PyLong_Check(v)) {
    held.push_back(py::str(v));
    v = held.back().ptr();
  } else if (!PyUnicode_Check(v)) {
    throw py::type_error(message("row {row}: {field} must be a str, not {type}", fmt::arg("row", row + 1),
                                 fmt::arg("field", field), fmt::arg("type", Py_TYPE(v)->tp_name)));
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
    throw py::type_error(message("rows must be an iterable of rows (tuples, lists or dicts), not {type}",
                                 fmt::arg("type", Py_TYPE(rows.ptr())->tp_name)));
  }
  const Py_ssize_t n = PyTuple_GET_SIZE(out.snapshot.ptr());
  out.views.reserve(static_cast<std::size_t>(n));  // each view written once, in order
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject* row = PyTuple_GET_ITEM(out.snapshot.ptr(), k);
    ResponseRowView& r = out.views.emplace_back();
    std::string_view* fields[] = {&r.department, &r.item,        &r.answer,     &r.comment,
                                  &r.evidence,   &r.answered_by, &r.answered_at};
    r.line = int(k + 1);
    const std::size_t row_no = std::size_t(k);
    if (PyTuple_Check(row) || PyList_Check(row)) {
      const bool mutable_row = PyList_Check(row);
      const Py_ssize_t m = mutable_row ? PyList_GET_SIZE(row) : PyTuple_GET_SIZE(row);
      if (m < 3 || m > 7)
        throw py::value_error(
            message("row {row}: expected (department, item, answer[, comment, evidence, "
                    "answered_by, answered_at]), got {n} values",
                    fmt::arg("row", k + 1), fmt::arg("n", m)));
      for (Py_ssize_t j = 0; j < m; ++j) {
        PyObject* v = mutable_row ? PyList_GET_ITEM(row, j) : PyTuple_GET_ITEM(row, j);
        *fields[j] = utf8_of(v, row_no, kResponseFields[j], out.held, mutable_row);
      }
    } else if (PyDict_Check(row)) {
      for (std::size_t j = 0; j < 7; ++j)
        *fields[j] = utf8_of(PyDict_GetItemString(row, kResponseFields[j]), row_no, kResponseFields[j], out.held, true);
    } else {
      throw py::type_error(message("row {row} must be a tuple, list or dict, not {type}", fmt::arg("row", k + 1),
                                   fmt::arg("type", Py_TYPE(row)->tp_name)));
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

Department department_of(const py::dict& d) {
  return Department{field(d, "code"), field(d, "name"), field(d, "parent_code"), field(d, "security_officer"),
                    field(d, "security_manager")};
}

System system_of(const py::dict& d) {
  return System{field(d, "name"), field(d, "department"), field(d, "tier"), false};
}

// Rows given as a list of dicts, numbered from line 1 in the order given.
template <class Row, class Make>
std::vector<Row> rows_of(const py::list& rows, Make make) {
  std::vector<Row> in;
  int line = 0;
  for (const py::handle& h : rows) in.push_back(make(h.cast<py::dict>(), ++line));
  return in;
}

using StoreClass = py::class_<Store>;

// Binds rows_name(actor, rows, source), each dict of the list `rows` made a Row by
// row_of(dict, line), and csv_name(actor, file, encoding); both import without the GIL.
template <class Row, class RowOf>
void bind_row_imports(StoreClass& c, const char* rows_name, const char* csv_name,
                      ImportResult (Store::*import_rows)(std::string_view, const std::vector<Row>&,
                                                         const ImportOptions&),
                      ImportResult (Store::*import_csv)(std::string_view, const std::filesystem::path&, csv::Encoding),
                      RowOf row_of) {
  c.def(
       rows_name,
       [import_rows, row_of](Store& s, std::string_view actor, const py::list& rows, std::string source) {
         const auto in = rows_of<Row>(rows, row_of);
         return import_without_gil([&] { return (s.*import_rows)(actor, in, ImportOptions{source, {}}); });
       },
       py::arg("actor"), py::arg("rows"), py::arg("source") = "<rows>")
      .def(
          csv_name,
          [import_csv](Store& s, std::string_view actor, const std::filesystem::path& file, std::string_view encoding) {
            const csv::Encoding e = csv::parse_encoding(encoding);
            return import_without_gil([&] { return (s.*import_csv)(actor, file, e); });
          },
          py::arg("actor"), py::arg("file"), py::arg("encoding") = "detect");
}

// The body, 課 and systems: the organisation a cycle is run over.
void bind_organisation(StoreClass& c) {
  c.def("body", &Store::body)
      .def("set_body", &Store::set_body, py::arg("actor"), py::arg("body"))
      .def("exchange_secret", &Store::exchange_secret)
      .def(
          "put_department",
          [](Store& s, std::string_view actor, const py::dict& d) { s.put_department(actor, department_of(d)); },
          py::arg("actor"), py::arg("department"))
      .def("departments", [](const Store& s) { return list_of(s.departments(), to_dict_of<Department>); })
      .def(
          "put_system",
          [](Store& s, std::string_view actor, const py::dict& d) {
            s.import_systems(actor, {SystemRow{system_of(d), field(d, "important_assets"), 1}},
                             ImportOptions{"<system>", {}});
          },
          py::arg("actor"), py::arg("system"))
      .def("systems", [](const Store& s) { return list_of(s.systems(), to_dict_of<System>); });
  bind_row_imports<DepartmentRow>(c, "import_departments", "import_departments_csv", &Store::import_departments,
                                  &Store::import_departments_csv, [](const py::dict& d, int line) {
                                    return DepartmentRow{department_of(d), line};
                                  });
  bind_row_imports<SystemRow>(c, "import_systems", "import_systems_csv", &Store::import_systems,
                              &Store::import_systems_csv, [](const py::dict& d, int line) {
                                return SystemRow{system_of(d), field(d, "important_assets"), line};
                              });
}

// Checklists and the cycles run with them.
void bind_cycles(StoreClass& c) {
  c.def("import_checklist", &Store::import_checklist, py::arg("actor"), py::arg("checklist"))
      .def("checklists", [](const Store& s) { return list_of(s.checklists(), to_dict_of<StoredChecklist>); })
      .def("load_checklist", &Store::load_checklist, py::arg("id"))
      .def(
          "find_checklist", [](const Store& s, std::string_view ref) { return to_dict_of(s.find_checklist(ref)); },
          py::arg("ref"))
      .def(
          "create_cycle",
          [](Store& s, std::string_view actor, const std::string& name, std::string_view kind, int fiscal_year,
             std::int64_t checklist, std::vector<std::string> departments, std::string secretariat) {
            return s.create_cycle(actor, CycleSpec{name, parse_cycle_kind(kind), fiscal_year, checklist,
                                                   std::move(departments), std::move(secretariat)});
          },
          py::arg("actor"), py::arg("name"), py::arg("kind"), py::arg("fiscal_year"), py::arg("checklist"),
          py::arg("departments") = std::vector<std::string>{}, py::arg("secretariat") = std::string())
      .def("open_cycle", &Store::open_cycle, py::arg("actor"), py::arg("cycle"))
      .def("close_cycle", &Store::close_cycle, py::arg("actor"), py::arg("cycle"))
      .def("trail_head", [](const Store& s) { return point_dict(s.trail_head()); })
      .def(
          "cycle_point",
          [](const Store& s, std::int64_t cycle, const py::object& as_of) {
            return point_dict(s.cycle_point(cycle, as_of_instant(as_of)));
          },
          py::arg("cycle"), py::arg("as_of") = py::none())
      .def(
          "cycle_closes",
          [](const Store& s, std::int64_t cycle) { return list_of(s.cycle_closes(cycle), &point_dict); },
          py::arg("cycle"))
      .def("cycles", [](const Store& s) { return list_of(s.cycles(), to_dict_of<Cycle>); })
      .def(
          "cycle", [](const Store& s, std::int64_t id) { return to_dict(s.cycle(id)); }, py::arg("id"))
      .def(
          "earlier_cycle",
          [](const Store& s, std::int64_t a, std::int64_t b) { return earlier_cycle(s.cycle(a), s.cycle(b)); },
          py::arg("a"), py::arg("b"));
}

// The answers of a cycle: bulk imports (without the GIL) and reading them back.
void bind_responses(StoreClass& c) {
  c.def(
       "import_responses",
       [](Store& s, std::string_view actor, std::int64_t cycle, const py::handle& rows, std::string source,
          py::object progress, std::string trail_source) {
         ResponseRowsFromPython in;
         response_rows(rows, in);
         ImportOptions o = options_for(std::move(source), std::move(progress));
         o.trail_source = std::move(trail_source);
         return import_without_gil(
             [&] { return s.import_responses(actor, cycle, std::span<const ResponseRowView>(in.views), o); });
       },
       py::arg("actor"), py::arg("cycle"), py::arg("rows"), py::arg("source") = "<rows>",
       py::arg("progress") = py::none(), py::arg("trail_source") = "")
      .def(
          "import_responses_csv",
          [](Store& s, std::string_view actor, std::int64_t cycle, const std::filesystem::path& file,
             std::string_view encoding, py::object progress) {
            const csv::Encoding e = csv::parse_encoding(encoding);
            auto p = progress_fn(std::move(progress));
            return import_without_gil([&] { return s.import_responses_csv(actor, cycle, file, e, p); });
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
            return list_of(rs, [](const Response& r) {
              return py::make_tuple(r.cycle, r.department, r.item, std::string(to_string(r.answer)), r.comment,
                                    r.evidence, r.answered_by, r.answered_at);
            });
          },
          py::arg("cycle"))
      .def("response_count", &Store::response_count, py::arg("cycle"))
      .def(
          "response_history",
          [](const Store& s, std::int64_t cycle, std::string_view department, std::string_view item) {
            return list_of(s.response_history(cycle, department, item), [](const ResponseVersion& v) {
              return py::dict("seq"_a = v.seq, "at"_a = v.at, "actor"_a = v.actor, "action"_a = v.action,
                              "answer"_a = v.answer, "comment"_a = v.comment, "evidence"_a = v.evidence,
                              "answered_by"_a = v.answered_by, "answered_at"_a = v.answered_at);
            });
          },
          py::arg("cycle"), py::arg("department"), py::arg("item"));
}

// A VerifyReport as the dict store.py reads.
py::dict verify_dict(const VerifyReport& r) {
  py::list problems =
      list_of(r.problems, [](const Problem& p) { return py::make_tuple(p.table, p.key, p.kind, p.detail); });
  return py::dict("records"_a = r.records, "rows"_a = r.rows, "head_hash"_a = r.head_hash, "head_seq"_a = r.head_seq,
                  "problems"_a = problems, "sealed_from"_a = r.sealed_from, "key_id"_a = r.key_id,
                  "unreferenced"_a = r.unreferenced, "checkpoint"_a = r.checkpoint, "since"_a = r.since,
                  "checkpoint_hash"_a = r.checkpoint_hash);
}

// The trail and the check of the whole store against it.
void bind_trail(StoreClass& c) {
  c.def(
       "trail",
       [](const Store& s, std::int64_t after, std::size_t limit) {
         return list_of(s.trail(after, limit), [](const TrailRecord& t) {
           return py::make_tuple(t.seq, t.at, t.actor, t.entity, t.key, t.action, t.state, t.prev_hash, t.hash);
         });
       },
       py::arg("after") = 0, py::arg("limit") = 0)
      .def(
          "verify",
          [](const Store& s, const std::string& anchor, std::int64_t anchor_seq, const py::bytes& trail_key,
             bool since_checkpoint) {
            VerifyReport r;
            VerifyOptions options{TrailAnchor{anchor_seq, anchor}, std::string(trail_key), since_checkpoint};
            {
              py::gil_scoped_release nogil;
              r = s.verify(options);
            }
            return verify_dict(r);
          },
          py::arg("anchor") = "", py::arg("anchor_seq") = 0, py::arg("trail_key") = py::bytes(),
          py::arg("since_checkpoint") = false)
      .def(
          "checkpoint",
          [](Store& s, const std::string& actor, const std::string& anchor, std::int64_t anchor_seq,
             const py::bytes& trail_key) {
            VerifyReport r;
            VerifyOptions options{TrailAnchor{anchor_seq, anchor}, std::string(trail_key)};
            {
              py::gil_scoped_release nogil;
              r = s.checkpoint(actor, options);
            }
            return verify_dict(r);
          },
          py::arg("actor"), py::arg("anchor") = "", py::arg("anchor_seq") = 0, py::arg("trail_key") = py::bytes());
}

// Module-level functions of the store stage: 年度 and answer labels.
void bind_store_functions(py::module_& m) {
  m.attr("STORE_SCHEMA_VERSION") = kStoreSchemaVersion;
  m.def(
      "fiscal_year_of", [](std::string_view date) { return fiscal_year_of(parse_date(date)); }, py::arg("date"),
      "The 年度 (April-March) an ISO date falls in: '2025-03-31' -> 2024.");
  m.def(
      "fiscal_year_range",
      [](int fy) { return std::make_pair(fiscal_year_start(fy).to_string(), fiscal_year_end(fy).to_string()); },
      py::arg("fiscal_year"), "First and last day of a 年度 as ISO dates.");
  m.def(
      "read_trail_key", [](const std::string& path) { return py::bytes(read_trail_key(path)); }, py::arg("path"),
      "The trail key in a key file (64 hex digits and a newline, mode 0600): its raw bytes.");
  m.def(
      "write_trail_key", [](const std::string& path) { write_trail_key(path); }, py::arg("path"),
      "Writes a new key file of 32 random bytes, mode 0600; never replaces a file.");
  m.def(
      "trail_key_id", [](const py::bytes& key) { return trail_key_id(std::string(key)); }, py::arg("key"),
      "The first 16 hex digits of SHA-256(key).");
  m.def("fiscal_year_label", &fiscal_year_label, py::arg("fiscal_year"), "The 和暦 label: 2024 -> '令和6年度'.");
  m.def("trail_anchor_text", &trail_anchor_text, py::arg("seq"), py::arg("hash"),
        "The anchor text reports print for a trail record: '証跡 24:f0ef309841dc' ('証跡なし' for seq 0).");
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
}

}  // namespace

py::dict point_dict(const TrailPoint& p) { return py::dict("seq"_a = p.seq, "at"_a = p.at, "hash"_a = p.hash); }

py::dict import_result_dict(const ImportResult& r) {
  return py::dict("rows"_a = r.rows, "inserted"_a = r.inserted, "updated"_a = r.updated, "unchanged"_a = r.unchanged);
}

void bind_store(py::module_& m) {
  bind_store_functions(m);
  StoreClass c(m, "_Store", "The compiled store. Use libaudit.Store.");
  c.def(py::init(
            [](const std::string& path, bool create, int busy_timeout_ms, bool read_only, const py::bytes& trail_key) {
              OpenOptions options{create, busy_timeout_ms, read_only, std::string(trail_key)};
              py::gil_scoped_release nogil;
              return Store::open(path, options);
            }),
        py::arg("path"), py::arg("create") = true, py::arg("busy_timeout_ms") = 30000, py::arg("read_only") = false,
        py::arg("trail_key") = py::bytes())
      .def("close", &Store::close)
      .def_property_readonly("is_open", &Store::is_open)
      .def_property_readonly("path", &Store::path)
      .def_property_readonly("schema_version", &Store::schema_version)
      .def("schema_versions", &Store::schema_versions);
  bind_organisation(c);
  bind_cycles(c);
  bind_responses(c);
  bind_trail(c);
}

}  // namespace libaudit::python
