// Bindings of libaudit/scoring/benchmark.h and libaudit/report/benchmark_report.h as
// libaudit._core._BenchmarkInput, _Benchmark and benchmark(); libaudit/benchmark.py wraps them.
// Reading, computing and rendering run without the GIL.
#include "libaudit/scoring/benchmark.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "libaudit/report/benchmark_report.h"

namespace libaudit::python {

void bind_benchmark(py::module_& m) {
  py::class_<BenchmarkInput>(m, "_BenchmarkInput", "One body's cycle read for a benchmark (benchmark.h).")
      .def_readonly("body", &BenchmarkInput::body);
  m.def(
      "benchmark_input",
      [](const Store& store, std::int64_t cycle, const std::string& model, double partial_value,
         const py::object& as_of) {
        ScoreOptions o;
        o.model = model;
        o.partial_value = partial_value;
        std::optional<std::string> instant = as_of_instant(as_of);
        py::gil_scoped_release nogil;
        return BenchmarkInput::load(store, cycle, o, std::move(instant));
      },
      py::arg("store"), py::arg("cycle"), py::arg("model"), py::arg("partial_value"), py::arg("as_of"),
      "A cycle of one store read by the as-of rule, with its latest publication.");
  py::class_<Benchmark>(m, "_Benchmark", "Bodies compared (benchmark.h). Use libaudit.benchmark.")
      .def(
          "view",
          [](const Benchmark& b) {
            py::gil_scoped_release nogil;
            return benchmark_view(b).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
          },
          "The view model as JSON text.")
      .def(
          "render",
          [](const Benchmark& b, std::string_view format, const std::vector<std::filesystem::path>& template_dirs) {
            const ReportFormat f = parse_report_format(format);
            py::gil_scoped_release nogil;
            return render_benchmark(b, f, template_dirs);
          },
          py::arg("format"), py::arg("template_dirs"));
  m.def(
      "benchmark",
      [](const std::vector<BenchmarkInput>& inputs, const std::optional<Checklist>& model, bool anonymise,
         const std::string& key) {
        BenchmarkOptions o;
        o.model = model ? &*model : nullptr;
        o.anonymise = anonymise;
        o.anonymise_key = key;
        py::gil_scoped_release nogil;
        return benchmark(inputs, o);
      },
      py::arg("inputs"), py::arg("model"), py::arg("anonymise"), py::arg("key"),
      "The bodies compared on the model checklist (or their shared checklist when model is None).");
  m.def("anonymous_labels", &anonymous_labels, py::arg("names"), py::arg("key"),
        "A letter and the body's kind per name (A市, B町 …), ordered by SHA-256(key, name).");
  m.def("body_kind", &body_kind, py::arg("name"), "The kind a body's name ends in (市, 町, 市議会 …), or ''.");
}

}  // namespace libaudit::python
