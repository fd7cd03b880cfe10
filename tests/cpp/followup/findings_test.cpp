// Findings and exceptions (findings.h): every allowed transition walked, every disallowed one
// refused with nothing written, separation of duties, overdue and expiry at day boundaries in
// Japan time, 横展開, promotion, verify on the new tables, and the migration of a schema-1 store.
// (Exceptions feeding the scores are in tests/cpp/scoring/scoring_test.cpp: that needs scoring.)
#define BOOST_TEST_MODULE findings
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "followup/world.h"
#include "libaudit/followup/findings.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;
using S = FindingState;
using libaudit::testing::World;

namespace {

// Who makes each transition in the walk (a person allowed to make it).
std::string actor_for(S from, S to) {
  if (to == S::risk_accepted) return "CISO";
  if (from == S::draft) return "監査B";
  if (from == S::remediation_reported) return "監査B";
  if (from == S::plan_submitted && to == S::in_remediation) return "部長1";
  return "課長11";
}

// Brings a fresh finding to `state` along allowed transitions.
std::int64_t finding_in(World& w, S state) {
  Findings f(w.s);
  if (state == S::draft || state == S::discarded) {
    Store& s = w.s;
    s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}});
    auto r = f.promote("監査A", w.self_cycle, w.audit);
    std::int64_t id = r.created.empty() ? 0 : r.created[0];
    if (!id) {  // already promoted once in this world: raise a fresh draft through another 課
      s.import_responses("t", w.self_cycle, {{"13", "8.1", "not_implemented"}});
      id = f.promote("監査A", w.self_cycle, w.audit).created.at(0);
    }
    if (state == S::discarded) f.move("監査B", id, S::discarded);
    return id;
  }
  const std::int64_t id = w.raise();
  const S path[] = {S::open, S::plan_submitted, S::in_remediation, S::remediation_reported, S::verified};
  if (state == S::risk_accepted) {
    f.move("CISO", id, S::risk_accepted);
    return id;
  }
  for (std::size_t k = 1; k < std::size(path) && path[k - 1] != state; ++k)
    f.move(actor_for(path[k - 1], path[k]), id, path[k]);
  return id;
}

}  // namespace

// to_string and the parsers of the store's and follow-up's enums read the label table by index
// (enum_id, enum_of): a value declared out of the order of its vocabulary fails here.
BOOST_AUTO_TEST_CASE(enums_spell_their_vocabulary_in_order) {
  const Answer answers[] = {Answer::implemented, Answer::partial, Answer::not_implemented, Answer::not_applicable,
                            Answer::unknown};
  const char* answer_ids[] = {"implemented", "partial", "not_implemented", "not_applicable", "unknown"};
  for (std::size_t i = 0; i < std::size(answers); ++i) {
    BOOST_TEST(to_string(answers[i]) == answer_ids[i]);
    BOOST_TEST((parse_answer(answer_ids[i]) == answers[i]));
    BOOST_TEST((parse_answer(answer_label(answers[i])) == answers[i]));
  }
  BOOST_TEST(!parse_answer("maybe").has_value());
  BOOST_TEST(to_string(CycleKind::internal_audit) == "internal_audit");
  BOOST_TEST((parse_cycle_kind("外部監査") == CycleKind::external_audit));
  BOOST_TEST(to_string(CycleStatus::closed) == "closed");
  BOOST_TEST(to_string(Severity::minor_nonconformity) == "minor_nonconformity");
  BOOST_TEST((parse_severity("推奨事項") == Severity::recommendation));
  BOOST_TEST(to_string(S::remediation_reported) == "remediation_reported");
  BOOST_TEST((parse_finding_state("確認済(完了)") == S::verified));
  BOOST_TEST((parse_finding_state(" discarded ") == S::discarded));
  BOOST_TEST(to_string(ExceptionStatus::taken) == "taken");
  BOOST_TEST(exception_status_label(ExceptionStatus::reported) == "緊急実施(報告済)");
  BOOST_CHECK_THROW(parse_finding_state("done"), ValidationError);
}

BOOST_AUTO_TEST_CASE(the_table_is_the_issue_paragraph) {
  std::set<std::pair<S, S>> edges;
  for (const TransitionRule& r : transition_rules()) edges.emplace(r.from, r.to);
  const std::set<std::pair<S, S>> want = {{S::open, S::plan_submitted},
                                          {S::plan_submitted, S::in_remediation},
                                          {S::in_remediation, S::remediation_reported},
                                          {S::remediation_reported, S::verified},
                                          {S::open, S::risk_accepted},
                                          {S::plan_submitted, S::risk_accepted},
                                          {S::remediation_reported, S::in_remediation},
                                          {S::draft, S::open},
                                          {S::draft, S::discarded}};
  BOOST_TEST((edges == want));
  for (const TransitionRule& r : transition_rules())
    if (r.to == S::risk_accepted) BOOST_TEST((r.roles.size() == 1 && r.roles[0] == "ciso"));
}

BOOST_AUTO_TEST_CASE(every_allowed_transition) {
  World w;
  Findings f(w.s);
  for (const TransitionRule& r : transition_rules()) {
    const std::int64_t id = finding_in(w, r.from);
    BOOST_REQUIRE(f.get(id).state == r.from);
    f.move(actor_for(r.from, r.to), id, r.to, "note");
    BOOST_TEST((f.get(id).state == r.to));
    const auto h = f.history(id);
    BOOST_TEST((h.back().from == r.from && h.back().to == r.to && h.back().note == "note"));
  }
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(every_disallowed_transition_fails_and_writes_nothing) {
  World w;
  Findings f(w.s);
  const S all[] = {S::draft,    S::open,          S::plan_submitted, S::in_remediation, S::remediation_reported,
                   S::verified, S::risk_accepted, S::discarded};
  std::set<std::pair<S, S>> allowed;
  for (const TransitionRule& r : transition_rules()) allowed.emplace(r.from, r.to);
  int tried = 0;
  for (S from : all) {
    const std::int64_t id = finding_in(w, from);
    for (S to : all) {
      if (allowed.count({from, to})) continue;
      const auto before = w.s.trail();
      // Even the CISO and the chief auditor cannot make a move the machine does not have.
      for (const char* who : {"CISO", "統括", "課長11", "監査B"})
        BOOST_CHECK_THROW(f.move(who, id, to), TransitionError);
      BOOST_TEST(w.s.trail().size() == before.size());
      BOOST_TEST((f.get(id).state == from));
      ++tried;
    }
  }
  BOOST_TEST(tried == 64 - 9);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(roles_and_separation_of_duties) {
  World w;
  Findings f(w.s);
  // Raising against one's own 課 fails (兼務の禁止); a non-auditor cannot raise.
  BOOST_CHECK_THROW(
      f.raise("監査11", FindingSpec{w.audit, "11", {"8.1"}, Severity::observation, "x", "", "", {2025, 3, 31}}),
      RoleError);
  BOOST_CHECK_THROW(
      f.raise("課長12", FindingSpec{w.audit, "11", {"8.1"}, Severity::observation, "x", "", "", {2025, 3, 31}}),
      RoleError);
  BOOST_CHECK_THROW(
      f.raise("nobody", FindingSpec{w.audit, "11", {"8.1"}, Severity::observation, "x", "", "", {2025, 3, 31}}),
      NotFoundError);
  BOOST_CHECK_THROW(
      f.raise("監査A", FindingSpec{w.self_cycle, "11", {"8.1"}, Severity::observation, "x", "", "", {2025, 3, 31}}),
      CycleStateError);
  BOOST_TEST(f.list().empty());
  const std::int64_t id = w.raise("11");
  BOOST_TEST(f.get(id).criterion == "8(1) 被監査部門は、監査の実施に協力しなければならない。");
  const auto n = w.s.trail().size();
  BOOST_CHECK_THROW(f.move("課長12", id, S::plan_submitted), RoleError);  // another 課's manager
  BOOST_CHECK_THROW(f.move("監査A", id, S::plan_submitted), RoleError);   // an auditor
  BOOST_CHECK_THROW(f.move("監査A", id, S::risk_accepted), RoleError);    // only the CISO
  BOOST_TEST(w.s.trail().size() == n);
  f.move("部長1", id, S::plan_submitted);  // the 部's security_officer acts for its 課
  f.move("課長11", id, S::in_remediation);
  // The remediator, if also an auditor, cannot verify: give 監査B the manager role of 11 too.
  People(w.s).put("t", {"監査B", "11", {"auditor", "security_manager"}});
  f.move("監査B", id, S::remediation_reported);
  BOOST_TEST(f.get(id).remediated_by == "監査B");
  BOOST_CHECK_THROW(f.move("監査11", id, S::verified), RoleError);  // of the 課
  BOOST_CHECK_THROW(f.move("監査B", id, S::verified), RoleError);   // the remediator (and of the 課)
  People(w.s).put("t", {"監査B", "21", {"auditor", "security_manager"}});
  BOOST_CHECK_THROW(f.move("監査B", id, S::verified), RoleError);  // still the remediator
  BOOST_CHECK_THROW(f.move("監査B", id, S::in_remediation), RoleError);
  f.move("監査A", id, S::verified, "確認した");
  BOOST_TEST((f.get(id).state == S::verified));
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(japan_dates_and_overdue_at_day_boundaries) {
  BOOST_TEST(japan_date_of("2025-03-31T14:59:59Z").to_string() == "2025-03-31");  // 23:59:59 JST
  BOOST_TEST(japan_date_of("2025-03-31T15:00:00Z").to_string() == "2025-04-01");  // 00:00 JST
  BOOST_TEST(japan_date_of("2025-03-31T23:59:00+09:00").to_string() == "2025-03-31");
  BOOST_TEST(japan_date_of("2024-12-31T15:00:00.000001Z").to_string() == "2025-01-01");
  using namespace std::chrono;
  const sys_days d = sys_days{2024y / 2 / 28};
  BOOST_TEST(japan_date(system_clock::time_point(d + 14h + 59min)).to_string() == "2024-02-28");
  BOOST_TEST(japan_date(system_clock::time_point(d + 15h)).to_string() == "2024-02-29");
  BOOST_TEST(days_between(Date{2024, 2, 28}, Date{2024, 3, 1}) == 2);

  World w;
  Findings f(w.s);
  const std::int64_t a = w.raise("11", {2025, 3, 31});
  const std::int64_t b = w.raise("12", {2025, 3, 30});
  const std::int64_t c = w.raise("12", {2025, 3, 1});
  f.move("CISO", c, S::risk_accepted);  // closed: never overdue
  const Date before = japan_date_of("2025-03-31T14:59:00Z"), after = japan_date_of("2025-03-31T15:00:00Z");
  auto ids = [](const std::vector<OverdueFinding>& v) {
    std::vector<std::int64_t> out;
    for (const auto& o : v) out.push_back(o.finding.id);
    return out;
  };
  BOOST_TEST(ids(f.overdue(before)) == std::vector<std::int64_t>{b});
  BOOST_TEST(ids(f.overdue(after)) == (std::vector<std::int64_t>{b, a}));
  BOOST_TEST(f.overdue(after)[0].days == 2);
  BOOST_TEST(f.overdue(after)[1].days == 1);
  const auto groups = f.overdue_by_department(after);
  BOOST_REQUIRE(groups.size() == 2);
  BOOST_TEST(groups[0].department == "11");  // 1 each: by code
  BOOST_TEST(groups[1].department == "12");
  BOOST_TEST(groups[1].oldest_days == 2);
  FindingFilter overdue_only;
  overdue_only.overdue_only = true;
  BOOST_TEST(f.list(overdue_only, before).size() == 1);
}

BOOST_AUTO_TEST_CASE(spread_to_several_departments_with_mixed_answers) {
  World w;
  Findings f(w.s);
  const std::int64_t id = w.raise("11");
  // 8.1 applies to every 課: all the others (12, 13, 21).
  const auto reqs = f.spread("統括", id);
  BOOST_TEST(reqs.size() == 3u);
  BOOST_TEST(f.spread("統括", id).empty());  // asked already
  BOOST_TEST(f.get(id).checks_open == 3u);
  const auto checks = f.checks(id);
  BOOST_TEST(checks[0].department == "12");
  BOOST_CHECK_THROW(f.answer_check("課長13", checks[0].id, CheckAnswer::checked_no_issue), RoleError);
  BOOST_TEST(f.answer_check("課長12", checks[0].id, CheckAnswer::checked_no_issue) == 0);
  BOOST_CHECK_THROW(f.answer_check("課長12", checks[0].id, CheckAnswer::same_issue_found), TransitionError);
  const std::int64_t linked = f.answer_check("課長13", checks[1].id, CheckAnswer::same_issue_found, "同様");
  BOOST_TEST(linked > 0);
  const Finding l = f.get(linked);
  BOOST_TEST(l.department == "13");
  BOOST_TEST(l.source_finding == id);
  BOOST_TEST((l.state == S::open));
  BOOST_TEST(l.condition == "横展開（指摘 " + std::to_string(id) + "）: 同様の問題あり: 同様");
  BOOST_TEST(f.get(id).checks_open == 1u);
  BOOST_TEST(f.get(id).checks_total == 3u);
  // A system-owners item spreads only to 課 owning a system (12).
  const std::int64_t sys = Findings(w.s).raise(
      "監査A", FindingSpec{w.audit, "11", {"8.2"}, Severity::observation, "手順なし", "", "", {2025, 3, 31}});
  BOOST_TEST(f.spread("統括", sys).size() == 1u);
  BOOST_TEST(f.checks(sys)[0].department == "12");
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(check_answers_are_the_vocabulary) {
  BOOST_TEST(check_answer_label(CheckAnswer::checked_no_issue) == "問題なし");
  BOOST_TEST(check_answer_label(CheckAnswer::same_issue_found) == "同様の問題あり");
  BOOST_TEST((parse_check_answer("checked_no_issue") == CheckAnswer::checked_no_issue));
  BOOST_TEST((parse_check_answer(" 問題なし ") == CheckAnswer::checked_no_issue));
  BOOST_TEST((parse_check_answer("同様の問題あり") == CheckAnswer::same_issue_found));
  BOOST_TEST((parse_check_answer("same_issue_found") == CheckAnswer::same_issue_found));
  try {
    parse_check_answer("たぶん");
    BOOST_FAIL("expected ValidationError");
  } catch (const ValidationError& e) {
    BOOST_TEST(e.diagnostics().at(0).message == "unknown check answer 'たぶん' (checked_no_issue, same_issue_found)");
  }
}

BOOST_AUTO_TEST_CASE(promotion_from_a_self_inspection) {
  World w;
  w.s.import_responses("t", w.self_cycle,
                       {{"11", "8.1", "not_implemented"},
                        {"12", "8.1", "partial"},
                        {"12", "8.2", "not_implemented"},
                        {"13", "8.1", "implemented"}});
  Findings f(w.s);
  auto r = f.promote("監査A", w.self_cycle, w.audit);
  BOOST_TEST(r.created.size() == 2u);
  for (std::int64_t id : r.created) BOOST_TEST((f.get(id).state == S::draft));
  BOOST_TEST(f.get(r.created[0]).condition ==
             "自己点検（実施回 " + std::to_string(w.self_cycle) + "）の回答: 実施していない");
  BOOST_TEST(f.overdue(Date{2030, 1, 1}).empty());  // drafts are never overdue
  r = f.promote("監査A", w.self_cycle, w.audit, PromoteOptions{true, {}});
  BOOST_TEST(r.created.size() == 1u);  // only the partial one is new
  BOOST_TEST(r.skipped == 2u);
  BOOST_TEST((f.get(r.created[0]).severity == Severity::observation));
  BOOST_TEST(f.get(r.created[0]).condition ==
             "自己点検（実施回 " + std::to_string(w.self_cycle) + "）の回答: 一部実施している");
  BOOST_TEST(f.get(r.created[0]).due.to_string() == "2025-03-31");
  BOOST_CHECK_THROW(f.promote("課長11", w.self_cycle, w.audit), RoleError);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(verify_catches_tampering_with_findings_and_transitions) {
  TempDb db("libaudit_findings_tamper.db");
  {
    World w(db.path);
    const std::int64_t id = w.raise();
    Findings(w.s).move("課長11", id, S::plan_submitted, "計画");
    BOOST_TEST(w.s.verify().ok());
  }
  db.exec("UPDATE findings SET severity = 'observation' WHERE id = 1");
  db.exec("UPDATE finding_transitions SET note = '改ざん' WHERE id = 1");
  db.exec(
      "INSERT INTO exceptions(department, item, system, reason, compensating_measure, start, end, emergency, "
      "status, requested_by, requested_at) VALUES "
      "('11','8.1','','x','','2025-01-01','2025-12-31',0,'approved','x','x')");
  Store s = Store::open(db.path);
  const VerifyReport r = s.verify();
  BOOST_TEST(r.problems.size() == 3u);
  std::set<std::string> tables;
  for (const Problem& p : r.problems) tables.insert(p.table + ":" + p.kind);
  BOOST_TEST(tables.count("findings:altered"));
  BOOST_TEST(tables.count("finding_transitions:altered"));
  BOOST_TEST(tables.count("exceptions:inserted"));
}

BOOST_AUTO_TEST_CASE(a_schema_1_store_migrates) {
  TempDb db("libaudit_findings_migrate.db");
  {
    Store s = Store::open(db.path);
    s.import_departments("t", {{Department{"11", "総務課", "", "", ""}, 2}});
  }
  // What a libaudit of schema 1 wrote: none of the follow-up tables.
  db.exec(
      "DROP TABLE people; DROP TABLE findings; DROP TABLE finding_transitions; DROP TABLE check_requests; "
      "DROP TABLE exceptions; DROP INDEX trail_seals; DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; "
      "ALTER TABLE cycles DROP COLUMN secretariat; DROP TABLE evidence; DROP TABLE evidence_settings; "
      "ALTER TABLE trail DROP COLUMN "
      "state_size; PRAGMA user_version = 1;");
  Store s = Store::open(db.path);
  BOOST_TEST(s.schema_version() == kStoreSchemaVersion);  // 4: per-component versions (was 3 before #12)
  BOOST_TEST(s.departments().size() == 1u);
  People(s).put("t", {"監査A", "11", {"auditor"}});
  BOOST_TEST(People(s).list().size() == 1u);
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(facades_on_a_const_store_only_read) {
  World w;
  const std::int64_t id = w.raise();
  const Store& cs = w.s;
  BOOST_TEST(Findings(cs).get(id).department == "11");
  BOOST_TEST(People(cs).list().size() == 9u);
  BOOST_TEST(Exceptions(cs).list().empty());
  const auto n = w.s.trail().size();
  BOOST_CHECK_THROW(Findings(cs).move("課長11", id, S::plan_submitted), StoreError);
  BOOST_CHECK_THROW(People(cs).put("t", {"x", "11", {}}), StoreError);
  BOOST_CHECK_THROW(Exceptions(cs).approve("CISO", 1), StoreError);
  BOOST_TEST(w.s.trail().size() == n);
}
