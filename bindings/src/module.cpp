#include "bindings.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "libaudit's compiled core. Import libaudit, not this module.";
  m.attr("__version__") = LIBAUDIT_VERSION;
  libaudit::python::bind_errors(m);
  libaudit::python::bind_text(m);
  libaudit::python::bind_checklist(m);
  libaudit::python::bind_extract(m);
  libaudit::python::bind_profile(m);
  libaudit::python::bind_store(m);
  libaudit::python::bind_scoring(m);
  libaudit::python::bind_exchange(m);
  libaudit::python::bind_report(m);
  libaudit::python::bind_findings(m);
  libaudit::python::bind_align(m);
  libaudit::python::bind_audit(m);
  libaudit::python::bind_benchmark(m);
  libaudit::python::bind_evidence(m);
}
