// Bindings of libaudit/checklist/profile.h: BodyProfile (a read-only value), checklist_for_body
// and left_out_items.
#include "libaudit/checklist/profile.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"

namespace libaudit::python {

namespace {

py::dict profile_dict(const BodyProfile& p) {
  py::dict d;
  d["body"] = p.body;
  d["kind"] = std::string(to_string(p.kind));
  d["id"] = p.id;
  d["title"] = p.title;
  d["version"] = p.version;
  d["secretariat"] = p.secretariat;
  d["network_model"] = std::string(to_string(p.network_model));
  d["server_room"] = p.server_room;
  d["roles"] = p.roles;
  d["tiers"] = p.tiers;
  return d;
}

}  // namespace

void bind_profile(py::module_& m) {
  py::class_<BodyProfile>(m, "BodyProfile", R"doc(A body profile (団体プロファイル, docs/profiles.md): the body's
name and kind, its role titles and tier names, its network model, whether it runs its own server
room, and the 課 that answers body-level items. Load with BodyProfile.load(path) or
BodyProfile.from_yaml(text); invalid input raises ChecklistError listing every problem.)doc")
      .def_static(
          "load", [](const std::filesystem::path& path) { return BodyProfile::load(path); }, py::arg("path"),
          "Load and validate a body profile YAML file.")
      .def_static(
          "from_yaml",
          [](std::string_view yaml, std::string_view source) { return BodyProfile::from_yaml(yaml, source); },
          py::arg("text"), py::arg("source") = "<string>",
          "Load and validate body profile YAML text; `source` names it in diagnostics.")
      .def_readonly("body", &BodyProfile::body)
      .def_property_readonly("kind", [](const BodyProfile& p) { return std::string(to_string(p.kind)); })
      .def_readonly("id", &BodyProfile::id)
      .def_readonly("title", &BodyProfile::title)
      .def_readonly("version", &BodyProfile::version)
      .def_readonly("secretariat", &BodyProfile::secretariat)
      .def_property_readonly("network_model",
                             [](const BodyProfile& p) { return std::string(to_string(p.network_model)); })
      .def_readonly("server_room", &BodyProfile::server_room)
      .def_readonly("roles", &BodyProfile::roles)
      .def_readonly("tiers", &BodyProfile::tiers)
      .def_readonly("origin", &BodyProfile::origin)
      .def("role_title", &BodyProfile::role_title, py::arg("role"),
           "The body's title of a role: the profile's, else DOMAIN.md's; '' for an unknown role.")
      .def("tier_name", &BodyProfile::tier_name, py::arg("tier"),
           "The body's name of a tier: the profile's, else the shared one; '' for an unknown tier.")
      .def("checklist_id", &BodyProfile::checklist_id, "The id of the checklist written for the body.")
      .def("to_dict", &profile_dict, "The profile as plain data.")
      .def("__repr__", [](const BodyProfile& p) { return "<BodyProfile " + p.id + " " + p.body + ">"; });

  m.def("checklist_for_body", &checklist_for_body, py::arg("model"), py::arg("profile"),
        R"doc(The body's checklist from the model checklist (kind: model), filled with the profile:
placeholders filled, items for other network models or for a server room the body lacks left out,
each item with `model: [its id]`. ChecklistError (located in the model) for a placeholder the
profile cannot fill.)doc");
  m.def(
      "left_out_items",
      [](const Checklist& model, const BodyProfile& profile) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const LeftOutItem& i : left_out_items(model, profile))
          out.emplace_back(i.id, i.reason == LeftOut::network_model ? "network_model" : "server_room");
        return out;
      },
      py::arg("model"), py::arg("profile"),
      "The model's items the body's checklist leaves out, as (item id, 'network_model' | 'server_room').");
}

}  // namespace libaudit::python
