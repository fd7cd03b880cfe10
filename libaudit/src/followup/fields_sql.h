// Internal to the follow-up stage: what the field tables (libaudit/followup/fields.h) give the
// store — the column list and SELECT of an entity, its row reader, its INSERT, and its trail
// state — by walking the table. One codec per member type (get_column, column_value,
// put_state) says how a value is stored, read back and written into a state.
//
// Readers throw ValidationError for a column they cannot parse (a state, severity, status or
// answer that is no code); an unreadable date reads as Date{} (0000-00-00), as before.
// No state of its own: thread-safe as the Db and Stmt passed in are.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "libaudit/followup/fields.h"
#include "store/store_internal.h"

namespace libaudit::detail {

std::vector<std::string> split_words(std::string_view s, std::string_view seps);
std::string join_words(const std::vector<std::string>& v);
void json_strings(std::string& s, const std::vector<std::string>& v);
ExceptionStatus parse_exception_status(std::string_view s);  // a code; ValidationError

// ---- Codecs: column -> member --------------------------------------------------------------
inline void get_column(const sql::Stmt& s, int c, std::int64_t& v) { v = s.i64(c); }
inline void get_column(const sql::Stmt& s, int c, std::string& v) { v = s.str(c); }
inline void get_column(const sql::Stmt& s, int c, bool& v) { v = s.i64(c) != 0; }
inline void get_column(const sql::Stmt& s, int c, std::vector<std::string>& v) { v = split_words(s.text(c), " "); }
inline void get_column(const sql::Stmt& s, int c, Severity& v) { v = parse_severity(s.text(c)); }
inline void get_column(const sql::Stmt& s, int c, FindingState& v) { v = parse_finding_state(s.text(c)); }
inline void get_column(const sql::Stmt& s, int c, ExceptionStatus& v) { v = parse_exception_status(s.text(c)); }
inline void get_column(const sql::Stmt& s, int c, std::optional<CheckAnswer>& v) {
  if (s.text(c).empty())
    v.reset();
  else
    v = parse_check_answer(s.text(c));
}
inline void get_column(const sql::Stmt& s, int c, Date& v) {
  try {
    v = parse_date(s.text(c));
  } catch (const Error&) {
    v = Date{};
  }
}

// ---- Codecs: trail state value -> member (the inverse of put_state). A value of the wrong
// type leaves the member at its default; a code that does not parse throws ValidationError.
inline void get_state(const nlohmann::json& j, std::int64_t& v) {
  if (j.is_number_integer()) v = j.get<std::int64_t>();
}
inline void get_state(const nlohmann::json& j, std::string& v) {
  if (j.is_string()) v = j.get<std::string>();
}
inline void get_state(const nlohmann::json& j, bool& v) {
  if (j.is_boolean()) v = j.get<bool>();
}
inline void get_state(const nlohmann::json& j, std::vector<std::string>& v) {
  v.clear();
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_string()) v.push_back(x.get<std::string>());
}
inline std::string state_text(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : std::string(); }
inline void get_state(const nlohmann::json& j, Severity& v) { v = parse_severity(state_text(j)); }
inline void get_state(const nlohmann::json& j, FindingState& v) { v = parse_finding_state(state_text(j)); }
inline void get_state(const nlohmann::json& j, ExceptionStatus& v) { v = parse_exception_status(state_text(j)); }
inline void get_state(const nlohmann::json& j, std::optional<CheckAnswer>& v) {
  const std::string t = state_text(j);
  if (t.empty())
    v.reset();
  else
    v = parse_check_answer(t);
}
inline void get_state(const nlohmann::json& j, Date& v) {
  try {
    v = parse_date(state_text(j));
  } catch (const Error&) {
    v = Date{};
  }
}

// ---- Codecs: member -> column value, and -> the text a state holds -------------------------
using Value = std::variant<std::int64_t, std::string>;
inline std::string text_of(Severity v) { return std::string(to_string(v)); }
inline std::string text_of(FindingState v) { return std::string(to_string(v)); }
inline std::string text_of(ExceptionStatus v) { return std::string(to_string(v)); }
inline std::string text_of(const std::optional<CheckAnswer>& v) { return v ? std::string(to_string(*v)) : ""; }
inline std::string text_of(const Date& v) { return v.to_string(); }

inline Value column_value(std::int64_t v) { return v; }
inline Value column_value(bool v) { return std::int64_t{v ? 1 : 0}; }
inline Value column_value(const std::string& v) { return v; }
inline Value column_value(const std::vector<std::string>& v) { return join_words(v); }
template <class M>
Value column_value(const M& v) {
  return text_of(v);
}

inline void put_state(std::string& s, std::int64_t v) { json_int(s, v); }
inline void put_state(std::string& s, bool v) { json_bool(s, v); }
inline void put_state(std::string& s, const std::string& v) { json_string(s, v); }
inline void put_state(std::string& s, const std::vector<std::string>& v) { json_strings(s, v); }
template <class M>
void put_state(std::string& s, const M& v) {
  json_string(s, text_of(v));
}

// ---- Generic code over the tables ----------------------------------------------------------

// "<columns>" of T, separated by ", ": the kColumn fields (but the row id unless `with_id`).
template <class T>
std::string column_list(bool with_id = true) {
  std::string cols;
  fields::for_each_field<T>([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr ((F::use & fields::kColumn) != 0)
      if (with_id || (F::use & fields::kRowId) == 0) cols += (cols.empty() ? "" : ", ") + std::string(f.name);
  });
  return cols;
}

// "SELECT <columns> FROM <table>" followed by `suffix` (a string literal: " WHERE id = ?"), as
// text of static storage: Db::prepare caches statements by the address of their text.
template <class T>
const char* select_sql(const char* suffix = "") {
  static std::mutex mu;
  static std::unordered_map<const char*, std::string> texts;  // by the suffix's address
  std::lock_guard lock(mu);
  auto [it, fresh] = texts.try_emplace(suffix);
  if (fresh) it->second = "SELECT " + column_list<T>() + " FROM " + std::string(fields::Entity<T>::table) + suffix;
  return it->second.c_str();
}

// The entity of the current row of a statement made from select_sql<T>().
template <class T>
T read_row(const sql::Stmt& s) {
  T x{};
  int c = 0;
  fields::for_each_field<T>([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr ((F::use & fields::kColumn) != 0) get_column(s, c++, x.*f.member);
  });
  return x;
}

// Inserts every column but the row id; returns the new row id.
template <class T>
std::int64_t insert_row(sql::Db& db, const T& x) {
  static const std::string text = [] {
    std::string marks;
    for (std::size_t i = 0, n = fields::count<T>(fields::kColumn) - fields::count<T>(fields::kRowId); i < n; ++i)
      marks += i ? ",?" : "?";
    return "INSERT INTO " + std::string(fields::Entity<T>::table) + "(" + column_list<T>(false) + ") VALUES (" + marks +
           ")";
  }();
  std::vector<Value> values;  // complete before binding: the statement borrows the texts
  fields::for_each_field<T>([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr ((F::use & fields::kColumn) != 0 && (F::use & fields::kRowId) == 0)
      values.push_back(column_value(x.*f.member));
  });
  sql::Stmt s = db.prepare(text.c_str());
  for (std::size_t i = 0; i < values.size(); ++i) std::visit([&](const auto& v) { s.bind(int(i + 1), v); }, values[i]);
  s.run();
  return sqlite3_last_insert_rowid(db.handle());
}

// The canonical JSON the trail records for an entity: its kState fields, in table order.
template <class T>
std::string state_of(const T& x) {
  std::string s = "{";
  fields::for_each_field<T>([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr ((F::use & fields::kState) != 0) {
      if constexpr ((F::use & fields::kOmitDefault) != 0)
        if (x.*f.member == typename F::Member{}) return;
      if (s.size() > 1) s += ',';
      json_key(s, f.key());
      put_state(s, x.*f.member);
    }
  });
  s += '}';
  return s;
}

// The entity a trail state records (state_of's inverse); fields absent from the state keep
// their defaults (kOmitDefault), the row id is the caller's (it is the trail key).
template <class T>
T read_state(const nlohmann::json& j) {
  T x{};
  fields::for_each_field<T>([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr ((F::use & fields::kState) != 0) {
      const auto it = j.find(std::string(f.key()));
      if (it != j.end()) get_state(*it, x.*f.member);
    }
  });
  return x;
}

}  // namespace libaudit::detail
