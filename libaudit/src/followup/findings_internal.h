// Internal to findings.cpp and exceptions.cpp: the column lists, row readers and trail states
// of the follow-up tables, and the checks both use.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/followup/findings.h"
#include "store/access.h"
#include "store/store_internal.h"

namespace libaudit::detail {

#define kFindingSelect                                                                                     \
  "SELECT id, cycle, department, items, severity, state, condition, criterion, evidence, recommendation, " \
  "due, raised_by, raised_at, source_finding, promoted_from, remediated_by, updated_at FROM findings"
#define kTransitionSelect "SELECT id, finding, from_state, to_state, by, at, note FROM finding_transitions"
#define kCheckSelect                                                                                     \
  "SELECT id, finding, department, requested_by, requested_at, answer, answered_by, answered_at, note, " \
  "linked_finding FROM check_requests"
#define kExceptionSelect                                                                               \
  "SELECT id, department, item, system, reason, compensating_measure, start, end, emergency, status, " \
  "requested_by, requested_at, decided_by, decided_at, decision_note, reported_at FROM exceptions"

void json_strings(std::string& s, const std::vector<std::string>& v);
std::string person_state(const Person& p);
std::string finding_state(const Finding& f);
std::string transition_state(const Transition& t);
std::string check_state(const CheckRequest& c);
std::string exception_state(const ExceptionRecord& e);

Person read_person(sql::Stmt& s);
Finding read_finding(sql::Stmt& s);
Transition read_transition(sql::Stmt& s);
CheckRequest read_check(sql::Stmt& s);
ExceptionRecord read_exception(sql::Stmt& s);

std::vector<std::string> split_words(std::string_view s, std::string_view seps);
std::string join_words(const std::vector<std::string>& v);

// The person named `name` from the register; NotFoundError.
Person load_person(sql::Db& db, std::string_view name);
// The code of a 課 (normalised); NotFoundError, or ValidationError when it is not a leaf.
std::string require_leaf(sql::Db& db, std::string_view code);
// The person holds `role` and acts for `dept`: of the 課 itself, or (security_officer) its 部.
bool acts_for_department(sql::Db& db, const Person& p, std::string_view role, std::string_view dept);
std::string roles_text(const Person& p);

// verify()'s reader of the follow-up tables (findings.cpp): row(table, entity, key, state).
void followup_rows(sql::Db& db,
                   const std::function<void(const char*, const char*, const std::string&, const std::string&)>& row);
// Registers the follow-up schema component (schema.cpp); findings.cpp calls it at static
// initialisation, so that every program using the follow-up stage registers its tables.
bool register_followup_schema();

}  // namespace libaudit::detail
