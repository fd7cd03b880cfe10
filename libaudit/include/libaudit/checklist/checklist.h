// The checklist (点検表): a tree of sections following the clauses of a body's standard, whose
// leaves are items (点検項目). The format is documented in docs/checklist-format.md.
//
// A Checklist is immutable once loaded; copies share one representation, and a Checklist may
// be read from any number of threads at once. Loading validates everything and throws
// ChecklistError listing every problem; a half-loaded checklist is never returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/error.h"

namespace libaudit {

struct BodyProfile;  // libaudit/checklist/profile.h

// Which 課 an item applies to (DOMAIN.md, "Checklist"; the scoring applicability rule).
enum class DepartmentScope {
  all,            // every 課
  system_owners,  // only 課 that own an information system (in one of `tiers`, if given)
};

struct AppliesTo {
  std::vector<std::string> tiers;  // tier ids; empty means the item is not tier-specific
  DepartmentScope departments = DepartmentScope::all;
  bool important_assets = false;  // only where 重要な情報資産 are held
  // Model checklists only: the measure exists only for bodies running one of these network
  // models (ids of Vocabulary::network_model; empty: every model), only for bodies with their
  // own server room. Making a body's checklist from the model resolves both.
  std::vector<std::string> network_models;
  bool server_room = false;
};

// Who answers an item (DOMAIN.md, "Who answers an item"; ids of Vocabulary::respondent).
enum class Respondent {
  department,  // every target 課 of a cycle
  body,        // the body once, through the cycle's secretariat 課 (全庁共通事項)
};

// The documented default: body when every role is one whose duty lies with the body as a whole
// (ciso, chief_security_officer, security_committee, csirt, chief_auditor), else department.
bool is_body_level_role(std::string_view role) noexcept;
Respondent default_respondent(const std::vector<std::string>& roles) noexcept;
std::string_view to_string(Respondent r) noexcept;

// A seed clause a model item generalises: the document (a seed file name), the part of it whose
// title contains `part` ("" when the document has one part), and the clause path as the clause
// parser writes it ("6(2)ア(イ)", "第5条(2)").
struct SourceClause {
  std::string document;
  std::string part;
  std::string clause;
};

// What a checklist is: a body's own (answered in cycles) or the national model, which holds
// placeholders ({{body}}, {{secretariat}}, {{role.<id>}}, {{tier.<id>}}) that making a body's
// checklist fills in.
enum class ChecklistKind { body, model };

struct Item {
  std::string id;                  // NFKC, unique in the checklist, stable across versions
  std::string clause;              // clause reference, NFKC, e.g. "8(2)ア(ア)"
  std::string text;                // the source sentence, verbatim
  std::string question;            // self-inspection form: 「…しているか。」
  std::vector<std::string> roles;  // responsible role ids
  AppliesTo applies_to;
  double weight = 1.0;          // >= 0
  bool self_inspection = true;  // audience
  bool audit = true;
  std::vector<std::string> evidence;  // 監査資料の例
  std::string note;
  Respondent respondent = Respondent::department;  // the effective value (stated, else the default)
  bool respondent_explicit = false;                // stated in the file
  std::vector<std::string> model;                  // body checklists: the model items it implements
  std::vector<SourceClause> sources;               // model checklists: the seed clauses it generalises
  std::string basis;                               // model checklists: why it has no seed source
  std::string section_id;                          // the section that holds this item
  int line = 0;                                    // line in the source YAML (0 when built otherwise)
};

struct Section {
  std::string id;      // NFKC, unique in the checklist
  std::string clause;  // NFKC, as numbered in the standard, e.g. "(2)"
  std::string title;
  std::vector<Section> sections;
  std::vector<std::size_t> items;  // indices into Checklist::items()
  int line = 0;
};

struct SourceDocument {
  std::string document;  // file name, e.g. "002_65e417b3328f2695.txt"
  std::string title;
  std::string revised;  // ISO date as written in the checklist
};

struct RoleDefinition {
  std::string id;
  std::string label;  // Japanese name
};

struct LoadOptions {
  std::size_t max_bytes = 32u << 20;           // larger files are refused
  std::size_t max_expanded_nodes = 2'000'000;  // bound on YAML nodes after alias expansion
};

class Checklist {
 public:
  // Loads and validates a YAML file. Throws IoError if it cannot be read, ChecklistError
  // (with every diagnostic) if it is not a valid checklist.
  static Checklist load(const std::filesystem::path& path, const LoadOptions& options = {});

  // The same from text; `source` names it in diagnostics.
  static Checklist from_yaml(std::string_view yaml, std::string_view source = "<string>",
                             const LoadOptions& options = {});

  const std::string& id() const noexcept;
  const std::string& title() const noexcept;
  const std::string& version() const noexcept;
  const std::string& body() const noexcept;
  const std::string& description() const noexcept;
  ChecklistKind kind() const noexcept;
  // The name of the 課 that answers the body-level items ("" when not stated).
  const std::string& secretariat() const noexcept;
  const SourceDocument& source() const noexcept;
  const std::string& origin() const noexcept;  // the file or name it was loaded from

  // Roles this checklist may use: those it declares, or DOMAIN.md's when it declares none.
  const std::vector<RoleDefinition>& roles() const noexcept;
  // The body's own name of a tier (e.g. 業務系 for mynumber), or the shared one.
  std::string tier_name(std::string_view tier) const;

  const std::vector<Section>& sections() const noexcept;
  const std::vector<Item>& items() const noexcept;  // document order
  std::size_t size() const noexcept;

  // Lookups by id; the id is NFKC-normalised first. find_* return nullptr when absent;
  // item() and section() throw NotFoundError.
  const Item* find_item(std::string_view id) const;
  const Item& item(std::string_view id) const;
  const Section* find_section(std::string_view id) const;
  const Section& section(std::string_view id) const;

  // Items in document order that name this role / this tier.
  std::vector<const Item*> items_for_role(std::string_view role) const;
  std::vector<const Item*> items_for_tier(std::string_view tier) const;

  // The chapter (top-level section) that holds an item.
  const Section& chapter_of(const Item& item) const;

  // Canonical JSON of the whole content (keys as in the YAML format, defaults filled in).
  // Two checklists with equal content give equal JSON, so it is what the store hashes.
  std::string to_json() const;

  // The checklist as YAML in the documented format; loads back to an equal checklist.
  // `header_comment` lines, if any, are written first as "# ..." comments.
  std::string to_yaml(std::string_view header_comment = {}) const;

  struct Data;

 private:
  friend Checklist checklist_for_body(const Checklist& model, const BodyProfile& profile);
  explicit Checklist(std::shared_ptr<const Data> data);
  std::shared_ptr<const Data> d_;
};

}  // namespace libaudit
