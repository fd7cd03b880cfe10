// Body profiles: the loader (one walk collecting every problem, with the checklist's YAML reader
// and bounds) and checklist_for_body (the model checklist filled with a profile).
#include "libaudit/checklist/profile.h"

#include "libaudit/checklist/placeholders.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <set>

#include "checklist/checklist_data.h"
#include "checklist/suggest.h"
#include "checklist/yaml_reader.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/checklist/placeholders.h"

namespace libaudit {

namespace {

constexpr int kMaxDepth = 8;  // a profile is a mapping of mappings

// a-z and 0-9 in runs joined by single '-': "komaki", "tokorozawa-council".
bool valid_profile_id(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (c == '-') {
      if (id[i - 1] == '-') return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> ids_of(Vocabulary v) {
  std::vector<std::string_view> out;
  for (const Term& t : terms(v)) out.push_back(t.id);
  return out;
}

std::string joined(const std::vector<std::string_view>& ids) {
  std::string out;
  for (std::string_view id : ids) out += (out.empty() ? "" : ", ") + std::string(id);
  return out;
}

class ProfileLoader {
 public:
  ProfileLoader(std::string_view yaml, std::string origin, const LoadOptions& options, std::uintmax_t size)
      : size_(size),
        options_(options),
        reader_(yaml, std::move(origin), {options.max_bytes, options.max_expanded_nodes}, size) {}

  BodyProfile run() {
    const YAML::Node root = reader_.parse(
        {message("the file is {size}, over the limit of {limit} for a body profile",
                 fmt::arg("size", yaml::size_text(size_)), fmt::arg("limit", yaml::size_text(options_.max_bytes))),
         tr("more than one YAML document in the file; a body profile is one document"),
         tr("empty document: a body profile is a YAML mapping with body, kind, id, network_model, server_room, ...")},
        kMaxDepth);
    BodyProfile p;
    p.origin = reader_.origin();
    try {
      read_root(root, p);
    } catch (const YAML::Exception& e) {
      reader_.fail(e.mark, message("unexpected structure: {reason}", fmt::arg("reason", e.msg)));
    }
    reader_.throw_if_failed();
    return p;
  }

 private:
  void read_root(const YAML::Node& root, BodyProfile& p) {
    const std::string what = tr("the body profile");
    if (!reader_.check_mapping(root,
                               {"format", "body", "kind", "id", "title", "version", "secretariat", "network_model",
                                "server_room", "roles", "tiers"},
                               {"body", "kind", "id", "network_model", "server_room"}, what))
      return;
    if (const YAML::Node f = root["format"]; f.IsDefined()) {
      if (!f.IsScalar() || f.Tag() == "!" || f.Scalar() != "1")
        reader_.fail(f.Mark(), message("unsupported format '{format}'; this version of libaudit reads format 1",
                                       fmt::arg("format", f.IsScalar() ? f.Scalar() : yaml::kind_name(f))));
    }
    p.body = words(root, "body", what, true);
    p.title = words(root, "title", what, false);
    p.version = words(root, "version", what, false);
    p.secretariat = words(root, "secretariat", what, false);
    if (const YAML::Node n = root["id"]; n.IsDefined()) {
      p.id = words(root, "id", what, true);
      if (!p.id.empty() && !valid_profile_id(p.id))
        reader_.fail(n.Mark(), message("profile id '{id}' may contain only a-z and 0-9, in runs joined by single '-'",
                                       fmt::arg("id", p.id)));
    }
    if (auto k = term(root, "kind", Vocabulary::body_kind, what))
      p.kind = *enum_of_id<BodyKind>(Vocabulary::body_kind, *k);
    if (auto m = term(root, "network_model", Vocabulary::network_model, what))
      p.network_model = *enum_of_id<NetworkModel>(Vocabulary::network_model, *m);
    if (const YAML::Node s = root["server_room"]; s.IsDefined())
      p.server_room = reader_.boolean(s, message("'server_room' in {what} is true or false", fmt::arg("what", what)))
                          .value_or(true);
    read_names(root["roles"], "roles", p.roles);
    read_names(root["tiers"], "tiers", p.tiers);
  }

  // Text that fills a placeholder: non-empty, one line, no placeholder of its own; trimmed.
  std::string words(const YAML::Node& map, std::string_view key, const std::string& what, bool required) {
    const YAML::Node n = map[std::string(key)];
    if (!n.IsDefined()) return {};
    if (required && n.IsNull()) return reader_.required_text(map, key, what);  // "key:" with nothing: at the key
    return words(n, key, what);
  }

  std::string words(const YAML::Node& n, std::string_view key, const std::string& what) {
    if (n.IsNull()) {
      reader_.fail(n.Mark(), message("'{key}' in {what} is empty", fmt::arg("key", key), fmt::arg("what", what)));
      return {};
    }
    std::string value = reader_.scalar(n, key, what, true).value_or("");
    if (value.empty()) return {};
    if (value.find('\n') != std::string::npos) {
      reader_.fail(n.Mark(),
                   message("'{key}' in {what} must be on one line", fmt::arg("key", key), fmt::arg("what", what)));
      return {};
    }
    if (value.find("{{") != std::string::npos) {
      reader_.fail(n.Mark(), message("'{key}' in {what} contains '{open}': a profile gives the words that fill "
                                     "placeholders and has none of its own",
                                     fmt::arg("key", key), fmt::arg("what", what), fmt::arg("open", "{{")));
      return {};
    }
    return std::string(text::trim(value));
  }

  // The id of a vocabulary term written under `key`, or nullopt with a diagnostic.
  std::optional<std::string_view> term(const YAML::Node& map, std::string_view key, Vocabulary v,
                                       const std::string& what) {
    const YAML::Node n = map[std::string(key)];
    if (!n.IsDefined()) return std::nullopt;
    const std::string value = reader_.required_text(map, key, what);
    if (value.empty()) return std::nullopt;
    const std::vector<std::string_view> ids = ids_of(v);
    if (auto it = std::find(ids.begin(), ids.end(), value); it != ids.end()) return *it;
    const auto suggestion = suggest(value, ids);
    if (v == Vocabulary::body_kind) {
      if (suggestion)
        reader_.fail(n.Mark(), message("unknown kind of body '{value}' (did you mean '{suggestion}'?)",
                                       fmt::arg("value", value), fmt::arg("suggestion", *suggestion)));
      else
        reader_.fail(n.Mark(), message("unknown kind of body '{value}'; kinds are {ids}", fmt::arg("value", value),
                                       fmt::arg("ids", joined(ids))));
    } else if (suggestion) {
      reader_.fail(n.Mark(), message("unknown network model '{value}' (did you mean '{suggestion}'?)",
                                     fmt::arg("value", value), fmt::arg("suggestion", *suggestion)));
    } else {
      reader_.fail(n.Mark(), message("unknown network model '{value}'; network models are {ids}",
                                     fmt::arg("value", value), fmt::arg("ids", joined(ids))));
    }
    return std::nullopt;
  }

  // roles: {role id: title} or tiers: {tier id: name}.
  void read_names(const YAML::Node& n, std::string_view key, std::map<std::string, std::string>& out) {
    if (!n.IsDefined() || n.IsNull()) return;
    const bool roles = key == "roles";
    if (!n.IsMap()) {
      reader_.fail(n.Mark(), roles ? message("'roles' must map role ids to the body's titles, found {kind}",
                                             fmt::arg("kind", yaml::kind_name(n)))
                                   : message("'tiers' must map tier ids to the body's names, found {kind}",
                                             fmt::arg("kind", yaml::kind_name(n))));
      return;
    }
    const std::string what = roles ? tr("'roles' of the body profile") : tr("'tiers' of the body profile");
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) {
        reader_.fail(kv.first.Mark(), message("keys in {what} must be plain names", fmt::arg("what", what)));
        continue;
      }
      const std::string id = kv.first.Scalar();
      if (roles ? !check_role(id, kv.first.Mark()) : !reader_.check_tier(id, kv.first.Mark())) continue;
      if (!seen.insert(id).second) {
        reader_.fail(kv.first.Mark(),
                     message("key '{key}' appears twice in {what}", fmt::arg("key", id), fmt::arg("what", what)));
        continue;
      }
      if (std::string value = words(kv.second, id, what); !value.empty()) out.emplace(id, std::move(value));
    }
  }

  bool check_role(const std::string& role, const YAML::Mark& mark) {
    if (find_role(role)) return true;
    const std::vector<std::string_view> ids = ids_of(Vocabulary::role);
    if (auto s = suggest(role, ids))
      reader_.fail(mark, message("unknown role '{role}' in 'roles' (did you mean '{suggestion}'?)",
                                 fmt::arg("role", role), fmt::arg("suggestion", *s)));
    else
      reader_.fail(mark, message("unknown role '{role}' in 'roles'; the roles are {ids}", fmt::arg("role", role),
                                 fmt::arg("ids", joined(ids))));
    return false;
  }

  std::uintmax_t size_;
  LoadOptions options_;
  yaml::YamlReader reader_;
};

}  // namespace

BodyProfile BodyProfile::load(const std::filesystem::path& path, const LoadOptions& options) {
  auto [yaml, size] = yaml::read_bounded(path, options.max_bytes);
  return ProfileLoader(yaml, path.string(), options, size).run();
}

BodyProfile BodyProfile::from_yaml(std::string_view yaml, std::string_view source, const LoadOptions& options) {
  return ProfileLoader(yaml, std::string(source), options, yaml.size()).run();
}

std::string BodyProfile::role_title(std::string_view role) const {
  if (auto it = roles.find(std::string(role)); it != roles.end()) return it->second;
  const Term* t = find_role(role);
  return t ? std::string(t->label) : std::string();
}

std::string BodyProfile::tier_name(std::string_view tier) const {
  if (auto it = tiers.find(std::string(tier)); it != tiers.end()) return it->second;
  const Term* t = find_tier(tier);
  return t ? std::string(t->label) : std::string();
}

std::string BodyProfile::checklist_id() const { return id + "-hyojun"; }

std::string_view to_string(BodyKind k) noexcept { return enum_id(Vocabulary::body_kind, k); }
std::string_view to_string(NetworkModel m) noexcept { return enum_id(Vocabulary::network_model, m); }

}  // namespace libaudit

// ---- checklist_for_body

namespace libaudit {

namespace {

// Fills the placeholders of the model's texts from a profile, collecting every one it cannot
// fill as a Diagnostic located in the model.
class Filler {
 public:
  Filler(const Checklist& model, const BodyProfile& profile) : model_(model), profile_(profile) {}

  // `text` with every {{name}} replaced; `what` and `line` locate a problem.
  std::string fill(std::string_view text, const std::string& what, int line) {
    std::optional<std::size_t> unclosed;
    std::string out = fill_placeholders(
        text, [&](std::string_view name, std::string_view whole) { return value(name, whole, what, line); }, &unclosed);
    if (!unclosed) return out;
    // Name it by its opening and the name after it (ASCII, so never half a character).
    std::size_t end = *unclosed + 2;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                                 text[end] == '_' || text[end] == ' '))
      ++end;
    problem(line, message("placeholder '{placeholder}' in {what} has no closing '{close}'",
                          fmt::arg("placeholder", text::trim(text.substr(*unclosed, end - *unclosed))),
                          fmt::arg("what", what), fmt::arg("close", "}}")));
    return std::string(text);
  }

  std::vector<std::string> fill(const std::vector<std::string>& texts, const std::string& what, int line) {
    std::vector<std::string> out;
    for (const std::string& t : texts) out.push_back(fill(t, what, line));
    return out;
  }

  std::vector<Diagnostic>& problems() { return problems_; }

 private:
  std::string value(std::string_view name, std::string_view whole, const std::string& what, int line) {
    if (name == "body") return profile_.body;
    if (name == "secretariat") {
      if (!profile_.secretariat.empty()) return profile_.secretariat;
      problem(line, message("placeholder '{placeholder}' in {what} needs the 課 that answers the body-level items, "
                            "which the profile does not name ('secretariat')",
                            fmt::arg("placeholder", whole), fmt::arg("what", what)));
      return std::string(whole);
    }
    if (name.substr(0, 5) == "role.") {
      const std::string_view role = name.substr(5);
      for (const RoleDefinition& r : model_.roles()) {
        if (r.id != role) continue;
        auto given = profile_.roles.find(r.id);
        return given != profile_.roles.end() ? given->second : r.label;
      }
      problem(line, message("placeholder '{placeholder}' in {what} names the role '{role}', which the model does not "
                            "declare",
                            fmt::arg("placeholder", whole), fmt::arg("what", what), fmt::arg("role", role)));
      return std::string(whole);
    }
    if (name.substr(0, 5) == "tier.") {
      if (std::string tier = profile_.tier_name(name.substr(5)); !tier.empty()) return tier;
      problem(line, message("placeholder '{placeholder}' in {what} names the tier '{tier}'; tiers are mynumber, lgwan "
                            "and internet",
                            fmt::arg("placeholder", whole), fmt::arg("what", what), fmt::arg("tier", name.substr(5))));
      return std::string(whole);
    }
    problem(line, message("unknown placeholder '{placeholder}' in {what}; the placeholders are {names}",
                          fmt::arg("placeholder", whole), fmt::arg("what", what),
                          fmt::arg("names", "{{body}}, {{secretariat}}, {{role.<id>}}, {{tier.<id>}}")));
    return std::string(whole);
  }

  void problem(int line, std::string text) {
    problems_.push_back(Diagnostic{model_.origin(), std::max(1, line), 1, std::move(text)});
  }

  const Checklist& model_;
  const BodyProfile& profile_;
  std::vector<Diagnostic> problems_;
};

std::optional<LeftOut> left_out(const Item& item, const BodyProfile& profile) {
  const std::vector<std::string>& models = item.applies_to.network_models;
  if (!models.empty() && std::find(models.begin(), models.end(), to_string(profile.network_model)) == models.end())
    return LeftOut::network_model;
  if (item.applies_to.server_room && !profile.server_room) return LeftOut::server_room;
  return std::nullopt;
}

// The sections of the body's checklist: the model's with every text filled, item indices mapped
// to the kept items (`renumber[i]`: the new index of model item i, or SIZE_MAX when dropped),
// and sections left with nothing dropped.
std::vector<Section> kept_sections(const std::vector<Section>& model, const std::vector<std::size_t>& renumber,
                                   Filler& filler) {
  std::vector<Section> out;
  for (const Section& s : model) {
    Section copy;
    copy.id = s.id;
    copy.clause = s.clause;
    copy.title = filler.fill(s.title, message("section '{id}'", fmt::arg("id", s.id)), s.line);
    copy.line = s.line;
    for (std::size_t i : s.items)
      if (renumber[i] != SIZE_MAX) copy.items.push_back(renumber[i]);
    copy.sections = kept_sections(s.sections, renumber, filler);
    if (!copy.items.empty() || !copy.sections.empty()) out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace

std::vector<LeftOutItem> left_out_items(const Checklist& model, const BodyProfile& profile) {
  std::vector<LeftOutItem> out;
  for (const Item& i : model.items())
    if (auto why = left_out(i, profile)) out.push_back({i.id, *why});
  return out;
}

Checklist checklist_for_body(const Checklist& model, const BodyProfile& profile) {
  const Checklist::Data& m = *model.d_;
  if (m.kind != ChecklistKind::model)
    throw ChecklistError({Diagnostic{model.origin(), 1, 1,
                                     message("checklist '{id}' is not a model checklist (kind: model); a body's "
                                             "checklist is made from the model",
                                             fmt::arg("id", m.id))}});
  auto d = std::make_shared<Checklist::Data>();
  Filler filler(model, profile);
  const std::string checklist_what = tr("the checklist");
  d->format = m.format;
  d->kind = ChecklistKind::body;
  d->secretariat = profile.secretariat;
  d->id = profile.checklist_id();
  d->title = profile.title.empty() ? profile.body + filler.fill(m.title, checklist_what, 1) : profile.title;
  d->version = profile.version.empty() ? m.version : profile.version;
  d->body = profile.body;
  // The model's description describes the model; the body's file says where it came from in
  // its header (libaudit checklist new).
  d->origin = model.origin();
  d->source = m.source;
  for (const RoleDefinition& r : m.roles) {
    auto given = profile.roles.find(r.id);
    d->roles.push_back({r.id, given != profile.roles.end() ? given->second : r.label});
  }
  for (const Term& t : tiers()) d->tier_names[std::string(t.id)] = profile.tier_name(t.id);

  std::vector<std::size_t> renumber(m.items.size(), SIZE_MAX);
  for (std::size_t i = 0; i < m.items.size(); ++i) {
    const Item& mi = m.items[i];
    if (left_out(mi, profile)) continue;
    const std::string what = message("item '{id}'", fmt::arg("id", mi.id));
    Item item = mi;
    item.text = filler.fill(mi.text, what, mi.line);
    item.question = filler.fill(mi.question, what, mi.line);
    item.note = filler.fill(mi.note, what, mi.line);
    item.evidence = filler.fill(mi.evidence, what, mi.line);
    // The body's item implements the model's measure of the same id; what only describes the
    // model (its seed sources, why it has none, for which bodies it exists) stays there.
    item.model = {mi.id};
    item.sources.clear();
    item.basis.clear();
    item.applies_to.network_models.clear();
    item.applies_to.server_room = false;
    renumber[i] = d->items.size();
    d->items.push_back(std::move(item));
  }
  d->sections = kept_sections(m.sections, renumber, filler);
  if (!filler.problems().empty()) {
    std::stable_sort(filler.problems().begin(), filler.problems().end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    throw ChecklistError(std::move(filler.problems()));
  }
  d->index();
  return Checklist(std::move(d));
}

}  // namespace libaudit
