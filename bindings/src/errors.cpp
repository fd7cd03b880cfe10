// The one place where C++ exceptions become Python exceptions. The classes live in the pure
// Python module libaudit.errors, so they subclass Python's built-ins (ValueError, KeyError,
// OSError) and users catch what they expect.
#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/base/error.h"
#include "libaudit/followup/findings.h"
#include "libaudit/report/report.h"

namespace libaudit::python {

namespace {

void set_error(const char* cls_name, const py::tuple& args) {
  py::object cls = py::module_::import("libaudit.errors").attr(cls_name);
  py::object exc = cls(*args);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

py::list diagnostics_list(const std::vector<Diagnostic>& diags) {
  py::object diag_cls = py::module_::import("libaudit.errors").attr("Diagnostic");
  py::list out;
  for (const Diagnostic& d : diags) out.append(diag_cls(d.file, d.line, d.column, d.message));
  return out;
}

}  // namespace

void bind_errors(py::module_&) {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const ImportValidationError& e) {
      set_error("ImportValidationError", py::make_tuple(e.what(), diagnostics_list(e.diagnostics())));
    } catch (const TemplateError& e) {
      set_error("TemplateError", py::make_tuple(e.what(), diagnostics_list(e.diagnostics())));
    } catch (const ChecklistError& e) {
      set_error("ChecklistError", py::make_tuple(e.what(), diagnostics_list(e.diagnostics())));
    } catch (const ValidationError& e) {
      set_error("ValidationError", py::make_tuple(e.what(), diagnostics_list(e.diagnostics())));
    } catch (const NotFoundError& e) {
      set_error("NotFoundError", py::make_tuple(e.what()));
    } catch (const SchemaVersionError& e) {
      set_error("SchemaVersionError", py::make_tuple(e.what()));
    } catch (const StoreError& e) {
      set_error("StoreError", py::make_tuple(e.what()));
    } catch (const CycleStateError& e) {
      set_error("CycleStateError", py::make_tuple(e.what()));
    } catch (const TransitionError& e) {
      set_error("TransitionError", py::make_tuple(e.what()));
    } catch (const RoleError& e) {
      set_error("RoleError", py::make_tuple(e.what()));
    } catch (const IoError& e) {
      set_error("LibauditIOError", py::make_tuple(e.what()));
    } catch (const Error& e) {
      set_error("LibauditError", py::make_tuple(e.what()));
    }
  });
}

}  // namespace libaudit::python
