// The store stage alone (linked without later stages): per-component schema versions, legacy
// files, refusal of unknown or newer components, tables no registered component owns, and the
// phases of verify() and of the responses import driven one by one (store/verify.h,
// store/import.h).
#define BOOST_TEST_MODULE store_schema
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <map>
#include <string>

#include "libaudit/store/store.h"
#include "store/import.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/verify.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace verify = libaudit::detail::verify;

namespace {

const std::string kChecklist = R"yaml(format: 1
id: t
title: テスト点検表
version: "1"
body: テスト市
source: {document: t.txt, title: テスト基準}
sections:
  - id: "8"
    clause: "８"
    title: 評価及び見直し
    items:
      - id: "8.1"
        clause: "8(1)"
        text: 被監査部門は、監査の実施に協力しなければならない。
        question: 監査の実施に協力しているか。
        roles: [auditee]
      - id: "8.2"
        clause: "8(2)"
        text: 情報セキュリティ管理者は、自己点検を実施しなければならない。
        question: 自己点検を実施しているか。
        roles: [security_manager]
)yaml";

std::int64_t setup(Store& s) {
  s.import_departments("t", {{Department{"1", "総務部", "", "", ""}, 2},
                             {Department{"11", "総務課", "1", "", ""}, 3},
                             {Department{"12", "人事課", "1", "", ""}, 4}});
  const auto cl = s.import_checklist("t", Checklist::from_yaml(kChecklist));
  const auto cycle = s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
  s.open_cycle("t", cycle);
  return cycle;
}

std::string refusal(const TempDb& db) {
  try {
    Store::open(db.path);
  } catch (const SchemaVersionError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> kinds(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) out.push_back(p.table + "|" + p.key + "|" + p.kind);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_store_records_the_version_of_each_registered_component) {
  TempDb db("libaudit_schema_new.db");
  Store s = Store::open(db.path);
  BOOST_TEST(s.schema_version() == 4);
  BOOST_TEST(s.schema_versions() == (std::map<std::string, int>{{"store", 2}}));  // only the store is linked
  BOOST_TEST(schema::find_component("store") != nullptr);
  BOOST_TEST(schema::find_component("followup") == nullptr);
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_legacy_schema_1_store_migrates_and_verifies) {
  TempDb db("libaudit_schema_legacy1.db");
  {
    Store s = Store::open(db.path);
    setup(s);
  }
  // What a libaudit of global schema 1 wrote: no registry, no state_size.
  db.exec("DROP TABLE schema_versions; ALTER TABLE trail DROP COLUMN state_size; PRAGMA user_version = 1;");
  Store s = Store::open(db.path);
  BOOST_TEST(s.schema_version() == 4);
  BOOST_TEST(s.schema_versions() == (std::map<std::string, int>{{"store", 2}}));
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_legacy_store_with_followup_tables_is_refused_without_the_stage) {
  TempDb db("libaudit_schema_legacy3.db");
  Store::open(db.path).close();
  db.exec("DROP TABLE schema_versions; CREATE TABLE people(name TEXT PRIMARY KEY); PRAGMA user_version = 3;");
  const std::string what = refusal(db);
  BOOST_TEST(what.find("'followup'") != std::string::npos);
  BOOST_TEST(what.find("written by a newer libaudit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_and_newer_components_are_refused) {
  TempDb db("libaudit_schema_refused.db");
  Store::open(db.path).close();
  db.exec("INSERT INTO schema_versions VALUES ('evidence', 1)");
  BOOST_TEST(refusal(db).find("'evidence'") != std::string::npos);
  db.exec("DELETE FROM schema_versions WHERE component = 'evidence'; UPDATE schema_versions SET version = 9");
  const std::string what = refusal(db);
  BOOST_TEST(what.find("component 'store' at version 9, written by a newer libaudit") != std::string::npos);
  db.exec("UPDATE schema_versions SET version = 2");
  BOOST_TEST(refusal(db).empty());
}

BOOST_AUTO_TEST_CASE(a_table_no_component_owns_is_reported_unchecked) {
  TempDb db("libaudit_schema_unchecked.db");
  Store::open(db.path).close();
  // The follow-up tables, in a program that links only the store stage.
  db.exec("CREATE TABLE people(name TEXT PRIMARY KEY); CREATE TABLE findings(id INTEGER PRIMARY KEY)");
  const VerifyReport r = Store::open(db.path).verify();
  BOOST_TEST(kinds(r.problems) == (std::vector<std::string>{"findings||unchecked", "people||unchecked"}),
             boost::test_tools::per_element());
  BOOST_TEST(r.problems[1].to_string().rfind("people: unchecked: no component registered for it", 0) == 0);
}

// ---- verify's phases ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(chain_replay_reports_exactly_the_broken_link) {
  TempDb db("libaudit_schema_chain.db");
  {
    Store s = Store::open(db.path);
    setup(s);
  }
  sql::Db conn(db.path.string(), false, 1000);
  detail::Sha256 sha;
  verify::ChainReplay clean = verify::replay_chain(conn, sha);
  BOOST_TEST(clean.problems.empty());
  BOOST_TEST(clean.records == 6u);  // 3 departments, checklist, cycle insert and open
  BOOST_TEST(clean.expected["department"].size() == 3u);
  BOOST_TEST(clean.expected["cycle"]["1"].seq == 6);

  db.exec("DROP TRIGGER trail_append_only_update; UPDATE trail SET prev_hash = hash WHERE seq = 3");
  BOOST_TEST(kinds(verify::replay_chain(conn, sha).problems) ==
                 (std::vector<std::string>{"trail|3|broken_chain", "trail|3|altered"}),
             boost::test_tools::per_element());
  db.exec("DROP TRIGGER trail_append_only_delete; DELETE FROM trail WHERE seq = 3");
  const verify::ChainReplay cut = verify::replay_chain(conn, sha);
  BOOST_TEST(kinds(cut.problems) == (std::vector<std::string>{"trail|4|deleted"}), boost::test_tools::per_element());
  BOOST_TEST(cut.problems[0].detail == "record 3 is missing");
  BOOST_TEST(cut.records == 5u);
}

BOOST_AUTO_TEST_CASE(row_check_against_a_crafted_expectation_map) {
  sql::Db conn(":memory:", true, 1000);
  conn.exec("CREATE TABLE trail(seq INTEGER PRIMARY KEY, state TEXT NOT NULL, state_size INTEGER NOT NULL)");
  detail::Sha256 sha;
  verify::ChainReplay replay;
  auto expect = [&](const char* entity, const char* key, const std::string& state, std::int64_t seq) {
    verify::Expected& e = replay.expected[entity][key];
    sha.begin();
    sha.update(state);
    e.digest = sha.finish();
    e.seq = seq;
  };
  expect("system", "A", R"({"name":"A"})", 1);
  expect("system", "B", R"({"name":"B"})", 2);
  expect("system", "C", R"({"name":"C"})", 3);
  replay.expected["system"]["D"].deleted = true;
  std::vector<Problem> problems;
  std::size_t rows = 0;
  verify::RowCheck check(conn, sha, replay, problems, rows);
  check("systems", "system", "A", R"({"name":"A"})");  // as expected
  check("systems", "system", "B", R"({"name":"b"})");  // altered
  check("systems", "system", "D", R"({"name":"D"})");  // deleted, yet here
  check("systems", "system", "E", R"({"name":"E"})");  // never recorded
  BOOST_TEST(rows == 4u);
  BOOST_TEST(
      kinds(problems) == (std::vector<std::string>{"systems|B|altered", "systems|D|inserted", "systems|E|inserted"}),
      boost::test_tools::per_element());
  BOOST_TEST(problems[0].detail.find("(last trail record 2)") != std::string::npos);
  BOOST_TEST(replay.expected["system"]["A"].seen);
  problems.clear();
  verify::report_missing(replay, schema::components(), problems);  // C was never seen
  BOOST_TEST(kinds(problems) == (std::vector<std::string>{"systems|C|deleted"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_anchor_check) {
  Store s = Store::open(":memory:");
  setup(s);
  const auto trail = s.trail();
  const std::string head = s.verify().head_hash;
  BOOST_TEST(s.verify(VerifyOptions{{0, head}}).ok());
  std::string upper = head;
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  BOOST_TEST(s.verify(VerifyOptions{{0, "  " + upper + "\n"}}).ok());  // case and space ignored
  BOOST_TEST(s.verify(VerifyOptions{{2, trail[1].hash}}).ok());
  auto only = [&](const TrailAnchor& a) {
    const VerifyReport r = s.verify(VerifyOptions{a});
    return r.problems.size() == 1 ? r.problems[0].table + "|" + r.problems[0].key + "|" + r.problems[0].kind : "";
  };
  BOOST_TEST(only({0, std::string(64, 'f')}) == "trail|anchor|deleted");
  BOOST_TEST(only({2, trail[2].hash}) == "trail|anchor|altered");
  BOOST_TEST(only({99, head}) == "trail|anchor|deleted");
  BOOST_TEST(s.verify(VerifyOptions{{5, ""}}).ok());  // no hash: no anchor
}

// ---- the responses import's phases --------------------------------------------------------

BOOST_AUTO_TEST_CASE(import_phases_one_by_one) {
  TempDb db("libaudit_schema_import.db");
  std::int64_t cycle = 0;
  {
    Store s = Store::open(db.path);
    cycle = setup(s);
    s.import_responses("t", cycle, {{"11", "8.1", "implemented"}});
  }
  sql::Db conn(db.path.string(), false, 1000);
  const detail::ImportContext ctx = detail::load_import_context(conn, cycle);
  BOOST_TEST(ctx.targets.size() == 2u);
  BOOST_TEST(ctx.all_departments.size() == 3u);
  BOOST_TEST(ctx.items.at("8.2") == 1u);
  BOOST_CHECK_THROW(detail::load_import_context(conn, 99), NotFoundError);

  const std::vector<ResponseRowView> bad = {{"12", "8.1", "implemented", "", "", "", "", 2},
                                            {"1", "8.1", "implemented", "", "", "", "", 3},
                                            {"12", "8.1", "partial", "", "", "", "", 4}};
  try {
    detail::validate_responses(ctx, bad, "r.csv");
    BOOST_FAIL("no error");
  } catch (const ImportValidationError& e) {
    BOOST_REQUIRE(e.diagnostics().size() == 2u);
    BOOST_TEST(e.diagnostics()[0].message.find("not a target") != std::string::npos);
    BOOST_TEST(e.diagnostics()[1].message.find("answered twice (also on line 2)") != std::string::npos);
  }
  const std::vector<ResponseRowView> rows = {{"12", "8.2", "partial", "", "", "", "", 2},
                                             {"11", "8.1", "implemented", "", "", "", "", 3},
                                             {"11", "8.2", "unknown", "", "", "", "", 4}};
  const std::vector<detail::CleanRow> clean = detail::validate_responses(ctx, rows, "r.csv");
  BOOST_REQUIRE(clean.size() == 3u);
  BOOST_TEST(*clean[0].code == "11");  // primary-key order: 課 id, then item
  BOOST_TEST(*clean[2].code == "12");
  const auto change = detail::classify_responses(conn, cycle, clean, rows);
  BOOST_TEST((change == std::vector<detail::RowChange>{detail::RowChange::same, detail::RowChange::insert,
                                                       detail::RowChange::insert}));

  const detail::ImportWrite w{cycle, rows, clean, change, "t", "2024-04-01T00:00:00.000000Z"};
  const std::string head(64, 'a');
  const auto records = detail::seal_response_batches(w, 7, head, "");
  BOOST_REQUIRE(records.size() == 1u);  // two changed rows: one batch
  BOOST_TEST(records[0].seq == 8);
  BOOST_TEST(std::string(records[0].prev_hash, 64) == head);
  BOOST_TEST(records[0].state.find("\"rows\":[[\"11\",\"8.2\",\"insert\",\"unknown\"") != std::string::npos);
}
