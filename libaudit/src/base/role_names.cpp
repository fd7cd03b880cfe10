// The body's names of DOMAIN.md roles, as policy texts write them (jtext.h): read by the
// normaliser (a line that starts with a role name) and the extractor (whom an obligation binds).
#include <algorithm>
#include <array>
#include <vector>

#include "base/jtext.h"

namespace libaudit::jtext {

namespace {

// Roles: the body's names of DOMAIN.md roles. Longest first, so 統括情報セキュリティ責任者 is
// never read as 情報セキュリティ責任者.
constexpr std::array<RoleName, 27> kRoleNames{{
    {"情報セキュリティ監査統括責任者", "chief_auditor"},
    {"最高情報セキュリティ責任者", "ciso"},
    {"統括情報セキュリティ責任者", "chief_security_officer"},
    {"小牧市情報セキュリティ委員会", "security_committee"},
    {"情報セキュリティ委員会", "security_committee"},
    {"情報セキュリティ責任者", "security_officer"},
    {"情報セキュリティ管理者", "security_manager"},
    {"情報システム管理者", "system_administrator"},
    {"情報システム担当者", "system_staff"},
    {"外部委託事業者等", "contractor"},
    {"外部委託事業者", "contractor"},
    {"監査統括責任者", "chief_auditor"},
    {"委託事業者等", "contractor"},
    {"委託事業者", "contractor"},
    {"委託業者等", "contractor"},
    {"非常勤職員等", "staff"},
    {"被監査部門", "auditee"},
    {"ＣＳＩＲＴ", "csirt"},
    {"ＣＩＳＯ", "ciso"},
    {"CSIRT", "csirt"},
    {"CISO", "ciso"},
    {"監査人", "auditor"},
    {"受託者", "contractor"},
    {"職員等", "staff"},
    {"職員", "staff"},
    {"委員会", "security_committee"},
    {"監査を実施する者", "auditor"},
}};

// Names sorted longest first (by bytes; all names of one script).
const std::vector<RoleName>& role_names() {
  static const std::vector<RoleName> sorted = [] {
    std::vector<RoleName> v(kRoleNames.begin(), kRoleNames.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const RoleName& a, const RoleName& b) { return a.name.size() > b.name.size(); });
    return v;
  }();
  return sorted;
}

}  // namespace

// The role name that `s` ends with, longest first; nullptr if none.
const RoleName* role_suffix(std::string_view s) {
  for (const RoleName& r : role_names())
    if (ends_with(s, r.name)) return &r;
  return nullptr;
}

const RoleName* role_prefix(std::string_view s) {
  for (const RoleName& r : role_names())
    if (starts_with(s, r.name)) return &r;
  return nullptr;
}

std::size_t role_name_prefix(std::string_view s) noexcept {
  const RoleName* r = role_prefix(s);
  return r ? r->name.size() : 0;
}

}  // namespace libaudit::jtext
