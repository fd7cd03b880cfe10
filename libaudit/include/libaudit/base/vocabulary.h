// The shared vocabulary of ../shared/DOMAIN.md and the one table of its Japanese labels:
// answers, cycle kinds and statuses, finding severities and states, exception statuses, the
// answers to 横展開 check requests, roles, network tiers, who answers an item (respondent), the
// network models of the 強靱性 chapter, the kinds of body, and the audit plan's and working papers'
// terms (states, reasons, methods, judgements). Every stage's *_label function and
// the Python package (libaudit.labels, through _core.terms/_core.label) read this table. Plain
// constant data; safe to use from any thread; nothing here throws.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace libaudit {

struct Term {
  std::string_view id;     // identifier used in code and data, e.g. "security_manager"
  std::string_view label;  // Japanese name, e.g. "情報セキュリティ管理者"
};

// The vocabularies with Japanese labels. Each stage's enum (Answer, CycleKind, …) spells its
// values with the ids of the matching vocabulary.
enum class Vocabulary {
  answer,
  cycle_kind,
  cycle_status,
  severity,
  finding_state,
  exception_status,
  check_answer,
  role,
  tier,
  collection_status,
  respondent,
  network_model,
  body_kind,
  plan_state,       // 監査計画 (libaudit/audit/plan.h)
  plan_reason,      // why a 課 is (or is not) in the plan, each with its figure
  plan_selection,   // how a 課 came into the plan (or was taken out)
  audit_method,     // 監査調書: how an item was examined (書類確認, ヒアリング, …)
  audit_judgement,  // 監査調書: the judgement (適合, 不適合, 観察, 該当なし)
  evidence_status,
  answer_progress  // a 課's web questionnaire (回収状況): 未着手, 回答中, 提出済
};

// Every vocabulary, in the order of the enum.
std::span<const Vocabulary> vocabularies() noexcept;

// The terms of a vocabulary in display order (the order of its enum; roles in DOMAIN.md's order).
std::span<const Term> terms(Vocabulary v) noexcept;

// The Japanese label of an id; "" when the vocabulary has no such id.
std::string_view label_of(Vocabulary v, std::string_view id) noexcept;

// The id of a term named by its id or its exact label; nullopt otherwise. Callers normalise
// (NFKC, trim) first if their input may need it.
std::optional<std::string_view> id_of(Vocabulary v, std::string_view id_or_label) noexcept;

// The name of a vocabulary as the bindings spell it ("answer", "cycle_kind", …) and back.
std::string_view to_string(Vocabulary v) noexcept;
std::optional<Vocabulary> parse_vocabulary(std::string_view name) noexcept;

// Roles (DOMAIN.md, "Who does what"), in the order of that table: terms(Vocabulary::role).
std::span<const Term> builtin_roles() noexcept;

// Network tiers: mynumber, lgwan, internet: terms(Vocabulary::tier).
std::span<const Term> tiers() noexcept;

// The term with this id, or nullptr.
const Term* find_role(std::string_view id) noexcept;
const Term* find_tier(std::string_view id) noexcept;

// Enums spelled by a vocabulary (Answer, CycleKind, CycleStatus, Severity, FindingState,
// ExceptionStatus) declare their values in the order of terms(v): the value with index i is
// terms(v)[i]. These three templates are the one map between such an enum and its ids.

// The id of e, or `fallback` when e is not a value of the vocabulary.
template <class E>
std::string_view enum_id(Vocabulary v, E e, std::string_view fallback = {}) noexcept {
  const std::span<const Term> t = terms(v);
  const auto i = static_cast<std::size_t>(e);
  return i < t.size() ? t[i].id : fallback;
}

// The value whose id is `id`, or nullopt.
template <class E>
std::optional<E> enum_of_id(Vocabulary v, std::string_view id) noexcept {
  const std::span<const Term> t = terms(v);
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].id == id) return static_cast<E>(i);
  return std::nullopt;
}

// The value named by its id or its exact label, or nullopt (as id_of).
template <class E>
std::optional<E> enum_of(Vocabulary v, std::string_view id_or_label) noexcept {
  const std::optional<std::string_view> id = id_of(v, id_or_label);
  return id ? enum_of_id<E>(v, *id) : std::nullopt;
}

// A table from an enum's values to their names, for to_string/parse pairs that are not a
// labelled vocabulary (report kinds, groupings, …): name_of(kTable, v), value_of(kTable, s).
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

// The name of v in the table, or `fallback` when it is missing.
template <class E, std::size_t N>
constexpr std::string_view name_of(const EnumName<E> (&table)[N], E v, std::string_view fallback = {}) noexcept {
  for (const EnumName<E>& e : table)
    if (e.value == v) return e.name;
  return fallback;
}

// The value named s, or nullopt.
template <class E, std::size_t N>
constexpr std::optional<E> value_of(const EnumName<E> (&table)[N], std::string_view s) noexcept {
  for (const EnumName<E>& e : table)
    if (e.name == s) return e.value;
  return std::nullopt;
}

}  // namespace libaudit
