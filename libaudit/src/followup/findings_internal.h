// Internal to findings.cpp and exceptions.cpp: the row readers and trail states of the
// follow-up tables (from their field tables, fields_sql.h), and the checks both use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "followup/fields_sql.h"
#include "libaudit/followup/findings.h"
#include "store/access.h"
#include "store/schema.h"
#include "store/store_internal.h"

namespace libaudit::detail {

// The trail states and row readers of the follow-up entities: the field tables walked
// (fields_sql.h); the names stay for the readers verify replays.
inline std::string person_state(const Person& p) { return state_of(p); }
inline std::string finding_state(const Finding& f) { return state_of(f); }
inline std::string transition_state(const Transition& t) { return state_of(t); }
inline std::string check_state(const CheckRequest& c) { return state_of(c); }
inline std::string exception_state(const ExceptionRecord& e) { return state_of(e); }

inline Person read_person(sql::Stmt& s) { return read_row<Person>(s); }
inline Finding read_finding(sql::Stmt& s) { return read_row<Finding>(s); }
inline Transition read_transition(sql::Stmt& s) { return read_row<Transition>(s); }
inline CheckRequest read_check(sql::Stmt& s) { return read_row<CheckRequest>(s); }
inline ExceptionRecord read_exception(sql::Stmt& s) { return read_row<ExceptionRecord>(s); }

// The row of T with this row id; NotFoundError(`not_found`) when there is none.
template <class T>
T load_by_id(sql::Db& db, std::int64_t id, const std::string& not_found) {
  sql::Stmt s = db.prepare(select_sql<T>(" WHERE id = ?"));
  s.bind(1, id);
  if (!s.step()) throw NotFoundError(not_found);
  return read_row<T>(s);
}

// Every row of T that select_sql<T>(suffix) gives, in its order, with `args` bound to the
// suffix's placeholders in turn.
template <class T, class... Args>
std::vector<T> load_rows(sql::Db& db, const char* suffix, const Args&... args) {
  sql::Stmt s = db.prepare(select_sql<T>(suffix));
  s.bind_all(args...);
  std::vector<T> out;
  while (s.step()) out.push_back(read_row<T>(s));
  return out;
}

// The person named `name` from the register; NotFoundError.
Person load_person(sql::Db& db, std::string_view name);
// The code of a 課 (normalised); NotFoundError, or ValidationError when it is not a leaf.
std::string require_leaf(sql::Db& db, std::string_view code);
// The person holds `role` and acts for `dept`: of the 課 itself, or (security_officer) its 部.
bool acts_for_department(sql::Db& db, const Person& p, std::string_view role, std::string_view dept);
// The person acts for `dept` as one of its managers: its security_manager, security_officer or
// system_administrator (acts_for_department). Who answers a 横展開 request or asks for an exception.
bool manages_department(sql::Db& db, const Person& p, std::string_view dept);
std::string roles_text(const Person& p);
// A stored checklist (by row id), loaded once per process per content (keyed by its sha256);
// thread-safe. NotFoundError for an unknown id.
std::shared_ptr<const Checklist> checklist_of(const Store& store, std::int64_t checklist_id);
// The person `name` as of record `i` of `g` (the register as the trail had it then, rules.cpp);
// nullopt when the register did not have them. For the rules of this and later stages.
std::optional<Person> person_at(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                                const std::string& name);
// The rule an auditor of the finding's own 課 breaks, in words: 「兼務の禁止（監査人は自らの課を
// 監査できない）」 — a generic name, never one body's clause.
std::string own_department_rule();
// "unknown role 'x': one of … (`libaudit vocabulary role` …)", listing the valid ids.
std::string unknown_role(std::string_view role);
// acts_for_department with the 部 of `dept` given (`parent`, empty for none): touches no store,
// so verify's rules judge people as of a trail record with it.
bool acts_for(const Person& p, std::string_view role, std::string_view dept, std::string_view parent);

// Whether `p` may make the move `rule` of `f` (THE role conditions of findings.cpp's table:
// 兼務の禁止, the verifier is not the remediator, the 課's own managers), `parent` being the 部 of
// f.department. Not ok: the reason of the last of p's roles in the rule that failed its
// condition (no_role when p holds none of them). Used by move() and by verify's rules.
struct MoverVerdict {
  enum Why { ok, no_role, own_department, remediator, other_department } why = ok;
  std::string_view role;  // the role judged last
};
MoverVerdict judge_mover(const Person& p, const Finding& f, const TransitionRule& rule, std::string_view parent);

// Findings::raise inside the caller's transaction `im` (whose trail actor becomes `by`): every
// check raise() makes, the finding and its trail record written, not committed. For a later
// stage that writes a row of its own with the finding, all or nothing (the audit stage's
// working-paper links). Returns the finding's id.
std::int64_t raise_finding(Store::Transaction& im, const Store& store, std::string_view by, const FindingSpec& spec);

// The follow-up component's rules (rules.cpp; docs/store.md, "verify replays the rules").
void followup_rules(const schema::RuleContext& context, const schema::TrailGroup& group,
                    std::vector<Problem>& problems);

// verify()'s reader of the follow-up tables (findings.cpp): row(table, entity, key, state).
void followup_rows(sql::Db& db, const schema::RowVisitor& row);
// Registers the follow-up schema component (schema.cpp); findings.cpp calls it at static
// initialisation, so that every program using the follow-up stage registers its tables.
bool register_followup_schema() noexcept;

}  // namespace libaudit::detail
