#include "libaudit/base/vocabulary.h"

#include <array>

namespace libaudit {
namespace {

constexpr std::array<Term, 13> kRoles{{
    {"ciso", "最高情報セキュリティ責任者"},
    {"chief_security_officer", "統括情報セキュリティ責任者"},
    {"security_officer", "情報セキュリティ責任者"},
    {"security_manager", "情報セキュリティ管理者"},
    {"system_administrator", "情報システム管理者"},
    {"system_staff", "情報システム担当者"},
    {"staff", "職員等"},
    {"contractor", "委託事業者等"},
    {"csirt", "CSIRT"},
    {"security_committee", "情報セキュリティ委員会"},
    {"chief_auditor", "監査統括責任者"},
    {"auditor", "監査人"},
    {"auditee", "被監査部門"},
}};

constexpr std::array<Term, 3> kTiers{{
    {"mynumber", "マイナンバー利用事務系"},
    {"lgwan", "LGWAN接続系"},
    {"internet", "インターネット接続系"},
}};

template <std::size_t N>
const Term* find(const std::array<Term, N>& terms, std::string_view id) noexcept {
  for (const Term& t : terms)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace

std::span<const Term> builtin_roles() noexcept { return kRoles; }
std::span<const Term> tiers() noexcept { return kTiers; }
const Term* find_role(std::string_view id) noexcept { return find(kRoles, id); }
const Term* find_tier(std::string_view id) noexcept { return find(kTiers, id); }

}  // namespace libaudit
