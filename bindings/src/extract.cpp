#include "libaudit/checklist/extract.h"

#include <pybind11/stl.h>

#include "bindings.h"

namespace libaudit::python {

namespace {

// No static py::object here: one would be released after the interpreter has gone.
py::list diagnostics(const std::vector<Diagnostic>& ds) {
  py::object cls = py::module_::import("libaudit.errors").attr("Diagnostic");
  py::list out;
  for (const Diagnostic& d : ds) out.append(cls(d.file, d.line, d.column, d.message));
  return out;
}

void add_clauses(py::list& out, const std::vector<Clause>& cs, std::size_t part) {
  for (const Clause& c : cs) {
    py::dict d;
    d["part"] = part;
    d["path"] = c.path;
    d["id"] = c.id;
    d["label"] = c.label.written;
    d["title"] = c.title;
    d["depth"] = c.depth;
    d["first_line"] = c.first_line;
    d["last_line"] = c.last_line;
    out.append(d);
    add_clauses(out, c.children, part);
  }
}

}  // namespace

void bind_extract(py::module_& m) {
  py::class_<Extraction>(m, "Extraction", R"doc(The result of extract_checklist: a draft checklist and the
warnings met on the way. Attributes: checklist (Checklist), warnings (list of Diagnostic,
with source line numbers), yaml (the checklist as YAML with a "draft generated from" header),
clauses (every clause of the parsed tree as a dict), parts (document titles).)doc")
      .def_property_readonly("checklist", [](const Extraction& e) { return e.checklist; })
      .def_property_readonly("warnings", [](const Extraction& e) { return diagnostics(e.warnings); })
      .def_property_readonly("yaml", [](const Extraction& e) { return e.yaml; })
      .def_property_readonly("parts",
                             [](const Extraction& e) {
                               std::vector<std::string> out;
                               for (const ClausePart& p : e.clauses.parts) out.push_back(p.title);
                               return out;
                             })
      .def_property_readonly("clauses",
                             [](const Extraction& e) {
                               py::list out;
                               for (std::size_t p = 0; p < e.clauses.parts.size(); ++p)
                                 add_clauses(out, e.clauses.parts[p].clauses, p);
                               return out;
                             })
      .def("__iter__",
           [](const Extraction& e) {
             // (checklist, warnings) = extract_checklist(...) also works
             return py::iter(py::make_tuple(e.checklist, diagnostics(e.warnings)));
           })
      .def("__repr__", [](const Extraction& e) {
        return "<Extraction " + e.checklist.id() + ": " + std::to_string(e.checklist.size()) + " items, " +
               std::to_string(e.warnings.size()) + " warnings>";
      });

  m.def(
      "extract_checklist",
      [](std::string_view text, std::string id, std::string title, std::string body, std::string source_document,
         std::string version, std::string part) {
        ExtractOptions o;
        o.id = std::move(id);
        o.title = std::move(title);
        o.body = std::move(body);
        o.source_document = std::move(source_document);
        o.version = std::move(version);
        o.part = std::move(part);
        py::gil_scoped_release release;
        return extract_checklist(text, o);
      },
      py::arg("text"), py::kw_only(), py::arg("id"), py::arg("title"), py::arg("body"), py::arg("source_document") = "",
      py::arg("version") = "draft", py::arg("part") = "",
      R"doc(Draft a checklist from the text of a standard (docs/extractor.md). Returns an Extraction
(.checklist, .warnings, .yaml); it also unpacks as (checklist, warnings). Raises ValidationError
for invalid UTF-8 or options, ChecklistError when no obligation is found.)doc");

  m.def(
      "question_for", [](std::string_view s) { return question_for(s); }, py::arg("sentence"),
      "The self-inspection question for an obligation sentence, or '' for an unknown ending.");
  m.def(
      "question_problems", [](std::string_view q) { return question_problems(q); }, py::arg("question"),
      "What makes a self-inspection question read unnaturally, one sentence each; [] when nothing.");
  m.def(
      "important_assets_rule", [](std::string_view s) { return important_assets_rule(s); }, py::arg("sentence"),
      "Whether an obligation sentence is restricted to 課 holding 重要な情報資産 (a system that holds them).");
  m.def(
      "roles_in", [](std::string_view s) { return roles_in(s); }, py::arg("phrase"),
      "Role ids named in `phrase` (longest name first).");
}

}  // namespace libaudit::python
