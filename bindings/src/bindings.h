// libaudit._core: thin pybind11 bindings. Each module of the core binds itself in its own
// file through one of these functions, called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

namespace libaudit {
struct ImportResult;
}

namespace libaudit::python {

namespace py = pybind11;

// Shared conversions, defined once (store.cpp) and used by every module that imports rows.
py::dict import_result_dict(const ImportResult& r);  // rows, inserted, updated, unchanged

void bind_errors(py::module_& m);     // errors.cpp: C++ exceptions -> libaudit.errors
void bind_text(py::module_& m);       // text.cpp
void bind_checklist(py::module_& m);  // checklist.cpp
void bind_extract(py::module_& m);    // extract.cpp
void bind_store(py::module_& m);      // store.cpp
void bind_scoring(py::module_& m);    // scoring.cpp
void bind_exchange(py::module_& m);   // exchange.cpp: the questionnaire model
void bind_report(py::module_& m);     // report.cpp
void bind_findings(py::module_& m);   // findings.cpp: people, findings, exceptions

}  // namespace libaudit::python
