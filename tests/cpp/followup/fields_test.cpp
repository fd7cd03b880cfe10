// The trail states of the follow-up entities, pinned byte for byte. Stores written by earlier
// versions verify only while these strings stay the same (tests/fixtures/schema3/), so the field
// tables (libaudit/followup/fields.h) must reproduce exactly what the hand-written code wrote.
#define BOOST_TEST_MODULE fields
#include <boost/test/unit_test.hpp>
#include <string>

#include "followup/findings_internal.h"
#include "libaudit/followup/findings.h"

using namespace libaudit;

namespace {

// Written by the hand-written states of commit 393e2bf, before the field tables replaced them.
const std::string kFinding =
    R"pin({"cycle":3,"department":"101","items":["6.1.a","6.2"],"severity":"major_nonconformity","state":"remediation_reported","condition":"ログを\"確認\"していない\n二行目","criterion":"6(1)ア ログを確認する","evidence":"聞き取り\\記録","recommendation":"週次で確認する","due":"2025-03-31","raised_by":"監査 一郎","raised_at":"2024-10-01T01:02:03Z","source_finding":2,"promoted_from":1,"remediated_by":"佐藤 花子","updated_at":"2024-11-01T00:00:00Z"})pin";
const std::string kException =
    R"pin({"department":"102","item":"8.1.b","system":"人事給与","reason":"更新中","compensating_measure":"手作業で\t確認","start":"2025-01-01","end":"2025-06-30","emergency":true,"status":"reported","requested_by":"鈴木","requested_at":"2025-01-01T00:00:00Z","decided_by":"","decided_at":"","decision_note":"事後報告","reported_at":"2025-01-03T09:00:00Z"})pin";
const std::string kPerson = R"pin({"name":"監査 一郎","department":"201","roles":["auditor","chief_auditor"]})pin";
const std::string kTransition =
    R"pin({"finding":7,"from":"in_remediation","to":"remediation_reported","by":"佐藤 花子","at":"2024-11-01T00:00:00Z","note":"報告"})pin";
const std::string kCheckOpen =
    R"pin({"finding":7,"department":"103","requested_by":"監査 一郎","requested_at":"2024-10-02T00:00:00Z","answer":"","answered_by":"","answered_at":"","note":"","linked_finding":0})pin";
const std::string kCheckAnswered =
    R"pin({"finding":7,"department":"103","requested_by":"監査 一郎","requested_at":"2024-10-02T00:00:00Z","answer":"same_issue_found","answered_by":"田中","answered_at":"2024-10-03T00:00:00Z","note":"同様","linked_finding":8})pin";

Finding sample_finding() {
  Finding f;
  f.id = 7;
  f.cycle = 3;
  f.department = "101";
  f.items = {"6.1.a", "6.2"};
  f.severity = Severity::major_nonconformity;
  f.state = FindingState::remediation_reported;
  f.condition = "ログを\"確認\"していない\n二行目";
  f.criterion = "6(1)ア ログを確認する";
  f.evidence = "聞き取り\\記録";
  f.recommendation = "週次で確認する";
  f.due = Date{2025, 3, 31};
  f.raised_by = "監査 一郎";
  f.raised_at = "2024-10-01T01:02:03Z";
  f.source_finding = 2;
  f.promoted_from = 1;
  f.remediated_by = "佐藤 花子";
  f.updated_at = "2024-11-01T00:00:00Z";
  f.checks_open = 1;
  f.checks_total = 4;
  return f;
}

ExceptionRecord sample_exception() {
  ExceptionRecord e;
  e.id = 5;
  e.department = "102";
  e.item = "8.1.b";
  e.system = "人事給与";
  e.reason = "更新中";
  e.compensating_measure = "手作業で\t確認";
  e.start = Date{2025, 1, 1};
  e.end = Date{2025, 6, 30};
  e.emergency = true;
  e.status = ExceptionStatus::reported;
  e.requested_by = "鈴木";
  e.requested_at = "2025-01-01T00:00:00Z";
  e.decided_by = "";
  e.decided_at = "";
  e.decision_note = "事後報告";
  e.reported_at = "2025-01-03T09:00:00Z";
  return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(finding_state_is_pinned) { BOOST_TEST(detail::finding_state(sample_finding()) == kFinding); }

BOOST_AUTO_TEST_CASE(exception_state_is_pinned) {
  BOOST_TEST(detail::exception_state(sample_exception()) == kException);
}

BOOST_AUTO_TEST_CASE(person_state_is_pinned) {
  const Person p{"監査 一郎", "201", {"auditor", "chief_auditor"}};
  BOOST_TEST(detail::person_state(p) == kPerson);
}

BOOST_AUTO_TEST_CASE(transition_state_is_pinned) {
  const Transition t{
      9,     7, FindingState::in_remediation, FindingState::remediation_reported, "佐藤 花子", "2024-11-01T00:00:00Z",
      "報告"};
  BOOST_TEST(detail::transition_state(t) == kTransition);
}

BOOST_AUTO_TEST_CASE(check_state_is_pinned) {
  CheckRequest c{4, 7, "103", "監査 一郎", "2024-10-02T00:00:00Z", std::nullopt, "", "", "", 0};
  BOOST_TEST(detail::check_state(c) == kCheckOpen);
  c.answer = CheckAnswer::same_issue_found;
  c.answered_by = "田中";
  c.answered_at = "2024-10-03T00:00:00Z";
  c.note = "同様";
  c.linked_finding = 8;
  BOOST_TEST(detail::check_state(c) == kCheckAnswered);
}

// The generated column lists are the ones the hand-written SELECTs had.
BOOST_AUTO_TEST_CASE(select_lists_match_the_tables) {
  BOOST_TEST(std::string(detail::select_sql<Finding>()) ==
             "SELECT id, cycle, department, items, severity, state, condition, criterion, evidence, recommendation, "
             "due, raised_by, raised_at, source_finding, promoted_from, remediated_by, updated_at FROM findings");
  BOOST_TEST(std::string(detail::select_sql<ExceptionRecord>(" WHERE id = ?")) ==
             "SELECT id, department, item, system, reason, compensating_measure, start, end, emergency, status, "
             "requested_by, requested_at, decided_by, decided_at, decision_note, reported_at FROM exceptions "
             "WHERE id = ?");
  BOOST_TEST(std::string(detail::select_sql<Person>()) == "SELECT name, department, roles FROM people");
  BOOST_TEST(std::string(detail::select_sql<Transition>()) ==
             "SELECT id, finding, from_state, to_state, by, at, note FROM finding_transitions");
  BOOST_TEST(std::string(detail::select_sql<CheckRequest>()) ==
             "SELECT id, finding, department, requested_by, requested_at, answer, answered_by, answered_at, note, "
             "linked_finding FROM check_requests");
  // One text per suffix, of static storage (Db::prepare caches statements by address).
  BOOST_TEST(detail::select_sql<Finding>(" WHERE id = ?") == detail::select_sql<Finding>(" WHERE id = ?"));
}

// A field added later (kAdded) stays out of the state while it has its default, so the states of
// rows written before it existed do not change.
struct Probe {
  std::int64_t id = 0;
  std::string name;
  std::string added;
};

template <>
struct libaudit::fields::Entity<Probe> {
  static constexpr std::string_view table = "probes";
  static constexpr auto fields = std::make_tuple(field<kKey>("id", &Probe::id), field("name", &Probe::name),
                                                 field<kAdded>("added", &Probe::added));
};

BOOST_AUTO_TEST_CASE(an_added_field_keeps_older_states) {
  BOOST_TEST(detail::state_of(Probe{1, "x", ""}) == R"({"name":"x"})");
  BOOST_TEST(detail::state_of(Probe{1, "x", "y"}) == R"({"name":"x","added":"y"})");
  BOOST_TEST(std::string(detail::select_sql<Probe>()) == "SELECT id, name, added FROM probes");
  BOOST_TEST(fields::count<Probe>(fields::kColumn) == 3u);
  BOOST_TEST(fields::count<Probe>(fields::kState) == 2u);
}

BOOST_AUTO_TEST_CASE(listing_the_findings_of_a_missing_cycle_is_not_found) {
  Store s = Store::open(":memory:");
  FindingFilter f;
  f.cycle = 42;
  BOOST_CHECK_THROW(Findings(s).list(f), NotFoundError);
  BOOST_TEST(Findings(s).list().empty());
}
