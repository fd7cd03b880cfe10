#include "libaudit/store/applicability.h"

#include <algorithm>
#include <unordered_map>

namespace libaudit {

namespace {

constexpr unsigned kOwnsSystem = 1u << 3;
constexpr unsigned kImportant = 1u << 4;

int tier_bit(std::string_view tier) {
  if (tier == "mynumber") return 0;
  if (tier == "lgwan") return 1;
  if (tier == "internet") return 2;
  return -1;
}

bool applies_to_bits(const AppliesTo& a, unsigned p) {
  unsigned tiers = 0;
  for (const std::string& t : a.tiers)
    if (int b = tier_bit(t); b >= 0) tiers |= 1u << b;
  if (!a.tiers.empty() && !(p & tiers)) return false;  // owns no system in any listed tier
  if (a.departments == DepartmentScope::system_owners && !(p & kOwnsSystem)) return false;
  if (a.important_assets && !(p & kImportant)) return false;
  return true;
}

}  // namespace

unsigned profile_bits(const DepartmentProfile& d) {
  unsigned p = 0;
  for (const std::string& t : d.tiers)
    if (int b = tier_bit(t); b >= 0) p |= 1u << b;
  if (d.owns_system || p) p |= kOwnsSystem;
  if (d.important_assets) p |= kImportant;
  return p;
}

bool applies(const AppliesTo& a, const DepartmentProfile& d) { return applies_to_bits(a, profile_bits(d)); }

std::uint32_t applicability_mask(const AppliesTo& a) {
  std::uint32_t m = 0;
  for (unsigned p = 0; p < 32; ++p)
    if (applies_to_bits(a, p)) m |= 1u << p;
  return m;
}

std::vector<DepartmentProfile> department_profiles(const Store& store, const std::vector<std::string>& codes) {
  return department_profiles(store.departments(), store.systems(), codes);
}

std::vector<DepartmentProfile> department_profiles(std::vector<Department> departments,
                                                   const std::vector<System>& systems,
                                                   const std::vector<std::string>& codes) {
  std::unordered_map<std::string, Department> by_code;
  std::vector<std::string> wanted = codes;
  for (Department& d : departments) {  // ordered by code
    if (codes.empty() && d.is_leaf) wanted.push_back(d.code);
    by_code.emplace(d.code, std::move(d));
  }
  std::unordered_map<std::string, std::vector<const System*>> owned;
  for (const System& s : systems) owned[s.department_code].push_back(&s);

  std::vector<DepartmentProfile> out;
  out.reserve(wanted.size());
  for (const std::string& code : wanted) {
    DepartmentProfile p;
    p.code = code;
    if (auto it = by_code.find(code); it != by_code.end()) {
      p.name = it->second.name;
      p.parent_code = it->second.parent_code;
      if (auto parent = by_code.find(p.parent_code); parent != by_code.end()) p.parent_name = parent->second.name;
    }
    if (p.parent_code.empty()) {
      p.parent_code = p.code;
      p.parent_name = p.name;
    }
    if (auto it = owned.find(code); it != owned.end()) {
      p.owns_system = !it->second.empty();
      for (const System* s : it->second) {
        p.tiers.push_back(s->tier);
        p.important_assets = p.important_assets || s->important_assets;
      }
      std::sort(p.tiers.begin(), p.tiers.end());
      p.tiers.erase(std::unique(p.tiers.begin(), p.tiers.end()), p.tiers.end());
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool in_audience(const Item& item, CycleKind kind) noexcept {
  return kind == CycleKind::self_inspection ? item.self_inspection : item.audit;
}

bool body_level(const Item& item, const Cycle& cycle) noexcept {
  return item.respondent == Respondent::body && !cycle.secretariat.empty();
}

bool answers_item(const Item& item, const Cycle& cycle, std::string_view department) noexcept {
  return !body_level(item, cycle) || department == cycle.secretariat;
}

bool asked(const Item& item, const Cycle& cycle, const DepartmentProfile& department) {
  return in_audience(item, cycle.kind) && answers_item(item, cycle, department.code) &&
         applies(item.applies_to, department);
}

}  // namespace libaudit
