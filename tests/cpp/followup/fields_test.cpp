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
