// Bindings of libaudit/checklist/align.h and libaudit/report/coverage.h: _core.align (the mapping
// and the coverage as plain data) and _core.coverage_report (the report as text). Both run
// without the GIL; libaudit.align wraps them.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "libaudit/checklist/align.h"
#include "libaudit/report/coverage.h"

namespace libaudit::python {

namespace {

AlignOptions options_of(bool use_stated, const std::string& network_model, int server_room) {
  AlignOptions o;
  o.use_stated = use_stated;
  o.network_model = network_model;
  o.server_room = server_room;
  return o;
}

Alignment run(const Checklist& checklist, const Checklist& model, const AlignOptions& o) {
  py::gil_scoped_release nogil;
  return align(checklist, model, o);
}

py::dict candidate_dict(const AlignCandidate& c) {
  return py::dict("model_item"_a = c.model_item, "confidence"_a = c.confidence, "stated"_a = c.stated,
                  "cited"_a = c.cited, "text"_a = c.text, "section"_a = c.section, "roles"_a = c.roles,
                  "phrases"_a = c.phrases);
}

py::dict alignment_dict(const Alignment& a) {
  py::list items = list_of(a.items, [](const ItemAlignment& i) {
    return py::dict("item"_a = i.item, "clause"_a = i.clause, "section"_a = i.section,
                    "candidates"_a = list_of(i.candidates, candidate_dict), "mapped"_a = i.mapped,
                    "stated"_a = i.stated);
  });
  py::list chapters = list_of(a.chapters, [](const ChapterCoverage& c) {
    return py::dict("id"_a = c.id, "clause"_a = c.clause, "title"_a = c.title, "total"_a = c.total,
                    "covered"_a = c.covered, "missing"_a = c.missing);
  });
  return py::dict("items"_a = items, "chapters"_a = chapters, "total"_a = a.total, "covered"_a = a.covered,
                  "threshold"_a = a.threshold);
}

}  // namespace

void bind_align(py::module_& m) {
  m.attr("ALIGN_THRESHOLD") = kAlignThreshold;
  m.def(
      "align",
      [](const Checklist& checklist, const Checklist& model, bool use_stated, const std::string& network_model,
         int server_room) {
        return alignment_dict(run(checklist, model, options_of(use_stated, network_model, server_room)));
      },
      py::arg("checklist"), py::arg("model"), py::arg("use_stated") = true, py::arg("network_model") = "",
      py::arg("server_room") = -1,
      "Map every item of a checklist to the model checklist's items and compute the coverage (docs/alignment.md).");
  m.def("model_text_for", &model_text_for, py::arg("text"), py::arg("checklist"),
        "A model text with its placeholders filled for the body of `checklist`.");
  m.def("is_model_checklist", &is_model_checklist, py::arg("checklist"), "Whether a checklist is kind: model.");
  m.def(
      "coverage_report",
      [](const Checklist& checklist, const Checklist& model, std::string_view format,
         const std::vector<std::filesystem::path>& template_dirs, bool use_stated, const std::string& date,
         const std::string& title, const std::string& network_model, int server_room) {
        const ReportFormat f = parse_report_format(format);
        CoverageReportOptions o;
        o.template_dirs = template_dirs;
        if (!date.empty()) o.date = parse_date(date);
        o.title = title;
        const AlignOptions ao = options_of(use_stated, network_model, server_room);
        py::gil_scoped_release nogil;
        return render_coverage_report(checklist, model, align(checklist, model, ao), f, o);
      },
      py::arg("checklist"), py::arg("model"), py::arg("format"), py::arg("template_dirs"), py::arg("use_stated") = true,
      py::arg("date") = "", py::arg("title") = "", py::arg("network_model") = "", py::arg("server_room") = -1,
      "The coverage report (標準点検表との対照表) as html, md, csv or json text.");
}

}  // namespace libaudit::python
