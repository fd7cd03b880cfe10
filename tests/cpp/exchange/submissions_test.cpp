// Web submissions (submissions.h): a save by a person who answers for the 課 is stored through the
// import with the person as actor and answered_by and its source in the trail; another 課's
// person, rows of another 課 or of items not asked, a save after the submission are refused and
// write nothing; submit lists missing items; reopen needs the audit team and a reason; the
// collection status counts a web submission as a return; verify checks the table and its rules.
#define BOOST_TEST_MODULE submissions
#include "libaudit/exchange/submissions.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "exchange/exchange_world.h"
#include "libaudit/followup/findings.h"
#include "store/sqlite.h"
#include "store/store_internal.h"
#include "test_support.h"
#include "trail_forge.h"

using namespace libaudit;
using namespace libaudit::exchange;
using libaudit::testing::kActor;
using libaudit::testing::TempDb;

namespace {

const std::string kYaml = testing::kOperationsChecklistHead + testing::monitoring_item("7.1") +
                          testing::training_item("7.2") + testing::logging_item("7.3");

const std::string kManager = "佐藤 花子";  // security_manager of 101
const std::string kOther = "鈴木 一郎";    // security_manager of 102
const std::string kOfficer = "高橋 部長";  // security_officer of 部 100
const std::string kStaff = "山本 職員";    // staff of 101
const std::string kAuditor = "渡辺 監査";  // chief_auditor
const std::string kCiso = "伊藤 CISO";     // ciso

// Appends a trail record that continues the chain and runs `sql` in the same connection: a row
// written with a record that breaks a rule, as someone with the file could (trail_forge.h).
void forge(const TempDb& db, const std::string& actor, const std::string& entity, const std::string& key,
           const std::string& action, const std::string& state, const std::string& sql) {
  testing::forge_record(db, actor, entity, key, action, state, "2099-01-01T00:00:00.000000Z", sql);
}

// The details of the verify problems of kind "forged".
std::vector<std::string> forged(const VerifyReport& r) {
  std::vector<std::string> out;
  for (const Problem& p : r.problems)
    if (p.kind == "forged") out.push_back(p.detail);
  return out;
}

struct Fixture {
  TempDb db{"submissions_test"};
  Store store = Store::open(db.path);
  std::int64_t cycle = 0;
  Fixture() {
    testing::put_departments(store, {kManager, kOther});
    store.put_department(kActor, {"900", "監査室", "", "", "", true});
    People people(store);
    people.put(kActor, {kManager, "101", {"security_manager"}});
    people.put(kActor, {kOther, "102", {"security_manager"}});
    people.put(kActor, {kOfficer, "100", {"security_officer"}});
    people.put(kActor, {kStaff, "101", {"staff"}});
    people.put(kActor, {kAuditor, "900", {"chief_auditor"}});
    people.put(kActor, {kCiso, "900", {"ciso"}});
    const std::int64_t cl = store.import_checklist(kActor, Checklist::from_yaml(kYaml, "t.yaml"));
    cycle = store.create_cycle(kActor, {"令和6年度 自己点検", CycleKind::self_inspection, 2024, cl, {"101", "102"}});
    store.open_cycle(kActor, cycle);
  }
  ImportResult save(const std::string& who, const std::string& dept, const std::string& item,
                    const std::string& answer = "実施している") {
    return Submissions(store).save(who, cycle, dept, {ResponseRow{"", item, answer, "コメント", "規程", "", "", 1}});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_save_by_the_manager_is_stored_with_the_person_in_the_trail, Fixture) {
  const ImportResult r = save(kManager, "101", "7.1");
  BOOST_TEST(r.inserted == 1u);
  const std::vector<Response> rs = store.responses(cycle);
  BOOST_REQUIRE(rs.size() == 1u);
  BOOST_TEST(rs[0].answered_by == kManager);
  BOOST_TEST(rs[0].comment == "コメント");
  BOOST_TEST(rs[0].evidence == "規程");
  const TrailRecord last = store.trail().back();
  BOOST_TEST(last.actor == kManager);
  BOOST_TEST(last.entity == "responses");
  const std::vector<ResponseVersion> h = store.response_history(cycle, "101", "7.1");
  BOOST_REQUIRE(h.size() == 1u);
  BOOST_TEST(h[0].source == "web: 101 by " + kManager);
  BOOST_TEST(h[0].actor == kManager);
  // The 部's security_officer answers for its 課 too; saving the same again writes nothing.
  BOOST_TEST(save(kOfficer, "101", "7.2").inserted == 1u);
  const std::size_t n = store.trail().size();
  BOOST_TEST(save(kManager, "101", "7.1").unchanged == 1u);
  BOOST_TEST(store.trail().size() == n);
  BOOST_TEST(store.verify().ok());
}

BOOST_FIXTURE_TEST_CASE(another_departments_person_is_refused_and_nothing_is_written, Fixture) {
  const std::size_t n = store.trail().size();
  BOOST_CHECK_THROW(save(kOther, "101", "7.1"), RoleError);
  BOOST_CHECK_THROW(save(kStaff, "101", "7.1"), RoleError);          // of the 課, without the role
  BOOST_CHECK_THROW(save("誰か", "101", "7.1"), RoleError);          // not in the register
  BOOST_CHECK_THROW(save(kAuditor, "101", "7.1"), RoleError);        // the audit team answers for no 課
  BOOST_CHECK_THROW(save(kManager, "101", "7.3"), ValidationError);  // not asked: 101 owns no system
  BOOST_CHECK_THROW(save(kManager, "101", "9.9"), ValidationError);  // no such item
  BOOST_CHECK_THROW(save(kManager, "900", "7.1"), ValidationError);  // not a target
  BOOST_CHECK_THROW(save(kManager, "999", "7.1"), NotFoundError);
  BOOST_CHECK_THROW(
      Submissions(store).save(kManager, cycle, "101", {ResponseRow{"102", "7.1", "実施している", "", "", "", "", 1}}),
      ValidationError);                                                        // a row of another 課
  BOOST_CHECK_THROW(save(kManager, "101", "7.1", "たぶん"), ValidationError);  // not an answer
  BOOST_TEST(store.trail().size() == n);
  BOOST_TEST(store.responses(cycle).empty());
  BOOST_TEST(may_answer_for(People(store).get(kManager), store.department("101")));
  BOOST_TEST(!may_answer_for(People(store).get(kManager), store.department("102")));
  BOOST_TEST(may_answer_for(People(store).get(kOfficer), store.department("102")));
  BOOST_TEST(audit_team(People(store).get(kCiso)));
  BOOST_TEST(!audit_team(People(store).get(kManager)));
}

BOOST_FIXTURE_TEST_CASE(submit_lists_missing_items_then_the_department_is_read_only, Fixture) {
  save(kManager, "101", "7.1");
  try {
    Submissions(store).submit(kManager, cycle, "101");
    BOOST_FAIL("a submit with an unanswered item");
  } catch (const ValidationError& e) {
    BOOST_REQUIRE(e.diagnostics().size() == 2u);
    BOOST_TEST(e.diagnostics()[1].message.find("7.2") != std::string::npos);
  }
  BOOST_TEST(to_string(Submissions(store).state(cycle, "101")) == "open");
  save(kManager, "101", "7.2", "一部実施している");
  const Submission s = Submissions(store).submit(kManager, cycle, "101");
  BOOST_TEST(s.number == 1);
  BOOST_TEST(s.action == "submit");
  BOOST_TEST(s.by == kManager);
  BOOST_TEST(store.trail().back().entity == "questionnaire_submission");
  BOOST_TEST(to_string(Submissions(store).state(cycle, "101")) == "submitted");
  const std::size_t n = store.trail().size();
  try {
    save(kManager, "101", "7.1", "実施していない");
    BOOST_FAIL("a save after the submission");
  } catch (const CycleStateError& e) {
    BOOST_TEST(std::string(e.what()).find("reopen") != std::string::npos);
  }
  BOOST_CHECK_THROW(Submissions(store).submit(kManager, cycle, "101"), CycleStateError);
  BOOST_CHECK_THROW(Submissions(store).submit(kOther, cycle, "101"), RoleError);
  BOOST_TEST(store.trail().size() == n);
  BOOST_TEST(to_string(store.responses(cycle)[0].answer) == "implemented");
  BOOST_TEST(store.verify().ok());
}

BOOST_FIXTURE_TEST_CASE(reopen_needs_the_audit_team_and_a_reason, Fixture) {
  BOOST_CHECK_THROW(Submissions(store).reopen(kAuditor, cycle, "101", "訂正"), CycleStateError);  // not submitted
  save(kManager, "101", "7.1");
  save(kManager, "101", "7.2");
  Submissions(store).submit(kManager, cycle, "101");
  const std::size_t n = store.trail().size();
  try {
    Submissions(store).reopen(kManager, cycle, "101", "訂正");
    BOOST_FAIL("a reopening by the 課's own manager");
  } catch (const RoleError& e) {
    BOOST_TEST(std::string(e.what()).find(kManager + " cannot reopen") == 0u);
  }
  BOOST_CHECK_THROW(Submissions(store).reopen(kAuditor, cycle, "101", "  "), ValidationError);
  BOOST_TEST(store.trail().size() == n);
  const Submission r = Submissions(store).reopen(kCiso, cycle, "101", "7.2 の訂正");
  BOOST_TEST(r.number == 2);
  BOOST_TEST(r.action == "reopen");
  BOOST_TEST(r.reason == "7.2 の訂正");
  BOOST_TEST(to_string(Submissions(store).state(cycle, "101")) == "open");
  BOOST_TEST(save(kManager, "101", "7.2", "実施していない").updated == 1u);
  BOOST_TEST(Submissions(store).submit(kManager, cycle, "101").number == 3);
  BOOST_TEST(Submissions(store).list(cycle).size() == 3u);
  BOOST_TEST(store.verify().ok());
}

BOOST_FIXTURE_TEST_CASE(a_web_submission_is_a_return_in_the_collection_status, Fixture) {
  BOOST_CHECK_THROW(Submissions(store).send(kManager, cycle, "101", "2000-01-31"), RoleError);
  const ExportRecord e = Submissions(store).send(kAuditor, cycle, "101", "2000-01-31");
  BOOST_TEST(e.format == "web");
  BOOST_TEST(e.file == "web");
  Submissions(store).send(kAuditor, cycle, "102", "2099-12-31");
  CollectionStatus s = collection_status(store, cycle);
  BOOST_TEST(to_string(s.rows[0].status) == "overdue");
  BOOST_TEST(to_string(s.rows[0].progress) == "not_started");
  BOOST_TEST(to_string(s.rows[1].status) == "sent");
  save(kManager, "101", "7.1");
  s = collection_status(store, cycle);
  BOOST_TEST(to_string(s.rows[0].progress) == "in_progress");
  BOOST_TEST(s.rows[0].answered == 1u);
  BOOST_TEST(!s.rows[0].returned);  // a save is not a return
  BOOST_TEST(s.rows[0].changed == 1u);
  save(kManager, "101", "7.2");
  const Submission sub = Submissions(store).submit(kManager, cycle, "101");
  s = collection_status(store, cycle);
  BOOST_TEST(to_string(s.rows[0].status) == "returned_late");
  BOOST_TEST(to_string(s.rows[0].progress) == "submitted");
  BOOST_TEST(s.rows[0].submitted);
  BOOST_TEST(s.rows[0].returned_file == "web");
  BOOST_TEST(s.rows[0].returned_by == kManager);
  BOOST_TEST(s.rows[0].returned_at == sub.at);
  BOOST_TEST(s.totals.submitted == 1u);
  BOOST_TEST(s.totals.by_progress[static_cast<std::size_t>(Progress::submitted)] == 1u);
  Submissions(store).reopen(kAuditor, cycle, "101", "訂正");
  s = collection_status(store, cycle);
  BOOST_TEST(!s.rows[0].submitted);
  BOOST_TEST(s.rows[0].returned);  // the first submission stays the return
  BOOST_TEST(to_string(s.rows[0].progress) == "in_progress");
  // A 課 that returned a workbook (and never submitted on the web) has submitted its answers.
  ImportOptions o;
  o.trail_source = "questionnaires: 102.xlsx sha256:" + std::string(64, 'a') + " [102]";
  store.import_responses(kActor, cycle, {ResponseRow{"102", "7.1", "実施している", "", "", "", "", 1}}, o);
  s = collection_status(store, cycle);
  BOOST_TEST(to_string(s.rows[1].progress) == "submitted");
  BOOST_TEST(!s.rows[1].submitted);
}

BOOST_FIXTURE_TEST_CASE(verify_finds_a_tampered_submission, Fixture) {
  save(kManager, "101", "7.1");
  save(kManager, "101", "7.2");
  Submissions(store).submit(kManager, cycle, "101");
  BOOST_TEST(store.verify().ok());
  {
    sql::Db raw(db.path.string(), sql::OpenMode::write, 1000);
    raw.exec("UPDATE questionnaire_submissions SET by = '鈴木 一郎'");
  }
  const VerifyReport r = store.verify();
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.problems.front().table == "questionnaire_submissions");
  {
    sql::Db raw(db.path.string(), sql::OpenMode::write, 1000);
    raw.exec("DELETE FROM questionnaire_submissions");
  }
  BOOST_TEST(!store.verify().ok());
}

BOOST_FIXTURE_TEST_CASE(a_closed_cycle_takes_no_web_answers, Fixture) {
  store.close_cycle(kActor, cycle);
  BOOST_CHECK_THROW(save(kManager, "101", "7.1"), CycleStateError);
  BOOST_CHECK_THROW(Submissions(store).submit(kManager, cycle, "101"), CycleStateError);
  BOOST_CHECK_THROW(Submissions(store).send(kAuditor, cycle, "101", ""), CycleStateError);
}

BOOST_FIXTURE_TEST_CASE(verify_replays_the_rules_of_submissions_and_web_saves, Fixture) {
  save(kManager, "101", "7.1");
  save(kManager, "101", "7.2");
  // A submission of 101 written by 102's manager, the row to match.
  const std::string key = "[" + std::to_string(cycle) + ",\"101\",1]";
  const std::string state = "{\"cycle\":" + std::to_string(cycle) +
                            ",\"department\":\"101\",\"number\":1,\"action\":\"submit\",\"by\":\"" + kOther +
                            "\",\"at\":\"2099-01-01T00:00:00.000000Z\",\"reason\":\"\"}";
  forge(db, kOther, "questionnaire_submission", key, "insert", state,
        "INSERT INTO questionnaire_submissions VALUES (" + std::to_string(cycle) + ", '101', 1, 'submit', '" + kOther +
            "', '2099-01-01T00:00:00.000000Z', '')");
  VerifyReport r = store.verify();
  std::vector<std::string> f = forged(r);
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].find("does not answer for department 101") != std::string::npos);
  BOOST_TEST(to_string(Submissions(store).state(cycle, "101")) == "submitted");
  // A save on the web after that submission, by its manager, the row changed to match.
  const std::string batch = "{\"cycle\":" + std::to_string(cycle) + ",\"answered_by\":\"" + kManager +
                            "\",\"answered_at\":\"2099-01-01T00:00:00.000000Z\",\"rows\":[[\"101\",\"7.1\","
                            "\"update\",\"not_implemented\",\"\",\"\"]],\"source\":\"web: 101 by " +
                            kManager + "\"}";
  forge(db, kManager, "responses", std::to_string(cycle), "batch", batch,
        "UPDATE responses SET answer = 'not_implemented', comment = '', evidence = '', answered_by = '" + kManager +
            "', answered_at = '2099-01-01T00:00:00.000000Z' WHERE item_id = '7.1'");
  r = store.verify();
  f = forged(r);
  BOOST_REQUIRE(f.size() == 2u);
  BOOST_TEST(f[1].find("department 101 was written after its submission") != std::string::npos);
  for (const Problem& p : r.problems) BOOST_TEST(p.kind == "forged", p.to_string());  // the rows agree
}
