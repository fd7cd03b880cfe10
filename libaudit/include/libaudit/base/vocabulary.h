// The shared vocabulary of ../shared/DOMAIN.md: roles and network tiers, with their Japanese
// names. Plain constant data; safe to use from any thread.
#pragma once

#include <span>
#include <string_view>

namespace libaudit {

struct Term {
  std::string_view id;     // identifier used in code and data, e.g. "security_manager"
  std::string_view label;  // Japanese name, e.g. "情報セキュリティ管理者"
};

// Roles (DOMAIN.md, "Who does what"), in the order of that table.
std::span<const Term> builtin_roles() noexcept;

// Network tiers: mynumber, lgwan, internet.
std::span<const Term> tiers() noexcept;

// The term with this id, or nullptr.
const Term* find_role(std::string_view id) noexcept;
const Term* find_tier(std::string_view id) noexcept;

}  // namespace libaudit
