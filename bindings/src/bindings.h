// libaudit._core: thin pybind11 bindings. Each module of the core binds itself in its own
// file through one of these functions, called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "libaudit/base/fiscal_year.h"

namespace libaudit {
struct ImportResult;
struct TrailPoint;
}  // namespace libaudit

namespace libaudit::python {

namespace py = pybind11;
using namespace pybind11::literals;  // "key"_a = value, for py::dict(...) and keyword arguments

// Shared conversions, defined once (store.cpp) and used by every module that imports rows.
py::dict import_result_dict(const ImportResult& r);  // rows, inserted, updated, unchanged

// Runs an import without the GIL and returns its counts as import_result_dict does. `run` must
// not touch Python objects; what it throws propagates with the GIL held again.
template <class Run>
py::dict import_without_gil(Run&& run) {
  decltype(run()) r;
  {
    py::gil_scoped_release nogil;
    r = run();
  }
  return import_result_dict(r);
}

// A day from Python: None, an ISO string (a date, or a time with a zone), a datetime.date or a
// datetime.datetime (naive: UTC); the day in Japan (findings.cpp).
std::optional<Date> opt_date(const py::handle& when);
// "As of" that day: the UTC instant at which it ends in Japan (japan_day_end_utc); None: now.
std::optional<std::string> as_of_instant(const py::handle& when);
// A TrailPoint as {"seq", "at", "hash"} (store.cpp).
py::dict point_dict(const TrailPoint& p);

// A Python list of f(x) for every x of `xs`, in order.
template <class Range, class F>
py::list list_of(const Range& xs, F&& f) {
  py::list out;
  for (const auto& x : xs) out.append(f(x));
  return out;
}

void bind_errors(py::module_& m);     // errors.cpp: C++ exceptions -> libaudit.errors
void bind_text(py::module_& m);       // text.cpp
void bind_checklist(py::module_& m);  // checklist.cpp
void bind_extract(py::module_& m);    // extract.cpp
void bind_profile(py::module_& m);    // profile.cpp: body profiles, checklist_for_body
void bind_store(py::module_& m);      // store.cpp
void bind_scoring(py::module_& m);    // scoring.cpp
void bind_exchange(py::module_& m);   // exchange.cpp: the questionnaire model
void bind_report(py::module_& m);     // report.cpp
void bind_findings(py::module_& m);   // findings.cpp: people, findings, exceptions
void bind_align(py::module_& m);      // align.cpp: alignment with the model, the coverage report
void bind_audit(py::module_& m);      // audit.cpp: the audit plan, working papers
void bind_benchmark(py::module_& m);  // benchmark.cpp: many bodies compared
void bind_evidence(py::module_& m);   // evidence.cpp: evidence files

}  // namespace libaudit::python
