// A body profile (団体プロファイル): what makes one body's checklist differ from another's — its
// name and kind, its titles of the roles, its names of the network tiers, its network model,
// whether it runs its own server room, and the 課 that answers the body-level items. The format
// is documented in docs/profiles.md (schema: checklists/profiles/schema.json).
//
// checklist_for_body() fills the model checklist (標準点検表, `kind: model`) with a profile:
// the body's own checklist, every placeholder filled and the measures it does not have left out.
//
// A BodyProfile is a plain value, safe to read from any number of threads. Loading validates
// everything and throws ChecklistError listing every problem (file:line:column); a half-loaded
// profile is never returned. checklist_for_body() leaves its inputs unchanged and throws
// ChecklistError, located in the model, when a placeholder cannot be filled.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/checklist/checklist.h"

namespace libaudit {

// What kind of body (Vocabulary::body_kind): values in the order of its terms.
enum class BodyKind { prefecture, city, special_ward, town, village, council, association };

// The network model of 情報システム全体の強靱性の向上 (Vocabulary::network_model; DOMAIN.md,
// "The national model"): α (internet separated), α′ (added 令和6年10月), β and β′ (business
// moved to the internet-connected side).
enum class NetworkModel { alpha, alpha_prime, beta, beta_prime };

struct BodyProfile {
  std::string body;  // the body's name as it writes it, e.g. 小牧市
  BodyKind kind = BodyKind::city;
  std::string id;           // a-z, 0-9 and single '-' between them: the prefix of its checklist's id
  std::string title;        // title of its checklist; "" = body + the model's title
  std::string version;      // version of its checklist; "" = the model's version
  std::string secretariat;  // the 課 that answers the body-level items (全庁共通事項); "" = not named
  NetworkModel network_model = NetworkModel::alpha;
  bool server_room = true;                   // runs its own server room (サーバ室, 管理区域)
  std::map<std::string, std::string> roles;  // role id -> the body's title, as given
  std::map<std::string, std::string> tiers;  // tier id -> the body's name, as given
  std::string origin;                        // the file or name it was loaded from

  // Loads and validates a profile YAML file. Throws IoError if it cannot be read, ChecklistError
  // (with every diagnostic) if it is not a valid profile. The bounds are a checklist's.
  static BodyProfile load(const std::filesystem::path& path, const LoadOptions& options = {});
  // The same from text; `source` names it in diagnostics.
  static BodyProfile from_yaml(std::string_view yaml, std::string_view source = "<string>",
                               const LoadOptions& options = {});

  // The body's title of a role: the profile's, else DOMAIN.md's; "" for an unknown role.
  std::string role_title(std::string_view role) const;
  // The body's name of a tier: the profile's, else the shared one; "" for an unknown tier.
  std::string tier_name(std::string_view tier) const;
  // The checklist id written for the body: "<id>-hyojun".
  std::string checklist_id() const;
};

std::string_view to_string(BodyKind k) noexcept;
std::string_view to_string(NetworkModel m) noexcept;

// Why a model item is not in a body's checklist.
enum class LeftOut { network_model, server_room };

struct LeftOutItem {
  std::string id;  // the model item's id
  LeftOut reason;
};

// The model's items a body's checklist leaves out, in document order: those whose
// applies_to.network_models does not name the profile's model, and those for a server room when
// the body runs none.
std::vector<LeftOutItem> left_out_items(const Checklist& model, const BodyProfile& profile);

// The body's checklist from the model (kind: model): every placeholder ({{body}},
// {{secretariat}}, {{role.X}}, {{tier.X}}) filled from the profile in the titles, texts,
// questions, evidence and notes; the items left_out_items() names dropped, and sections left
// empty by that; sources, basis and applies_to's network_models and server_room not carried;
// each item keeps its id and gets `model: [its id]`. The result is a body checklist (kind: body)
// with id checklist_id(), the profile's body, secretariat, tier names and role titles. Throws
// ChecklistError (located in the model) for a model that is not kind: model and for a
// placeholder the profile cannot fill ({{secretariat}} when it names none).
Checklist checklist_for_body(const Checklist& model, const BodyProfile& profile);

}  // namespace libaudit
