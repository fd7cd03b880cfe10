// The field tables of the follow-up entities: for each of Person, Finding, Transition,
// CheckRequest and ExceptionRecord, THE list of its fields, in column order. Everything else
// follows from it by generic code: the SQL column lists, the insert and the row reader and the
// trail state (followup/fields_sql.h), and the Python classes of libaudit._core with their
// to_dict() (bindings/src/findings.cpp). Adding a field to an entity is: the struct member
// (findings.h), one row here, and the migration that adds the column (docs/architecture.md).
//
// The order of the rows is the order of the columns in SELECT and of the keys in the trail
// state. A trail state must stay byte-identical for rows written by earlier versions (verify
// replays each row and compares it with the state recorded when it was written;
// tests/cpp/followup/fields_test.cpp pins them). So a field added later goes at the end with
// `kAdded`: it enters the state only when its value is not the default (the migration's column
// default must be the member's default), and rows written before it existed keep their states.
//
// Constant data, no state: thread-safe. Nothing here throws.
#pragma once

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "libaudit/followup/findings.h"

namespace libaudit::fields {

// Where a field appears.
enum Use : unsigned {
  kColumn = 1,  // a column of the entity's table (SELECT, INSERT, the row reader)
  kState = 2,   // a key of the trail state
  kPython = 4,  // a read-only attribute of the Python class (and a key of its to_dict())
  kAll = kColumn | kState | kPython,
  kOmitDefault = 8,                   // in the state only when the value is not the member's default
  kRowId = 16,                        // INTEGER PRIMARY KEY: assigned by the insert, not inserted
  kKey = kColumn | kPython | kRowId,  // the row id: selected and shown, never in the state (the trail key)
  kAdded = kAll | kOmitDefault,       // a field added after the entity's first release
};

template <class T, class M, unsigned U>
struct Field {
  using Member = M;
  static constexpr unsigned use = U;
  std::string_view name;  // the column and the Python attribute
  M T::*member;
  std::string_view state_key{};  // the key in the trail state when it differs from `name`
  constexpr std::string_view key() const noexcept { return state_key.empty() ? name : state_key; }
};

template <unsigned U = kAll, class T, class M>
constexpr Field<T, M, U> field(std::string_view name, M T::*member, std::string_view key = {}) {
  return {name, member, key};
}

// Entity<T>: `table` (the SQL table) and `fields` (a tuple of Field<T, …>).
template <class T>
struct Entity;

template <>
struct Entity<Person> {
  static constexpr std::string_view table = "people";
  static constexpr auto fields = std::make_tuple(field("name", &Person::name), field("department", &Person::department),
                                                 field("roles", &Person::roles));  // stored separated by spaces
};

template <>
struct Entity<Finding> {
  static constexpr std::string_view table = "findings";
  static constexpr auto fields = std::make_tuple(
      field<kKey>("id", &Finding::id), field("cycle", &Finding::cycle), field("department", &Finding::department),
      field("items", &Finding::items),  // stored separated by spaces
      field("severity", &Finding::severity), field("state", &Finding::state), field("condition", &Finding::condition),
      field("criterion", &Finding::criterion), field("evidence", &Finding::evidence),
      field("recommendation", &Finding::recommendation), field("due", &Finding::due),
      field("raised_by", &Finding::raised_by), field("raised_at", &Finding::raised_at),
      field("source_finding", &Finding::source_finding), field("promoted_from", &Finding::promoted_from),
      field("remediated_by", &Finding::remediated_by), field("updated_at", &Finding::updated_at),
      field<kPython>("checks_open", &Finding::checks_open),  // counted from check_requests
      field<kPython>("checks_total", &Finding::checks_total));
};

template <>
struct Entity<Transition> {
  static constexpr std::string_view table = "finding_transitions";
  static constexpr auto fields =
      std::make_tuple(field<kKey>("id", &Transition::id), field("finding", &Transition::finding),
                      field("from_state", &Transition::from, "from"), field("to_state", &Transition::to, "to"),
                      field("by", &Transition::by), field("at", &Transition::at), field("note", &Transition::note));
};

template <>
struct Entity<CheckRequest> {
  static constexpr std::string_view table = "check_requests";
  static constexpr auto fields = std::make_tuple(
      field<kKey>("id", &CheckRequest::id), field("finding", &CheckRequest::finding),
      field("department", &CheckRequest::department), field("requested_by", &CheckRequest::requested_by),
      field("requested_at", &CheckRequest::requested_at),
      field("answer", &CheckRequest::answer),  // "" while unanswered
      field("answered_by", &CheckRequest::answered_by), field("answered_at", &CheckRequest::answered_at),
      field("note", &CheckRequest::note), field("linked_finding", &CheckRequest::linked_finding));
};

template <>
struct Entity<ExceptionRecord> {
  static constexpr std::string_view table = "exceptions";
  static constexpr auto fields = std::make_tuple(
      field<kKey>("id", &ExceptionRecord::id), field("department", &ExceptionRecord::department),
      field("item", &ExceptionRecord::item), field("system", &ExceptionRecord::system),
      field("reason", &ExceptionRecord::reason), field("compensating_measure", &ExceptionRecord::compensating_measure),
      field("start", &ExceptionRecord::start), field("end", &ExceptionRecord::end),
      field("emergency", &ExceptionRecord::emergency), field("status", &ExceptionRecord::status),
      field("requested_by", &ExceptionRecord::requested_by), field("requested_at", &ExceptionRecord::requested_at),
      field("decided_by", &ExceptionRecord::decided_by), field("decided_at", &ExceptionRecord::decided_at),
      field("decision_note", &ExceptionRecord::decision_note), field("reported_at", &ExceptionRecord::reported_at));
};

// Calls fn(field) for every field of T, in order.
template <class T, class Fn>
constexpr void for_each_field(Fn&& fn) {
  std::apply([&](const auto&... f) { (fn(f), ...); }, Entity<T>::fields);
}

// How many fields of T have every bit of `use`.
template <class T>
constexpr std::size_t count(unsigned use) {
  std::size_t n = 0;
  for_each_field<T>([&](const auto& f) { n += (std::decay_t<decltype(f)>::use & use) == use; });
  return n;
}

}  // namespace libaudit::fields
