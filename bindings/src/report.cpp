// Bindings of libaudit/report/report.h as libaudit._core._Reporter; libaudit/report.py wraps it
// (libaudit.render). Reading and rendering run without the GIL.
#include "libaudit/report/report.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"

namespace libaudit::python {

void bind_report(py::module_& m) {
  py::class_<Reporter>(m, "_Reporter", "Reads a cycle once and renders its reports. Use libaudit.render.")
      .def(py::init([](const Store& store, std::int64_t cycle, std::optional<std::int64_t> compare,
                       const std::string& department, const std::vector<std::filesystem::path>& template_dirs,
                       const std::string& model, double partial_value, std::size_t weakest, const std::string& as_of,
                       const py::object& at, int expiring_days, const std::string& opinion, const std::string& purpose,
                       const std::vector<std::string>& auditors, const std::string& period, const std::string& title,
                       std::int64_t plan) {
             RenderOptions o;
             o.cycle = cycle;
             o.compare = compare;
             o.department = department;
             o.template_dirs = template_dirs;
             o.scoring.model = model;
             o.scoring.partial_value = partial_value;
             o.weakest = weakest;
             if (!as_of.empty()) o.as_of = parse_date(as_of);
             o.at = as_of_instant(at);
             o.expiring_days = expiring_days;
             o.opinion = opinion;
             o.purpose = purpose;
             o.auditors = auditors;
             o.period = period;
             o.title = title;
             o.plan = plan;
             py::gil_scoped_release nogil;
             return Reporter(store, std::move(o));
           }),
           py::arg("store"), py::arg("cycle"), py::arg("compare"), py::arg("department"), py::arg("template_dirs"),
           py::arg("model"), py::arg("partial_value"), py::arg("weakest"), py::arg("as_of"), py::arg("at"),
           py::arg("expiring_days"), py::arg("opinion"), py::arg("purpose"), py::arg("auditors"), py::arg("period"),
           py::arg("title"), py::arg("plan") = 0)
      .def("departments", &Reporter::departments)
      .def(
          "view",
          [](const Reporter& r, std::string_view kind, const std::string& department) {
            const ReportKind k = parse_report_kind(kind);
            std::string out;
            {
              py::gil_scoped_release nogil;
              out = r.view(k, department).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            }
            return out;
          },
          py::arg("kind"), py::arg("department") = "", "The view model as JSON text.")
      .def(
          "render",
          [](const Reporter& r, std::string_view kind, std::string_view format, const std::string& department) {
            const ReportKind k = parse_report_kind(kind);
            const ReportFormat f = parse_report_format(format);
            std::string out;
            {
              py::gil_scoped_release nogil;
              out = r.render(k, f, department);
            }
            return out;
          },
          py::arg("kind"), py::arg("format"), py::arg("department") = "");
  m.def(
      "wareki_date", [](const std::string& date) { return wareki_date(parse_date(date)); }, py::arg("date"),
      "'2025-03-31' -> '令和7年3月31日'.");
}

}  // namespace libaudit::python
