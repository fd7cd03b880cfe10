// The applicability rule (docs/scoring.md, "Applicability"): whether a checklist item applies
// to a 課, from the systems the 課 owns, and who answers it (a body-level item: the cycle's
// secretariat 課 only). Part of the store stage, so that findings (横展開),
// scoring and the questionnaire export share one rule. Pure functions over plain data, except
// department_profiles, which reads the store; thread-safety is the Store's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/checklist/checklist.h"
#include "libaudit/store/store.h"

namespace libaudit {

// What applicability needs to know of a 課, with the names reports print.
struct DepartmentProfile {
  std::string code;
  std::string name;
  std::string parent_code;  // its 部; the 課's own code when it has no parent
  std::string parent_name;
  std::vector<std::string> tiers;  // tiers it owns a system in, sorted, unique
  bool owns_system = false;
  bool important_assets = false;  // owns a system holding 重要な情報資産
};

// Profiles of the 課 with these codes, in this order (every leaf 課, by code, when `codes` is
// empty). An unknown code gets a profile with only its code (it owns nothing).
std::vector<DepartmentProfile> department_profiles(const Store& store, const std::vector<std::string>& codes = {});
// The same over an organisation given (e.g. Store::departments_at and systems_at: as it stood then).
std::vector<DepartmentProfile> department_profiles(std::vector<Department> departments,
                                                   const std::vector<System>& systems,
                                                   const std::vector<std::string>& codes = {});

// False when `a` excludes the 課: it owns no system in any listed tier, it owns no system and
// the item is for system owners, or it holds no important assets and the item needs them.
bool applies(const AppliesTo& a, const DepartmentProfile& department);

// The same rule as bit sets, for scoring's inner loop: profile_bits(d) is 5 bits (the three
// tiers, owns a system, important assets); bit p of applicability_mask(a) says whether `a`
// applies to a 課 whose profile bits are p.
unsigned profile_bits(const DepartmentProfile& department);
std::uint32_t applicability_mask(const AppliesTo& a);

// The audience rule: a self-inspection asks the items whose audience includes self_inspection,
// an internal or external audit those whose audience includes audit.
bool in_audience(const Item& item, CycleKind kind) noexcept;

// The respondent rule (DOMAIN.md, "Who answers an item"; docs/scoring.md, "Body-level items"):
// whether `item` is one of the cycle's body-level items (全庁共通事項): its respondent is the
// body and the cycle has a secretariat recorded. A cycle without one (Cycle::secretariat empty:
// created before the rule) has none, so its figures stay as they were published.
bool body_level(const Item& item, const Cycle& cycle) noexcept;
// Whether 課 `department` (a code) answers `item` in `cycle`: a body-level item only the
// cycle's secretariat, any other item every target 課.
bool answers_item(const Item& item, const Cycle& cycle, std::string_view department) noexcept;
// The whole question "is 課 d asked item i in this cycle": in the cycle's audience, answered by
// this 課 (answers_item) and applicable to it (applies). Questionnaires, 回収状況, 横展開 and
// scoring all ask it (scoring through the same rules, as bit masks).
bool asked(const Item& item, const Cycle& cycle, const DepartmentProfile& department);

}  // namespace libaudit
