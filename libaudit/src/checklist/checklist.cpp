// Checklist loading and validation. The loader walks the YAML tree once, collecting every
// problem as a Diagnostic; the checklist is built only when there are none.
#include "libaudit/checklist/checklist.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "checklist/checklist_data.h"
#include "checklist/suggest.h"
#include "checklist/yaml_reader.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/checklist/placeholders.h"

namespace libaudit {

namespace {

constexpr int kMaxDepth = 64;  // sections within sections; far beyond any standard

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

using yaml::kind_name;

// The checklist walk on top of the stage's YAML reader (checklist/yaml_reader.h), whose checks
// (mappings, texts, lists, tiers) and diagnostics it uses as its own.
class Loader : public yaml::YamlReader {
 public:
  // `size`: the size of the whole file when `yaml` is only its first part (read up to the limit).
  Loader(std::string_view yaml, std::string origin, const LoadOptions& options, std::uintmax_t size)
      : YamlReader(yaml, std::move(origin), {options.max_bytes, options.max_expanded_nodes}, size),
        options_(options),
        size_(size) {}

  std::shared_ptr<Checklist::Data> run() {
    const YAML::Node root = parse(
        {message("the file is {size}, over the limit of {limit} for a checklist",
                 fmt::arg("size", yaml::size_text(size_)), fmt::arg("limit", yaml::size_text(options_.max_bytes))),
         tr("more than one YAML document in the file; a checklist is one document"),
         tr("empty document: a checklist is a YAML mapping with id, title, sections, ...")},
        kMaxDepth);
    auto data = std::make_shared<Checklist::Data>();
    data->origin = origin();
    try {
      read_root(root, *data);
    } catch (const YAML::Exception& e) {
      // A shape the walk did not foresee: still a diagnostic, never a crash.
      fail(e.mark, message("unexpected structure: {reason}", fmt::arg("reason", e.msg)));
    }
    throw_if_failed();
    data->index();
    return data;
  }

 private:
  // An id: NFKC, trimmed, [A-Za-z0-9._-]+, unique among all ids of the checklist.
  std::string read_id(const YAML::Node& map, const std::string& what) {
    const YAML::Node n = map["id"];
    auto raw = scalar(n, "id", what, true);
    if (!raw) return {};
    std::string id = std::string(text::trim(text::nfkc(*raw)));
    if (!std::all_of(id.begin(), id.end(), is_id_char)) {
      fail(n.Mark(), message("id '{id}' of {what} may contain only letters, digits, '.', '_' and '-'",
                             fmt::arg("id", id), fmt::arg("what", what)));
      return id;
    }
    auto [it, inserted] = ids_.emplace(id, position(n.Mark()).first);
    if (!inserted)
      fail(n.Mark(), message("duplicate id '{id}' (first used on line {line})", fmt::arg("id", id),
                             fmt::arg("line", it->second)));
    return id;
  }

  // ---- the document
  void read_root(const YAML::Node& root, Checklist::Data& d) {
    const std::string what = tr("the checklist");
    if (!check_mapping(root,
                       {"format", "kind", "id", "title", "version", "body", "description", "source", "roles",
                        "tier_names", "secretariat", "sections"},
                       {"id", "title", "version", "source", "sections"}, what))
      return;
    read_kind(root["kind"], d);
    if (const YAML::Node f = root["format"]; f.IsDefined()) {
      if (!f.IsScalar() || f.Tag() == "!" || f.Scalar() != "1")
        fail(f.Mark(), message("unsupported format '{format}'; this version of libaudit reads format 1",
                               fmt::arg("format", f.IsScalar() ? f.Scalar() : kind_name(f))));
    }
    if (const YAML::Node n = root["id"]; n.IsDefined()) {
      if (auto id = scalar(n, "id", what, true)) {
        d.id = *id;
        bool ok = std::all_of(d.id.begin(), d.id.end(),
                              [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
        if (!ok) fail(n.Mark(), message("checklist id '{id}' may contain only a-z, 0-9 and '-'", fmt::arg("id", d.id)));
      }
    }
    d.title = required_text(root, "title", what);
    d.version = required_text(root, "version", what);
    if (d.kind == ChecklistKind::body || root["body"].IsDefined()) d.body = required_text(root, "body", what);
    if (d.kind == ChecklistKind::body && !root["body"].IsDefined())
      fail(root.Mark(),
           message("missing required key '{key}' in {what}", fmt::arg("key", "body"), fmt::arg("what", what)));
    d.description = scalar(root["description"], "description", what, false).value_or("");
    d.secretariat = scalar(root["secretariat"], "secretariat", what, true).value_or("");
    read_source(root["source"], d);
    read_roles(root["roles"], d);
    check_placeholders(d.title, mark_of(root["title"]), "'title'", d);
    check_placeholders(d.secretariat, mark_of(root["secretariat"]), "'secretariat'", d);
    read_tier_names(root["tier_names"], d);

    const YAML::Node sections = root["sections"];
    if (sections.IsDefined()) {
      if (!sections.IsSequence() || sections.size() == 0) {
        fail(sections.Mark(), tr("'sections' must be a non-empty list of sections"));
      } else {
        for (const auto& s : sections) read_section(s, d, d.sections, 1);
      }
    }
  }

  void read_kind(const YAML::Node& n, Checklist::Data& d) {
    if (!n.IsDefined()) return;
    if (n.IsScalar() && n.Scalar() == "model")
      d.kind = ChecklistKind::model;
    else if (!n.IsScalar() || n.Scalar() != "body")
      fail(n.Mark(), message("'kind' is 'body' or 'model', not '{value}'",
                             fmt::arg("value", n.IsScalar() ? n.Scalar() : kind_name(n))));
  }

  // Placeholders ({{body}}, {{secretariat}}, {{role.<id>}}, {{tier.<id>}}) belong to a model
  // checklist: a body checklist holding one was made from the model and left unfilled.
  void check_placeholders(const std::string& value, const YAML::Mark& mark, const std::string& what,
                          const Checklist::Data& d) {
    bool reported = false;
    auto report = [&](std::string_view name) {
      if (reported) return;
      reported = d.kind == ChecklistKind::body;  // one problem per value for a body checklist
      if (d.kind == ChecklistKind::body)
        fail(mark, message("unfilled placeholder '{{{{{name}}}}}' in {what}; a body's checklist has none (make it "
                           "with `libaudit checklist new`)",
                           fmt::arg("name", name), fmt::arg("what", what)));
      else
        fail(mark, message("unknown placeholder '{{{{{name}}}}}' in {what}; placeholders are {{{{body}}}}, "
                           "{{{{secretariat}}}}, {{{{role.<role id>}}}} and {{{{tier.<tier id>}}}}",
                           fmt::arg("name", name), fmt::arg("what", what)));
    };
    std::optional<std::size_t> unclosed;
    fill_placeholders(
        value,
        [&](std::string_view name, std::string_view whole) {
          if (d.kind == ChecklistKind::body || !known_placeholder(name, d)) report(name);
          return std::string(whole);
        },
        &unclosed);
    if (unclosed) report(std::string_view(value).substr(*unclosed));
  }

  static YAML::Mark mark_of(const YAML::Node& n) { return n.IsDefined() ? n.Mark() : YAML::Mark::null_mark(); }

  static bool known_placeholder(std::string_view name, const Checklist::Data& d) {
    if (name == "body" || name == "secretariat") return true;
    if (name.starts_with("role."))
      return std::any_of(d.roles.begin(), d.roles.end(), [&](const auto& r) { return r.id == name.substr(5); });
    return name.starts_with("tier.") && find_tier(name.substr(5)) != nullptr;
  }

  void read_source(const YAML::Node& n, Checklist::Data& d) {
    if (!n.IsDefined()) return;
    const std::string what = "'source'";
    if (!check_mapping(n, {"document", "title", "revised"}, {"document", "title"}, what)) return;
    d.source.document = required_text(n, "document", what);
    d.source.title = required_text(n, "title", what);
    d.source.revised = scalar(n["revised"], "revised", what, false).value_or("");
  }

  void read_roles(const YAML::Node& n, Checklist::Data& d) {
    if (!n.IsDefined()) {
      for (const Term& t : builtin_roles()) d.roles.push_back({std::string(t.id), std::string(t.label)});
      return;
    }
    if (!n.IsSequence()) {
      fail(n.Mark(), message("'roles' must be a list of role ids, found {kind}", fmt::arg("kind", kind_name(n))));
      return;
    }
    std::vector<std::string_view> builtin_ids;
    for (const Term& t : builtin_roles()) builtin_ids.push_back(t.id);
    for (const auto& e : n) {
      RoleDefinition role;
      if (e.IsScalar()) {
        role.id = e.Scalar();
        const Term* t = find_role(role.id);
        if (!t) {
          if (auto s = suggest(role.id, builtin_ids))
            fail(e.Mark(), message("unknown role '{role}' (did you mean '{suggestion}'?); a new role needs a label: "
                                   "{{id: {role}, label: ...}}",
                                   fmt::arg("role", role.id), fmt::arg("suggestion", *s)));
          else
            fail(e.Mark(), message("unknown role '{role}'; a new role needs a label: {{id: {role}, label: ...}}",
                                   fmt::arg("role", role.id)));
          continue;
        }
        role.label = std::string(t->label);
      } else if (e.IsMap()) {
        const std::string definition = tr("a role definition");
        if (!check_mapping(e, {"id", "label"}, {"id", "label"}, definition)) continue;
        role.id = required_text(e, "id", definition);
        role.label = required_text(e, "label", definition);
        if (role.id.empty() || role.label.empty()) continue;
      } else {
        fail(e.Mark(), message("a role is an id or {{id, label}}, found {kind}", fmt::arg("kind", kind_name(e))));
        continue;
      }
      if (std::any_of(d.roles.begin(), d.roles.end(), [&](const auto& r) { return r.id == role.id; })) {
        fail(e.Mark(), message("role '{role}' is declared twice", fmt::arg("role", role.id)));
        continue;
      }
      d.roles.push_back(std::move(role));
    }
  }

  void read_tier_names(const YAML::Node& n, Checklist::Data& d) {
    if (!n.IsDefined()) return;
    if (!n.IsMap()) {
      fail(n.Mark(),
           message("'tier_names' must map tier ids to the body's names, found {kind}", fmt::arg("kind", kind_name(n))));
      return;
    }
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) continue;
      std::string tier = kv.first.Scalar();
      if (!check_tier(tier, kv.first.Mark())) continue;
      if (auto name = scalar(kv.second, tier, "'tier_names'", true)) d.tier_names[tier] = *name;
    }
  }

  void read_section(const YAML::Node& n, Checklist::Data& d, std::vector<Section>& out, int depth) {
    if (depth > kMaxDepth) {
      fail(n.Mark(), message("sections nested more than {depth} deep", fmt::arg("depth", kMaxDepth)));
      return;
    }
    const std::string written = id_of(n);
    std::string what = written.empty() ? tr("a section") : message("section '{id}'", fmt::arg("id", written));
    if (!check_mapping(n, {"id", "clause", "title", "sections", "items"}, {"id", "clause", "title"}, what)) return;
    Section s;
    s.line = position(n.Mark()).first;
    s.id = read_id(n, what);
    if (!s.id.empty()) what = message("section '{id}'", fmt::arg("id", s.id));
    if (auto c = scalar(n["clause"], "clause", what, true)) s.clause = std::string(text::trim(text::nfkc(*c)));
    s.title = required_text(n, "title", what);
    check_placeholders(s.title, mark_of(n["title"]), what, d);

    const YAML::Node subs = n["sections"];
    const YAML::Node items = n["items"];
    bool has_subs = subs.IsDefined() && !subs.IsNull();
    bool has_items = items.IsDefined() && !items.IsNull();
    if ((!has_subs || (subs.IsSequence() && subs.size() == 0)) &&
        (!has_items || (items.IsSequence() && items.size() == 0))) {
      fail(n.Mark(), message("{what} has neither items nor sections", fmt::arg("what", what)));
    }
    // Follow the order in which 'items' and 'sections' appear in the file.
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) continue;
      const std::string& key = kv.first.Scalar();
      if (key == "items" && has_items) {
        if (!items.IsSequence()) {
          fail(items.Mark(), message("'{key}' in {what} must be a list, found {kind}", fmt::arg("key", "items"),
                                     fmt::arg("what", what), fmt::arg("kind", kind_name(items))));
          continue;
        }
        for (const auto& it : items) {
          std::size_t index = d.items.size();
          if (read_item(it, d, s.id)) s.items.push_back(index);
        }
      } else if (key == "sections" && has_subs) {
        if (!subs.IsSequence()) {
          fail(subs.Mark(), message("'{key}' in {what} must be a list, found {kind}", fmt::arg("key", "sections"),
                                    fmt::arg("what", what), fmt::arg("kind", kind_name(subs))));
          continue;
        }
        for (const auto& sub : subs) read_section(sub, d, s.sections, depth + 1);
      }
    }
    out.push_back(std::move(s));
  }

  // The id as written when the mapping has a usable one ("8.2.a.1"), else "".
  static std::string id_of(const YAML::Node& n) {
    if (n.IsMap()) {
      const YAML::Node id = n["id"];
      if (id.IsDefined() && id.IsScalar()) return id.Scalar();
    }
    return {};
  }

  bool read_item(const YAML::Node& n, Checklist::Data& d, const std::string& section_id) {
    const std::string written = id_of(n);
    std::string what = written.empty() ? tr("an item") : message("item '{id}'", fmt::arg("id", written));
    if (!check_mapping(n,
                       {"id", "clause", "text", "question", "roles", "respondent", "applies_to", "weight", "audience",
                        "evidence", "note", "model", "sources", "basis"},
                       {"id", "clause", "text", "question", "roles"}, what))
      return false;
    Item item;
    item.section_id = section_id;
    item.line = position(n.Mark()).first;
    item.id = read_id(n, what);
    if (!item.id.empty()) what = message("item '{id}'", fmt::arg("id", item.id));
    if (auto c = scalar(n["clause"], "clause", what, true)) item.clause = std::string(text::trim(text::nfkc(*c)));
    item.text = required_text(n, "text", what);
    item.question = required_text(n, "question", what);
    item.note = scalar(n["note"], "note", what, false).value_or("");

    const YAML::Node roles = n["roles"];
    auto role_list = string_list(roles, "roles", what);
    if (roles.IsSequence() && roles.size() == 0)
      fail(roles.Mark(), message("'{key}' in {what} is empty", fmt::arg("key", "roles"), fmt::arg("what", what)));
    std::vector<std::string_view> declared;
    for (const auto& r : d.roles) declared.push_back(r.id);
    for (auto& [role, mark] : role_list) {
      if (std::find(declared.begin(), declared.end(), role) == declared.end()) {
        if (auto s = suggest(role, declared))
          fail(mark, message("unknown role '{role}' in {what} (did you mean '{suggestion}'?)", fmt::arg("role", role),
                             fmt::arg("what", what), fmt::arg("suggestion", *s)));
        else
          fail(mark, message("unknown role '{role}' in {what}; declare it under 'roles' at the top",
                             fmt::arg("role", role), fmt::arg("what", what)));
      } else {
        item.roles.push_back(role);
      }
    }

    read_applies_to(n["applies_to"], what, d, item);

    if (const YAML::Node w = n["weight"]; w.IsDefined()) {
      double value = 0;
      // A quoted scalar ("1") is text, as JSON Schema sees it: refuse it like the schema does.
      bool is_number = w.IsScalar() && w.Tag() != "!" && YAML::convert<double>::decode(w, value);
      if (!is_number || !std::isfinite(value))
        fail(w.Mark(), message("'weight' in {what} must be a number, found '{value}'", fmt::arg("what", what),
                               fmt::arg("value", w.IsScalar() ? w.Scalar() : kind_name(w))));
      else if (value < 0)
        fail(w.Mark(), message("'weight' in {what} must not be negative ({value})", fmt::arg("what", what),
                               fmt::arg("value", w.Scalar())));
      else
        item.weight = value;
    }

    read_audience(n["audience"], what, item);
    for (auto& [ev, mark] : string_list(n["evidence"], "evidence", what)) {
      check_placeholders(ev, mark, what, d);
      item.evidence.push_back(ev);
    }
    for (const char* key : {"text", "question", "note"})
      if (const YAML::Node v = n[key]; v.IsDefined() && v.IsScalar()) check_placeholders(v.Scalar(), v.Mark(), what, d);
    read_respondent(n, what, item);
    read_model_keys(n, what, d, item);

    d.items.push_back(std::move(item));
    return true;
  }

  void read_respondent(const YAML::Node& n, const std::string& what, Item& item) {
    item.respondent = default_respondent(item.roles);
    const YAML::Node r = n["respondent"];
    if (!r.IsDefined()) return;
    if (auto value = scalar(r, "respondent", what, true)) {
      if (*value == "department" || *value == "body") {
        item.respondent = *value == "body" ? Respondent::body : Respondent::department;
        item.respondent_explicit = true;
      } else {
        fail(r.Mark(), message("'respondent' in {what} is 'department' (every target 課) or 'body' (the body once), "
                               "not '{value}'",
                               fmt::arg("what", what), fmt::arg("value", *value)));
      }
    }
  }

  // model (body checklists), sources and basis (model checklists).
  void read_model_keys(const YAML::Node& n, const std::string& what, const Checklist::Data& d, Item& item) {
    const bool model = d.kind == ChecklistKind::model;
    if (const YAML::Node m = n["model"]; m.IsDefined()) {
      if (model)
        fail(m.Mark(), message("'model' in {what}: a model checklist's items are the model", fmt::arg("what", what)));
      std::vector<std::pair<std::string, YAML::Mark>> ids;
      if (m.IsScalar())
        ids.emplace_back(m.Scalar(), m.Mark());
      else
        ids = string_list(m, "model", what);
      for (auto& [id, mark] : ids) {
        std::string v = std::string(text::trim(text::nfkc(id)));
        if (!is_model_id(v))
          fail(mark, message("'model' in {what} names a model item id such as M-6.2.3, not '{value}'",
                             fmt::arg("what", what), fmt::arg("value", id)));
        else
          item.model.push_back(std::move(v));
      }
    }
    if (const YAML::Node src = n["sources"]; src.IsDefined()) read_sources(src, what, item);
    item.basis = scalar(n["basis"], "basis", what, true).value_or("");
    if (!model && (n["sources"].IsDefined() || n["basis"].IsDefined()))
      fail(
          n["sources"].IsDefined() ? n["sources"].Mark() : n["basis"].Mark(),
          message("'sources' and 'basis' in {what} belong to a model checklist (kind: model)", fmt::arg("what", what)));
    if (model && item.sources.empty() && item.basis.empty())
      fail(n.Mark(),
           message("{what} of the model cites no seed clause: give 'sources', or 'basis' saying why it has none",
                   fmt::arg("what", what)));
  }

  static bool is_model_id(std::string_view v) {
    if (v.size() < 3 || !v.starts_with("M-")) return false;
    bool digit = false;
    for (char c : v.substr(2)) {
      if (c >= '0' && c <= '9')
        digit = true;
      else if (c == '.' && digit)
        digit = false;
      else
        return false;
    }
    return digit;
  }

  void read_sources(const YAML::Node& src, const std::string& what, Item& item) {
    if (!src.IsSequence() || src.size() == 0) {
      fail(src.Mark(),
           message("'sources' in {what} must be a non-empty list of {{document, clause}}", fmt::arg("what", what)));
      return;
    }
    const std::string entry = message("a source of {what}", fmt::arg("what", what));
    for (const auto& e : src) {
      if (!check_mapping(e, {"document", "part", "clause"}, {"document", "clause"}, entry)) continue;
      SourceClause c;
      c.document = required_text(e, "document", entry);
      c.part = scalar(e["part"], "part", entry, true).value_or("");
      c.clause = std::string(text::trim(text::nfkc(required_text(e, "clause", entry))));
      if (!c.document.empty() && !c.clause.empty()) item.sources.push_back(std::move(c));
    }
  }

  void read_audience(const YAML::Node& a, const std::string& what, Item& item) {
    if (!a.IsDefined()) return;
    auto list = string_list(a, "audience", what);
    if (a.IsSequence() && a.size() == 0)
      fail(a.Mark(), message("'{key}' in {what} is empty", fmt::arg("key", "audience"), fmt::arg("what", what)));
    if (a.IsSequence() && a.size() > 0) item.self_inspection = item.audit = false;
    for (auto& [aud, mark] : list) {
      if (aud == "self_inspection")
        item.self_inspection = true;
      else if (aud == "audit")
        item.audit = true;
      else {
        if (auto s = suggest(aud, {"self_inspection", "audit"}))
          fail(mark, message("unknown audience '{audience}' in {what} (did you mean '{suggestion}'?)",
                             fmt::arg("audience", aud), fmt::arg("what", what), fmt::arg("suggestion", *s)));
        else
          fail(mark,
               message("unknown audience '{audience}' in {what}", fmt::arg("audience", aud), fmt::arg("what", what)));
      }
    }
  }

  void read_applies_to(const YAML::Node& a, const std::string& what, const Checklist::Data& d, Item& item) {
    if (!a.IsDefined()) return;
    const std::string where = message("'applies_to' of {what}", fmt::arg("what", what));
    if (!check_mapping(a, {"tiers", "departments", "important_assets", "network_models", "server_room"}, {}, where))
      return;
    for (auto& [tier, mark] : string_list(a["tiers"], "tiers", where))
      if (check_tier(tier, mark)) item.applies_to.tiers.push_back(tier);
    if (auto dep = scalar(a["departments"], "departments", where, true)) {
      if (*dep == "all")
        item.applies_to.departments = DepartmentScope::all;
      else if (*dep == "system_owners")
        item.applies_to.departments = DepartmentScope::system_owners;
      else
        fail(a["departments"].Mark(), message("'departments' in {what} is 'all' or 'system_owners', not '{value}'",
                                              fmt::arg("what", where), fmt::arg("value", *dep)));
    }
    read_flag(a["important_assets"], "important_assets", where, item.applies_to.important_assets);
    read_flag(a["server_room"], "server_room", where, item.applies_to.server_room);
    for (auto& [m, mark] : string_list(a["network_models"], "network_models", where)) {
      if (label_of(Vocabulary::network_model, m).empty())
        fail(mark, message("unknown network model '{value}' in {what}; models are alpha, alpha_prime, beta and "
                           "beta_prime",
                           fmt::arg("value", m), fmt::arg("what", where)));
      else
        item.applies_to.network_models.push_back(m);
    }
    if (d.kind == ChecklistKind::body && (a["network_models"].IsDefined() || a["server_room"].IsDefined()))
      fail(a.Mark(),
           message("'network_models' and 'server_room' in {what} belong to a model checklist; making a body's "
                   "checklist from the model resolves them",
                   fmt::arg("what", where)));
  }

  void read_flag(const YAML::Node& n, std::string_view key, const std::string& where, bool& out) {
    if (!n.IsDefined()) return;
    bool value = false;
    if (!n.IsScalar() || n.Tag() == "!" || !YAML::convert<bool>::decode(n, value))
      fail(n.Mark(), message("'{key}' in {what} is true or false", fmt::arg("key", key), fmt::arg("what", where)));
    out = value;
  }

  LoadOptions options_;
  std::uintmax_t size_;
  std::unordered_map<std::string, int> ids_;  // id -> line of first use
};

}  // namespace

bool is_body_level_role(std::string_view role) noexcept {
  return role == "ciso" || role == "chief_security_officer" || role == "security_committee" || role == "csirt" ||
         role == "chief_auditor";
}

Respondent default_respondent(const std::vector<std::string>& roles) noexcept {
  if (roles.empty()) return Respondent::department;
  for (const std::string& r : roles)
    if (!is_body_level_role(r)) return Respondent::department;
  return Respondent::body;
}

std::string_view to_string(Respondent r) noexcept { return enum_id(Vocabulary::respondent, r); }

Checklist::Checklist(std::shared_ptr<const Data> data) : d_(std::move(data)) {}

Checklist Checklist::load(const std::filesystem::path& path, const LoadOptions& options) {
  auto [yaml, size] = yaml::read_bounded(path, options.max_bytes);
  Loader loader(yaml, path.string(), options, size);
  return Checklist(loader.run());
}

Checklist Checklist::from_yaml(std::string_view yaml, std::string_view source, const LoadOptions& options) {
  Loader loader(yaml, std::string(source), options, yaml.size());
  return Checklist(loader.run());
}

const std::string& Checklist::id() const noexcept { return d_->id; }
const std::string& Checklist::title() const noexcept { return d_->title; }
const std::string& Checklist::version() const noexcept { return d_->version; }
const std::string& Checklist::body() const noexcept { return d_->body; }
const std::string& Checklist::description() const noexcept { return d_->description; }
ChecklistKind Checklist::kind() const noexcept { return d_->kind; }
const std::string& Checklist::secretariat() const noexcept { return d_->secretariat; }
const SourceDocument& Checklist::source() const noexcept { return d_->source; }
const std::string& Checklist::origin() const noexcept { return d_->origin; }
const std::vector<RoleDefinition>& Checklist::roles() const noexcept { return d_->roles; }
const std::vector<Section>& Checklist::sections() const noexcept { return d_->sections; }
const std::vector<Item>& Checklist::items() const noexcept { return d_->items; }
std::size_t Checklist::size() const noexcept { return d_->items.size(); }

std::string Checklist::tier_name(std::string_view tier) const {
  if (auto it = d_->tier_names.find(std::string(tier)); it != d_->tier_names.end()) return it->second;
  if (const Term* t = find_tier(tier)) return std::string(t->label);
  throw NotFoundError(message("unknown tier '{tier}'", fmt::arg("tier", tier)));
}

const Item* Checklist::find_item(std::string_view id) const {
  auto it = d_->item_index.find(std::string(text::trim(text::nfkc(id))));
  return it == d_->item_index.end() ? nullptr : &d_->items[it->second];
}

const Item& Checklist::item(std::string_view id) const {
  if (const Item* i = find_item(id)) return *i;
  throw NotFoundError(
      message("checklist '{checklist}' has no item '{item}'", fmt::arg("checklist", d_->id), fmt::arg("item", id)));
}

const Section* Checklist::find_section(std::string_view id) const {
  auto it = d_->section_index.find(std::string(text::trim(text::nfkc(id))));
  return it == d_->section_index.end() ? nullptr : it->second;
}

const Section& Checklist::section(std::string_view id) const {
  if (const Section* s = find_section(id)) return *s;
  throw NotFoundError(message("checklist '{checklist}' has no section '{section}'", fmt::arg("checklist", d_->id),
                              fmt::arg("section", id)));
}

std::vector<const Item*> Checklist::items_for_role(std::string_view role) const {
  std::vector<const Item*> out;
  for (const Item& i : d_->items)
    if (std::find(i.roles.begin(), i.roles.end(), role) != i.roles.end()) out.push_back(&i);
  return out;
}

std::vector<const Item*> Checklist::items_for_tier(std::string_view tier) const {
  std::vector<const Item*> out;
  for (const Item& i : d_->items)
    if (std::find(i.applies_to.tiers.begin(), i.applies_to.tiers.end(), tier) != i.applies_to.tiers.end())
      out.push_back(&i);
  return out;
}

const Section& Checklist::chapter_of(const Item& item) const {
  auto it = d_->item_index.find(item.id);
  if (it == d_->item_index.end() || &d_->items[it->second] != &item)
    throw NotFoundError(message("item '{item}' is not from checklist '{checklist}'", fmt::arg("item", item.id),
                                fmt::arg("checklist", d_->id)));
  return d_->sections[d_->item_chapter[it->second]];
}

// ---- serialisation

namespace {

using ojson = nlohmann::ordered_json;

ojson item_json(const Item& i) {
  ojson j;
  j["id"] = i.id;
  j["clause"] = i.clause;
  j["text"] = i.text;
  j["question"] = i.question;
  j["roles"] = i.roles;
  ojson a;
  a["tiers"] = i.applies_to.tiers;
  a["departments"] = i.applies_to.departments == DepartmentScope::all ? "all" : "system_owners";
  a["important_assets"] = i.applies_to.important_assets;
  // Keys added after format 1's first release are written only when set, so that a checklist
  // without them keeps the JSON (and the hash the store keeps) it always had.
  if (!i.applies_to.network_models.empty()) a["network_models"] = i.applies_to.network_models;
  if (i.applies_to.server_room) a["server_room"] = true;
  j["applies_to"] = a;
  j["weight"] = i.weight;
  ojson aud = ojson::array();
  if (i.self_inspection) aud.push_back("self_inspection");
  if (i.audit) aud.push_back("audit");
  j["audience"] = aud;
  j["evidence"] = i.evidence;
  j["note"] = i.note;
  if (i.respondent != default_respondent(i.roles)) j["respondent"] = to_string(i.respondent);
  if (!i.model.empty()) j["model"] = i.model;
  if (!i.sources.empty()) {
    ojson src = ojson::array();
    for (const SourceClause& c : i.sources)
      src.push_back({{"document", c.document}, {"part", c.part}, {"clause", c.clause}});
    j["sources"] = src;
  }
  if (!i.basis.empty()) j["basis"] = i.basis;
  return j;
}

ojson section_json(const Section& s, const std::vector<Item>& items) {
  ojson j;
  j["id"] = s.id;
  j["clause"] = s.clause;
  j["title"] = s.title;
  ojson its = ojson::array();
  for (std::size_t i : s.items) its.push_back(item_json(items[i]));
  j["items"] = its;
  ojson subs = ojson::array();
  for (const Section& sub : s.sections) subs.push_back(section_json(sub, items));
  j["sections"] = subs;
  return j;
}

void emit_string_list(YAML::Emitter& out, const char* key, const std::vector<std::string>& list) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& s : list) out << s;
  out << YAML::EndSeq;
}

// The smallest item index in a section's subtree (items are numbered in document order).
std::size_t first_item(const Section& s) {
  std::size_t first = s.items.empty() ? SIZE_MAX : s.items.front();
  for (const Section& sub : s.sections) first = std::min(first, first_item(sub));
  return first;
}

void emit_section(YAML::Emitter& out, const Section& s, const std::vector<Item>& items);

void emit_subsections(YAML::Emitter& out, const Section& s, const std::vector<Item>& items) {
  if (s.sections.empty()) return;
  out << YAML::Key << "sections" << YAML::Value << YAML::BeginSeq;
  for (const Section& sub : s.sections) emit_section(out, sub, items);
  out << YAML::EndSeq;
}

void emit_applies_to(YAML::Emitter& out, const AppliesTo& a) {
  if (a.tiers.empty() && a.departments == DepartmentScope::all && !a.important_assets && a.network_models.empty() &&
      !a.server_room)
    return;
  out << YAML::Key << "applies_to" << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (!a.tiers.empty()) emit_string_list(out, "tiers", a.tiers);
  if (a.departments != DepartmentScope::all) out << YAML::Key << "departments" << YAML::Value << "system_owners";
  if (a.important_assets) out << YAML::Key << "important_assets" << YAML::Value << true;
  if (!a.network_models.empty()) emit_string_list(out, "network_models", a.network_models);
  if (a.server_room) out << YAML::Key << "server_room" << YAML::Value << true;
  out << YAML::EndMap;
}

void emit_item(YAML::Emitter& out, const Item& i) {
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << i.id;
  out << YAML::Key << "clause" << YAML::Value << YAML::DoubleQuoted << i.clause;
  out << YAML::Key << "text" << YAML::Value << i.text;
  out << YAML::Key << "question" << YAML::Value << i.question;
  emit_string_list(out, "roles", i.roles);
  if (i.respondent != default_respondent(i.roles))
    out << YAML::Key << "respondent" << YAML::Value << std::string(to_string(i.respondent));
  emit_applies_to(out, i.applies_to);
  if (i.weight != 1.0) out << YAML::Key << "weight" << YAML::Value << i.weight;
  if (!(i.self_inspection && i.audit)) {
    std::vector<std::string> aud;
    if (i.self_inspection) aud.push_back("self_inspection");
    if (i.audit) aud.push_back("audit");
    emit_string_list(out, "audience", aud);
  }
  if (!i.evidence.empty()) emit_string_list(out, "evidence", i.evidence);
  if (!i.note.empty()) out << YAML::Key << "note" << YAML::Value << i.note;
  if (!i.model.empty()) emit_string_list(out, "model", i.model);
  if (!i.sources.empty()) {
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
    for (const SourceClause& c : i.sources) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "document" << YAML::Value << c.document;
      if (!c.part.empty()) out << YAML::Key << "part" << YAML::Value << c.part;
      out << YAML::Key << "clause" << YAML::Value << YAML::DoubleQuoted << c.clause << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!i.basis.empty()) out << YAML::Key << "basis" << YAML::Value << i.basis;
  out << YAML::EndMap;
}

void emit_section(YAML::Emitter& out, const Section& s, const std::vector<Item>& items) {
  // Write 'sections' before 'items' when the file had them so, to keep document order.
  bool sections_first = false;
  if (!s.items.empty() && !s.sections.empty()) {
    std::size_t first_sub = SIZE_MAX;
    for (const Section& sub : s.sections) first_sub = std::min(first_sub, first_item(sub));
    sections_first = first_sub < s.items.front();
  }
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << s.id;
  out << YAML::Key << "clause" << YAML::Value << YAML::DoubleQuoted << s.clause;
  out << YAML::Key << "title" << YAML::Value << s.title;
  if (sections_first) emit_subsections(out, s, items);
  if (!s.items.empty()) {
    out << YAML::Key << "items" << YAML::Value << YAML::BeginSeq;
    for (std::size_t idx : s.items) emit_item(out, items[idx]);
    out << YAML::EndSeq;
  }
  if (!sections_first) emit_subsections(out, s, items);
  out << YAML::EndMap;
}

}  // namespace

std::string Checklist::to_json() const {
  ojson j;
  j["format"] = d_->format;
  if (d_->kind == ChecklistKind::model) j["kind"] = "model";
  j["id"] = d_->id;
  j["title"] = d_->title;
  j["version"] = d_->version;
  j["body"] = d_->body;
  j["description"] = d_->description;
  j["source"] = {{"document", d_->source.document}, {"title", d_->source.title}, {"revised", d_->source.revised}};
  ojson roles = ojson::array();
  for (const auto& r : d_->roles) roles.push_back({{"id", r.id}, {"label", r.label}});
  j["roles"] = roles;
  ojson tn = ojson::object();
  for (const auto& [k, v] : d_->tier_names) tn[k] = v;
  j["tier_names"] = tn;
  if (!d_->secretariat.empty()) j["secretariat"] = d_->secretariat;
  ojson secs = ojson::array();
  for (const Section& s : d_->sections) secs.push_back(section_json(s, d_->items));
  j["sections"] = secs;
  return j.dump();
}

std::string Checklist::to_yaml(std::string_view header_comment) const {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  out << YAML::Key << "format" << YAML::Value << d_->format;
  if (d_->kind == ChecklistKind::model) out << YAML::Key << "kind" << YAML::Value << "model";
  out << YAML::Key << "id" << YAML::Value << d_->id;
  out << YAML::Key << "title" << YAML::Value << d_->title;
  out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << d_->version;
  if (d_->kind == ChecklistKind::body || !d_->body.empty()) out << YAML::Key << "body" << YAML::Value << d_->body;
  if (!d_->description.empty()) out << YAML::Key << "description" << YAML::Value << d_->description;
  out << YAML::Key << "source" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "document" << YAML::Value << d_->source.document;
  out << YAML::Key << "title" << YAML::Value << d_->source.title;
  if (!d_->source.revised.empty())
    out << YAML::Key << "revised" << YAML::Value << YAML::DoubleQuoted << d_->source.revised;
  out << YAML::EndMap;
  out << YAML::Key << "roles" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& r : d_->roles) {
    // A built-in role under its own title is its id alone; under the body's title, {id, label}.
    if (const Term* t = find_role(r.id); t && t->label == r.label)
      out << r.id;
    else
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << r.id << YAML::Key << "label" << YAML::Value
          << r.label << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (!d_->tier_names.empty()) {
    out << YAML::Key << "tier_names" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [k, v] : d_->tier_names) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap;
  }
  if (!d_->secretariat.empty()) out << YAML::Key << "secretariat" << YAML::Value << d_->secretariat;
  out << YAML::Key << "sections" << YAML::Value << YAML::BeginSeq;
  for (const Section& s : d_->sections) emit_section(out, s, d_->items);
  out << YAML::EndSeq << YAML::EndMap;

  std::string result;
  std::istringstream comment{std::string(header_comment)};
  for (std::string line; std::getline(comment, line);) result += line.empty() ? "#\n" : "# " + line + "\n";
  result += out.c_str();
  result += "\n";
  return result;
}

}  // namespace libaudit
