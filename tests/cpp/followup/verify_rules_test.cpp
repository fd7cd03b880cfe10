// verify() replays the rules (#14; docs/store.md, "verify replays the rules"): stores built by
// the library's own calls verify with no problem, and records forged with correct hashes (the
// chain intact, every row equal to its last record) that break a rule are "forged" problems
// naming the rule, the record and its actor.
#define BOOST_TEST_MODULE verify_rules

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "followup/world.h"
#include "libaudit/base/messages.h"
#include "libaudit/followup/findings.h"
#include "store/access.h"
#include "store/store_internal.h"
#include "store/verify.h"
#include "test_support.h"
#include "trail_forge.h"

using namespace libaudit;
using libaudit::testing::TempDb;
using libaudit::testing::World;
using S = FindingState;

namespace {

// The problems are asserted in Japanese: the catalogue in use for every case.
struct Japanese {
  Japanese() { use_catalog(LIBAUDIT_MO_JA); }
  ~Japanese() { use_no_catalog(); }
};
BOOST_TEST_GLOBAL_FIXTURE(Japanese);

// Appends a trail record that continues the chain; returns its seq (trail_forge.h).
std::int64_t forge(const TempDb& db, const std::string& actor, const std::string& entity, const std::string& key,
                   const std::string& action, const std::string& state,
                   const std::string& at = "2026-12-02T00:00:00Z") {
  return testing::forge_record(db, actor, entity, key, action, state, at);
}

// The last trail state of entity `entity` key `key`.
std::string last_state(Store& s, const std::string& entity, const std::string& key) {
  std::string state;
  for (const TrailRecord& r : s.trail())
    if (r.entity == entity && r.key == key) state = r.state;
  BOOST_REQUIRE(!state.empty());
  return state;
}

// Writes an answer of 課 12 to 8.1 in cycle `c` behind the store's back, with a responses batch
// record of 課長12 for it; returns the record's seq.
std::int64_t forge_answer_of_12(const TempDb& db, const std::string& c) {
  db.exec(
      "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
      "VALUES (" +
      c + ", (SELECT id FROM departments WHERE code = '12'), '8.1', 'implemented', '', '', '課長12', 'T')");
  return forge(db, "課長12", "responses", c, "batch",
               R"({"cycle":)" + c +
                   R"(,"answered_by":"課長12","answered_at":"T","rows":[["12","8.1","insert","implemented","",""]]})");
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::vector<Problem> forged(const VerifyReport& r) {
  std::vector<Problem> out;
  for (const Problem& p : r.problems)
    if (p.kind == "forged") out.push_back(p);
  return out;
}

std::string all(const VerifyReport& r) {
  std::string out;
  for (const Problem& p : r.problems) out += p.to_string() + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stores_the_library_writes_verify_with_no_problem) {
  TempDb db("verify_rules_legit.db");
  World w(db.path);
  Findings f(w.s);
  Exceptions x(w.s);
  // A finding walked through every step, each by a person allowed to make it.
  const std::int64_t a = w.raise("12");
  f.move("課長12", a, S::plan_submitted, "計画");
  f.move("部長1", a, S::in_remediation);  // the 部's security_officer
  f.move("課長12", a, S::remediation_reported);
  f.move("監査A", a, S::in_remediation, "差戻し");
  f.move("課長12", a, S::remediation_reported);
  f.move("監査B", a, S::verified);
  f.move("CISO", w.raise("13"), S::risk_accepted);
  // 横展開, answered with the same issue (a new open finding by the 課's manager).
  const std::int64_t b = w.raise("11");
  f.spread("統括", b, {"12", "13"});
  for (const CheckRequest& c : f.checks(b))
    f.answer_check(c.department == "12" ? "課長12" : "課長13", c.id,
                   c.department == "12" ? CheckAnswer::checked_no_issue : CheckAnswer::same_issue_found, "同様");
  // Drafts promoted from the self-inspection, one confirmed and one discarded.
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"13", "8.1", "not_implemented"}});
  const auto drafts = f.promote("監査A", w.self_cycle, w.audit).created;
  BOOST_TEST_REQUIRE(drafts.size() == 2u);
  f.move("監査B", drafts[0], S::open);
  f.move("監査B", drafts[1], S::discarded);
  // Exceptions: approved, rejected, and an emergency one reported and then approved.
  const Date start{2025, 4, 1}, end{2025, 9, 30};
  x.approve("CISO", x.request("課長12", {"12", "8.1", "", "更改中", "目視確認", start, end}), "了承");
  x.reject("CISO", x.request("課長11", {"11", "8.1", "", "理由", "", start, end}));
  const std::int64_t e = x.request("課長13", {"13", "8.1", "", "障害対応", "記録", start, end, true});
  x.report("課長13", e);
  x.approve("CISO", e);
  w.s.close_cycle("t", w.self_cycle);
  const VerifyReport r = w.s.verify();
  BOOST_TEST(r.problems.empty(), all(r));
}

BOOST_AUTO_TEST_CASE(a_finding_set_verified_in_sql_with_a_hashed_record_is_forged) {
  TempDb db("verify_rules_finding.db");
  World w(db.path);
  People(w.s).put("t", {"監査 一郎", "21", {"auditor"}});
  const std::int64_t id = w.raise("11");
  BOOST_TEST_REQUIRE(w.s.verify().ok());
  const std::string key = std::to_string(id);
  db.exec("UPDATE findings SET state = 'verified' WHERE id = " + key);
  const std::int64_t seq =
      forge(db, "監査 一郎", "finding", key, "update",
            replace(last_state(w.s, "finding", key), "\"state\":\"open\"", "\"state\":\"verified\""));
  const VerifyReport r = w.s.verify();
  BOOST_TEST_REQUIRE(r.problems.size() == 1u, all(r));  // the chain and the rows agree: only the rule
  BOOST_TEST(r.problems[0].table == "trail");
  BOOST_TEST(r.problems[0].key == std::to_string(seq));
  BOOST_TEST(r.problems[0].kind == "forged");
  BOOST_TEST(r.problems[0].detail == "記録 " + std::to_string(seq) + ": 指摘 " + key +
                                         " の状態 open → verified は状態遷移表にない遷移で、遷移の記録もない（実行者 "
                                         "監査 一郎）");
}

BOOST_AUTO_TEST_CASE(a_legal_move_forged_for_someone_without_the_role_is_forged) {
  TempDb db("verify_rules_role.db");
  World w(db.path);
  const std::int64_t id = w.raise("11");
  const std::string key = std::to_string(id);
  const std::string at = "2026-12-02T01:00:00.000000Z";
  db.exec("UPDATE findings SET state = 'plan_submitted', updated_at = '" + at + "' WHERE id = " + key);
  db.exec("INSERT INTO finding_transitions(finding, from_state, to_state, by, at, note) VALUES (" + key +
          ", 'open', 'plan_submitted', '監査B', '" + at + "', '')");
  std::string st = replace(last_state(w.s, "finding", key), "\"state\":\"open\"", "\"state\":\"plan_submitted\"");
  st = st.substr(0, st.find("\"updated_at\":")) + "\"updated_at\":\"" + at + "\"}";
  forge(db, "監査B", "finding", key, "update", st, at);
  const std::int64_t t = forge(
      db, "監査B", "finding_transition", "1", "insert",
      R"({"finding":)" + key + R"(,"from":"open","to":"plan_submitted","by":"監査B","at":")" + at + R"(","note":""})",
      at);
  const VerifyReport r = w.s.verify();
  BOOST_TEST_REQUIRE(r.problems.size() == 1u, all(r));
  BOOST_TEST(r.problems[0].key == std::to_string(t));
  BOOST_TEST(r.problems[0].detail == "記録 " + std::to_string(t) + ": 指摘 " + key +
                                         " の状態 open → plan_submitted の遷移は認められない: 監査B（役割 "
                                         "auditor）はこの遷移の役割（security_manager か security_officer）を持たない");
}

BOOST_AUTO_TEST_CASE(an_exception_approved_by_someone_not_the_ciso_is_forged) {
  TempDb db("verify_rules_exception.db");
  World w(db.path);
  Exceptions x(w.s);
  const std::int64_t id = x.request("課長12", {"12", "8.1", "", "更改中", "目視確認", {2025, 4, 1}, {2025, 9, 30}});
  const std::string key = std::to_string(id);
  db.exec("UPDATE exceptions SET status = 'approved', decided_by = '課長12' WHERE id = " + key);
  std::string st = replace(last_state(w.s, "exception", key), "\"status\":\"requested\"", "\"status\":\"approved\"");
  st = replace(st, "\"decided_by\":\"\"", "\"decided_by\":\"課長12\"");
  const std::int64_t seq = forge(db, "課長12", "exception", key, "update", st);
  // Made CISO afterwards: the rule judges the person as of the record.
  People(w.s).put("t", {"課長12", "12", {"ciso", "security_manager", "system_administrator"}});
  const VerifyReport r = w.s.verify();
  BOOST_TEST_REQUIRE(r.problems.size() == 1u, all(r));
  BOOST_TEST(r.problems[0].detail == "記録 " + std::to_string(seq) + ": 例外措置 " + key +
                                         " を approved にした 課長12（役割 security_manager "
                                         "system_administrator）は ciso ではない");
}

BOOST_AUTO_TEST_CASE(a_responses_batch_into_a_closed_cycle_is_forged) {
  TempDb db("verify_rules_closed.db");
  World w(db.path);
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "implemented"}});
  w.s.close_cycle("t", w.self_cycle);
  const std::string c = std::to_string(w.self_cycle);
  const std::int64_t seq = forge_answer_of_12(db, c);
  const VerifyReport r = w.s.verify();
  BOOST_TEST_REQUIRE(r.problems.size() == 1u, all(r));
  BOOST_TEST(r.problems[0].kind == "forged");
  BOOST_TEST(r.problems[0].detail == "記録 " + std::to_string(seq) + ": 回答の一括記録がサイクル " + c +
                                         " に書かれているが、サイクルはその時点で closed "
                                         "だった（回答を受け付けるのは open のみ）（実行者 課長12）");
}

BOOST_AUTO_TEST_CASE(a_responses_batch_for_a_department_the_cycle_does_not_target_is_forged) {
  TempDb db("verify_rules_target.db");
  World w(db.path);
  const std::int64_t id =
      w.s.create_cycle("t", CycleSpec{"一部", CycleKind::self_inspection, 2024, w.checklist, {"11"}});
  w.s.open_cycle("t", id);
  w.s.import_responses("t", id, {{"11", "8.1", "implemented"}});
  const std::string c = std::to_string(id);
  db.exec("INSERT INTO cycle_departments(cycle, department) VALUES (" + c +
          ", (SELECT id FROM departments WHERE code = '12'))");
  const std::int64_t seq = forge_answer_of_12(db, c);
  const std::vector<Problem> p = forged(w.s.verify());
  BOOST_TEST_REQUIRE(p.size() == 1u);
  BOOST_TEST(p[0].detail ==
             "記録 " + std::to_string(seq) + ": サイクル " + c + " の対象でない課 12 の回答がある（実行者 課長12）");
}

BOOST_AUTO_TEST_CASE(cycle_status_changes_replay_against_the_lifecycle) {
  TempDb db("verify_rules_cycle.db");
  World w(db.path);
  w.s.close_cycle("t", w.self_cycle);
  const std::string c = std::to_string(w.self_cycle);
  const std::string open = replace(last_state(w.s, "cycle", c), "\"status\":\"closed\"", "\"status\":\"open\"");
  db.exec("UPDATE cycles SET status = 'open' WHERE id = " + c);
  // Reopened without a reopening record.
  const std::int64_t bare = forge(db, "t", "cycle", c, "update", open, "2026-12-02T02:00:00Z");
  // Closed and reopened again with one, by an auditor: the store accepts the status change; the
  // follow-up rules refuse the person.
  const std::string closed = replace(open, "\"status\":\"open\"", "\"status\":\"closed\"");
  forge(db, "t", "cycle", c, "update", closed, "2026-12-02T03:00:00Z");
  const std::string at = "2026-12-02T04:00:00Z";
  const std::int64_t reopening = forge(db, "監査A", "reopening", c + "/1", "insert",
                                       R"({"cycle":)" + c + R"(,"number":1,"reason":"回答の訂正","by":"監査A"})", at);
  forge(db, "監査A", "cycle", c, "update", open, at);
  // planned -> closed.
  const std::int64_t id = w.s.create_cycle("t", CycleSpec{"次", CycleKind::internal_audit, 2025, w.checklist, {}});
  const std::string k = std::to_string(id);
  db.exec("UPDATE cycles SET status = 'closed' WHERE id = " + k);
  const std::int64_t skip =
      forge(db, "t", "cycle", k, "update",
            replace(last_state(w.s, "cycle", k), "\"status\":\"planned\"", "\"status\":\"closed\""));
  const std::vector<Problem> p = forged(w.s.verify());
  BOOST_TEST_REQUIRE(p.size() == 3u);
  BOOST_TEST(p[0].detail == "記録 " + std::to_string(bare) + ": サイクル " + c +
                                " の状態 closed → open に再開（reopening）の記録がない（実行者 t）");
  BOOST_TEST(p[1].detail == "記録 " + std::to_string(reopening) + ": サイクル " + c +
                                " を再開した 監査A（役割 auditor）は chief_auditor でも ciso でもない");
  BOOST_TEST(p[2].detail ==
             "記録 " + std::to_string(skip) + ": サイクル " + k +
                 " の状態 planned → closed は認められない遷移（planned → open、open → closed、再開の記録を伴う "
                 "closed → open のみ）（実行者 t）");
}

BOOST_AUTO_TEST_CASE(a_finding_inserted_closed_and_a_transition_without_its_move_are_forged) {
  TempDb db("verify_rules_insert.db");
  World w(db.path);
  const std::int64_t id = w.raise("11");
  const std::string key = std::to_string(id);
  const std::string st = replace(last_state(w.s, "finding", key), "\"state\":\"open\"", "\"state\":\"verified\"");
  db.exec(
      "INSERT INTO findings(cycle, department, items, severity, state, condition, criterion, evidence, "
      "recommendation, due, raised_by, raised_at, updated_at) SELECT cycle, department, items, severity, "
      "'verified', condition, criterion, evidence, recommendation, due, raised_by, raised_at, updated_at FROM "
      "findings WHERE id = " +
      key);
  const std::string copy = std::to_string(id + 1);
  const std::int64_t inserted = forge(db, "監査A", "finding", copy, "insert", st);
  db.exec("INSERT INTO finding_transitions(finding, from_state, to_state, by, at, note) VALUES (" + key +
          ", 'open', 'plan_submitted', '課長11', 'T', '')");
  const std::int64_t alone =
      forge(db, "課長11", "finding_transition", "1", "insert",
            R"({"finding":)" + key + R"(,"from":"open","to":"plan_submitted","by":"課長11","at":"T","note":""})",
            "2026-12-02T05:00:00Z");
  const VerifyReport r = w.s.verify();
  BOOST_TEST_REQUIRE(r.problems.size() == 2u, all(r));
  BOOST_TEST(r.problems[0].detail == "記録 " + std::to_string(inserted) + ": 指摘 " + copy +
                                         " が状態 verified で登録されている（登録時は open か draft）（実行者 監査A）");
  BOOST_TEST(r.problems[1].detail ==
             "記録 " + std::to_string(alone) + ": 指摘 " + key +
                 " の遷移 open → plan_submitted の記録に、対応する指摘の状態の変更がない（実行者 "
                 "課長11）");
}

namespace {
// What a RuleCheck saw: each group's first seq and entities, and the state before it of
// finding 1.
std::vector<std::pair<std::int64_t, std::string>> seen;
void record_groups(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::vector<Problem>&) {
  std::string entities;
  for (const schema::TrailEntry& r : g.records) entities += (entities.empty() ? "" : " ") + r.entity;
  const std::string* before = ctx.before("finding", "1");
  const bool open = before && before->find("\"state\":\"open\"") != std::string::npos;
  seen.emplace_back(g.records.front().seq, entities + (open ? " (finding 1 open before)" : ""));
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_rules_see_one_group_per_transaction_with_the_states_before_it) {
  World w;
  const std::int64_t id = w.raise("12");
  const std::int64_t head = w.head();
  Findings(w.s).move("課長12", id, S::plan_submitted);
  constexpr schema::Component probe{"probe", 99, {}, {}, {}, nullptr, nullptr, &record_groups};
  std::vector<Problem> problems;
  seen.clear();
  {
    const Store::Snapshot im(w.s);
    detail::verify::replay_rules(im.db, {&probe}, problems);
  }
  BOOST_TEST(problems.empty());
  BOOST_TEST_REQUIRE(seen.size() >= 3u);
  BOOST_TEST(seen.front().second.find("department department") == 0u);  // one import, one group
  BOOST_TEST(seen[seen.size() - 2].first == head);
  BOOST_TEST(seen[seen.size() - 2].second == "finding");
  BOOST_TEST(seen.back().first == head + 1);
  BOOST_TEST(seen.back().second == "finding finding_transition (finding 1 open before)");
}
