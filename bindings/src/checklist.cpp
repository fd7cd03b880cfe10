// Bindings of libaudit/checklist/checklist.h: Checklist and its read-only parts (Section, Item,
// AppliesTo), which keep their Checklist alive.
#include "libaudit/checklist/checklist.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"

namespace libaudit::python {

namespace {
// A list of references into `owner`'s C++ object; each element keeps `owner` alive.
template <class T>
py::list refs(const std::vector<T>& values, const py::object& owner) {
  py::list out;
  for (const T& v : values) out.append(py::cast(&v, py::return_value_policy::reference_internal, owner));
  return out;
}

// The same, for a list of pointers into `owner`.
template <class T>
py::list refs(const std::vector<const T*>& values, const py::object& owner) {
  py::list out;
  for (const T* v : values) out.append(py::cast(v, py::return_value_policy::reference_internal, owner));
  return out;
}

std::string scope_name(const AppliesTo& a) { return a.departments == DepartmentScope::all ? "all" : "system_owners"; }

// AppliesTo, Item and Section: read-only views owned by their Checklist.
void bind_parts(py::module_& m) {
  py::class_<AppliesTo>(m, "AppliesTo", "Where an item applies: tiers, which 課, important assets only.")
      .def_readonly("tiers", &AppliesTo::tiers)
      .def_property_readonly("departments", &scope_name)
      .def_readonly("important_assets", &AppliesTo::important_assets)
      .def_readonly("network_models", &AppliesTo::network_models)
      .def_readonly("server_room", &AppliesTo::server_room)
      .def("__repr__", [](const AppliesTo& a) {
        return "AppliesTo(tiers=" + py::repr(py::cast(a.tiers)).cast<std::string>() + ", departments='" +
               (a.departments == DepartmentScope::all ? "all" : "system_owners") +
               "', important_assets=" + (a.important_assets ? "True" : "False") + ")";
      });

  py::class_<Item>(m, "Item", "A checklist item (点検項目). Read-only; owned by its Checklist.")
      .def_readonly("id", &Item::id)
      .def_readonly("clause", &Item::clause)
      .def_readonly("text", &Item::text)
      .def_readonly("question", &Item::question)
      .def_readonly("roles", &Item::roles)
      .def_readonly("applies_to", &Item::applies_to)
      .def_readonly("weight", &Item::weight)
      .def_property_readonly("audience",
                             [](const Item& i) {
                               std::vector<std::string> out;
                               if (i.self_inspection) out.emplace_back("self_inspection");
                               if (i.audit) out.emplace_back("audit");
                               return out;
                             })
      .def_readonly("evidence", &Item::evidence)
      .def_readonly("note", &Item::note)
      .def_property_readonly("respondent", [](const Item& i) { return std::string(to_string(i.respondent)); })
      .def_readonly("respondent_explicit", &Item::respondent_explicit)
      .def_readonly("model", &Item::model)
      .def_property_readonly("sources",
                             [](const Item& i) {
                               py::list out;
                               for (const SourceClause& c : i.sources) {
                                 py::dict d;
                                 d["document"] = c.document;
                                 d["part"] = c.part;
                                 d["clause"] = c.clause;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_readonly("basis", &Item::basis)
      .def_readonly("section_id", &Item::section_id)
      .def_readonly("line", &Item::line)
      .def("__repr__", [](const Item& i) { return "<Item " + i.id + " " + i.clause + ">"; });

  py::class_<Section>(m, "Section", "A section of a checklist, following a clause of the standard.")
      .def_readonly("id", &Section::id)
      .def_readonly("clause", &Section::clause)
      .def_readonly("title", &Section::title)
      .def_property_readonly("sections",
                             [](const py::object& self) { return refs(self.cast<const Section&>().sections, self); })
      .def_property_readonly("item_indices", [](const Section& s) { return s.items; })
      .def_readonly("line", &Section::line)
      .def("__repr__", [](const Section& s) { return "<Section " + s.id + " " + s.title + ">"; });
}

}  // namespace

void bind_checklist(py::module_& m) {
  bind_parts(m);

  py::class_<Checklist>(m, "Checklist", R"doc(A checklist (点検表): sections following the clauses of a
standard, whose leaves are items. Immutable. Load with Checklist.load(path) or
Checklist.from_yaml(text); invalid input raises ChecklistError listing every problem.)doc")
      .def_static(
          "load", [](const std::filesystem::path& path) { return Checklist::load(path); }, py::arg("path"),
          "Load and validate a checklist YAML file.")
      .def_static(
          "from_yaml",
          [](std::string_view yaml, std::string_view source) { return Checklist::from_yaml(yaml, source); },
          py::arg("text"), py::arg("source") = "<string>",
          "Load and validate checklist YAML text; `source` names it in diagnostics.")
      .def_property_readonly("id", &Checklist::id)
      .def_property_readonly("title", &Checklist::title)
      .def_property_readonly("version", &Checklist::version)
      .def_property_readonly("body", &Checklist::body)
      .def_property_readonly("description", &Checklist::description)
      .def_property_readonly("kind",
                             [](const Checklist& c) { return c.kind() == ChecklistKind::model ? "model" : "body"; })
      .def_property_readonly("secretariat", &Checklist::secretariat)
      .def_property_readonly("origin", &Checklist::origin)
      .def_property_readonly("source",
                             [](const Checklist& c) {
                               py::dict d;
                               d["document"] = c.source().document;
                               d["title"] = c.source().title;
                               d["revised"] = c.source().revised;
                               return d;
                             })
      .def_property_readonly("roles",
                             [](const Checklist& c) {
                               std::vector<std::pair<std::string, std::string>> out;
                               for (const auto& r : c.roles()) out.emplace_back(r.id, r.label);
                               return out;
                             })
      .def("tier_name", &Checklist::tier_name, py::arg("tier"))
      .def_property_readonly(
          "sections", [](const py::object& self) { return refs(self.cast<const Checklist&>().sections(), self); })
      .def_property_readonly("items",
                             [](const py::object& self) { return refs(self.cast<const Checklist&>().items(), self); })
      .def("item", &Checklist::item, py::arg("id"), py::return_value_policy::reference_internal)
      .def("section", &Checklist::section, py::arg("id"), py::return_value_policy::reference_internal)
      .def(
          "items_for_role",
          [](const py::object& self, std::string_view role) {
            return refs(self.cast<const Checklist&>().items_for_role(role), self);
          },
          py::arg("role"), "Items naming this role, in document order.")
      .def(
          "items_for_tier",
          [](const py::object& self, std::string_view tier) {
            return refs(self.cast<const Checklist&>().items_for_tier(tier), self);
          },
          py::arg("tier"), "Items that apply to this tier, in document order.")
      .def("chapter_of", &Checklist::chapter_of, py::arg("item"), py::return_value_policy::reference_internal)
      .def("to_json", &Checklist::to_json)
      .def("to_yaml", &Checklist::to_yaml, py::arg("header_comment") = "")
      .def("__len__", &Checklist::size)
      .def("__contains__", [](const Checklist& c, std::string_view id) { return c.find_item(id) != nullptr; })
      .def(
          "__iter__",
          [](const Checklist& c) {
            return py::make_iterator<py::return_value_policy::reference_internal>(c.items().begin(), c.items().end());
          },
          py::keep_alive<0, 1>())
      .def("__repr__", [](const Checklist& c) {
        return "<Checklist " + c.id() + " version " + c.version() + ", " + std::to_string(c.size()) + " items>";
      });
}

}  // namespace libaudit::python
