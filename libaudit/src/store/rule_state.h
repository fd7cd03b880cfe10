// Internal to libaudit: reading the trail states a rule check (schema::RuleCheck) is given. The
// rules of every stage read states the same forgiving way: a state that is absent or not an
// object reads as null, a field of the wrong type as empty (verify reports malformed records
// elsewhere). Pure functions; nothing throws.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "store/schema.h"

namespace libaudit::schema {

// A state as JSON, null when there is none.
inline nlohmann::json parse_state(const std::string* state) {
  return state ? nlohmann::json::parse(*state, nullptr, false) : nlohmann::json(nullptr);
}

// Field `key` of an object as text ("" when absent or not a string) or integer (0 likewise).
inline std::string text_field(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}
inline std::int64_t int_field(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return 0;
  const auto it = o.find(key);
  return it != o.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// " (by NAME)" (（実行者 NAME）): who wrote a group, as every forged message ends.
inline std::string by_actor(const TrailGroup& g) { return message(" (by {actor})", fmt::arg("actor", g.actor)); }

}  // namespace libaudit::schema
