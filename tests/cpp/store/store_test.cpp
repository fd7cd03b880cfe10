// The store: schema and opening, organisation, checklists, cycles, responses (all-or-nothing,
// idempotent re-import), the trail's chain, and verify() against edits made behind its back;
// per-component schema versions (legacy files, unknown or newer components, tables no component
// owns) and the phases of verify() and of the responses import one by one.
#define BOOST_TEST_MODULE store
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "checklist_yaml.h"
#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/import.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/verify.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;
namespace verify = libaudit::detail::verify;

namespace {

const std::string kChecklist = testing::kEvaluationChecklistHead + testing::cooperation_item("8.1") +
                               testing::item_yaml("8.2", "情報セキュリティ管理者は、自己点検を実施しなければならない。",
                                                  "自己点検を実施しているか。", "security_manager");

// An organisation of one 部 with two 課, the checklist, an open cycle.
std::int64_t setup(Store& s) {
  s.import_departments("t", {{Department{"1", "総務部", "", "部長", ""}, 2},
                             {Department{"11", "総務課", "1", "", "課長A"}, 3},
                             {Department{"12", "人事課", "1", "", "課長B"}, 4}});
  const auto cl = s.import_checklist("t", Checklist::from_yaml(kChecklist));
  const auto cycle = s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
  s.open_cycle("t", cycle);
  return cycle;
}

std::vector<ResponseRow> rows(const std::string& answer = "implemented") {
  return {{"11", "8.1", answer}, {"11", "8.2", answer}, {"12", "8.1", answer}, {"12", "8.2", answer}};
}

// The message of the SchemaVersionError that opening the file throws, or "" when it opens.
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

BOOST_AUTO_TEST_CASE(open_memory_and_schema_version) {
  Store s = Store::open(":memory:");
  BOOST_TEST(s.schema_version() == kStoreSchemaVersion);
  BOOST_TEST(s.verify().ok());
  s.close();
  BOOST_TEST(!s.is_open());
  BOOST_CHECK_THROW(s.departments(), StoreError);
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused) {
  TempDb db("libaudit_store_test_version.db");
  Store::open(db.path).close();
  db.exec("PRAGMA user_version = 7");
  try {
    Store::open(db.path);
    BOOST_FAIL("opened a newer store");
  } catch (const SchemaVersionError& e) {
    BOOST_TEST(std::string(e.what()).find("newer libaudit") != std::string::npos);
  }
  BOOST_CHECK_THROW(Store::open(fs::temp_directory_path() / "libaudit_no_such.db", OpenOptions{false}), StoreError);
}

namespace {
std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

BOOST_AUTO_TEST_CASE(read_only_open_writes_nothing) {
  TempDb db("libaudit_store_test_read_only.db");
  {
    Store s = Store::open(db.path);
    s.set_body("tester", "小牧市");
  }
  const std::string before = file_bytes(db.path);
  const auto mtime = fs::last_write_time(db.path);
  OpenOptions ro;
  ro.read_only = true;
  {
    Store s = Store::open(db.path, ro);
    BOOST_TEST(s.body() == "小牧市");
    BOOST_TEST(s.schema_version() == kStoreSchemaVersion);
    try {
      s.set_body("tester", "別の市");
      BOOST_FAIL("a read-only store wrote");
    } catch (const StoreError& e) {
      BOOST_TEST(std::string(e.what()).find("opened read-only") != std::string::npos, e.what());
    }
    BOOST_CHECK_THROW(s.exchange_secret(), StoreError);  // not there yet: making it is a write
    BOOST_TEST(s.verify().ok());
  }
  BOOST_TEST(file_bytes(db.path) == before);
  BOOST_TEST((fs::last_write_time(db.path) == mtime));
  BOOST_CHECK_THROW(Store::open(":memory:", ro), StoreError);
  try {
    Store::open(fs::temp_directory_path() / "libaudit_no_such.db", ro);  // create is ignored
    BOOST_FAIL("opened a missing store read-only");
  } catch (const StoreError& e) {
    BOOST_TEST(std::string(e.what()).find("no store at") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(read_only_open_refuses_a_store_that_needs_an_upgrade) {
  TempDb db("libaudit_store_test_read_only_old.db");
  Store::open(db.path).close();
  // The store component one version behind: migrate() would run its last migration.
  db.exec("UPDATE schema_versions SET version = version - 1 WHERE component = 'store'");
  const std::string before = file_bytes(db.path);
  OpenOptions ro;
  ro.read_only = true;
  try {
    Store::open(db.path, ro);
    BOOST_FAIL("opened an old store read-only");
  } catch (const StoreError& e) {
    BOOST_TEST(std::string(e.what()).find("needs an upgrade") != std::string::npos, e.what());
    BOOST_TEST(std::string(e.what()).find("open it writable once") != std::string::npos, e.what());
  }
  BOOST_TEST(file_bytes(db.path) == before);
  db.exec("PRAGMA user_version = 9");
  BOOST_CHECK_THROW(Store::open(db.path, ro), SchemaVersionError);  // newer: as a writable open
}

BOOST_AUTO_TEST_CASE(departments_leaves_and_cycle_targets) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  const auto depts = s.departments();
  BOOST_REQUIRE_EQUAL(depts.size(), 3u);
  BOOST_TEST(!depts[0].is_leaf);
  BOOST_TEST(depts[1].is_leaf);
  BOOST_TEST(s.cycle(cycle).departments == (std::vector<std::string>{"11", "12"}));
  BOOST_TEST(s.department("１１").name == "総務課");  // codes are NFKC-normalised
  BOOST_CHECK_THROW(s.department("99"), NotFoundError);
}

BOOST_AUTO_TEST_CASE(responses_import_reimport_and_update) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  auto r = s.import_responses("t", cycle, rows());
  BOOST_TEST(r.inserted == 4u);
  const auto trail_size = s.trail().size();
  r = s.import_responses("other", cycle, rows());
  BOOST_TEST(r.unchanged == 4u);
  BOOST_TEST(s.trail().size() == trail_size);
  auto changed = rows();
  changed[2].answer = "実施していない";
  r = s.import_responses("t", cycle, changed);
  BOOST_TEST(r.updated == 1u);
  BOOST_TEST(r.unchanged == 3u);
  BOOST_TEST(s.trail().size() == trail_size + 1);
  BOOST_TEST((s.responses(cycle)[2].answer == Answer::not_implemented));
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(bad_rows_are_all_reported_and_nothing_written) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  std::vector<ResponseRow> bad = {
      {"11", "8.1", "implemented", "", "", "", "", 2},          {"99", "8.1", "implemented", "", "", "", "", 3},
      {"11", "9.9", "implemented", "", "", "", "", 4},          {"12", "8.1", "yes", "", "", "", "", 5},
      {"1", "8.1", "implemented", "", "", "", "", 6},           {"11", "8.1", "partial", "", "", "", "", 7},
      {"12", "8.2", "implemented", "", "", "", "not a date", 8}};
  try {
    s.import_responses("t", cycle, bad, ImportOptions{"r.csv", {}});
    BOOST_FAIL("no error");
  } catch (const ImportValidationError& e) {
    std::vector<int> lines;
    for (const auto& d : e.diagnostics()) lines.push_back(d.line);
    BOOST_TEST(lines == (std::vector<int>{3, 4, 5, 6, 7, 8}));
    BOOST_TEST(e.diagnostics()[0].file == "r.csv");
  }
  BOOST_TEST(s.response_count(cycle) == 0u);
}

BOOST_AUTO_TEST_CASE(cycle_status_rules) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  BOOST_CHECK_THROW(s.open_cycle("t", cycle), CycleStateError);
  s.close_cycle("t", cycle);
  BOOST_CHECK_THROW(s.import_responses("t", cycle, rows()), CycleStateError);
  BOOST_CHECK_THROW(s.close_cycle("t", cycle), CycleStateError);
  BOOST_CHECK_THROW(s.import_responses("", cycle, rows()), ValidationError);
  BOOST_CHECK_THROW(s.import_responses("t", 999, rows()), NotFoundError);
}

BOOST_AUTO_TEST_CASE(trail_is_a_chain) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  s.import_responses("t", cycle, rows());
  const auto trail = s.trail();
  BOOST_REQUIRE(!trail.empty());
  BOOST_TEST(trail.front().prev_hash == std::string(64, '0'));
  for (std::size_t k = 1; k < trail.size(); ++k) {
    BOOST_TEST(trail[k].seq == trail[k - 1].seq + 1);
    BOOST_TEST(trail[k].prev_hash == trail[k - 1].hash);
  }
  BOOST_TEST(s.trail(2, 1).size() == 1u);
  BOOST_TEST(s.trail(2, 1)[0].seq == 3);
  const auto report = s.verify();
  BOOST_TEST(report.ok());
  BOOST_TEST(report.head_hash == trail.back().hash);
}

BOOST_AUTO_TEST_CASE(verify_names_each_kind_of_tampering) {
  TempDb db("libaudit_store_test_tamper.db");
  std::int64_t cycle = 0;
  {
    Store s = Store::open(db.path);
    cycle = setup(s);
    s.import_responses("t", cycle, rows());
  }
  db.exec(
      "UPDATE responses SET answer = 'unknown' WHERE item_id = '8.1' AND department = "
      "(SELECT id FROM departments WHERE code = '11')");
  db.exec(
      "DELETE FROM responses WHERE item_id = '8.2' AND department = (SELECT id FROM departments WHERE code = '12')");
  db.exec("INSERT INTO systems(name, department_id, tier) VALUES ('影のシステム', 2, 'internet')");
  db.exec("DROP TRIGGER trail_append_only_update; UPDATE trail SET at = '2000-01-01' WHERE seq = 1");
  Store s = Store::open(db.path);
  const auto report = s.verify();
  std::vector<std::string> got;
  for (const auto& p : report.problems) got.push_back(p.table + " " + p.key + " " + p.kind);
  const std::string c = std::to_string(cycle);
  // In verify's order: the chain, then the tables, then rows the trail has but the tables lack.
  const std::vector<std::string> want = {"trail 1 altered", "systems 影のシステム inserted",
                                         "responses [" + c + ",\"11\",\"8.1\"] altered",
                                         "responses [" + c + ",\"12\",\"8.2\"] deleted"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

// A large import seals its trail records in a second thread while it writes the rows; the
// chain must come out the same as one written record by record, and a later write continues it.
BOOST_AUTO_TEST_CASE(large_import_seals_its_trail_in_order) {
  Store s = Store::open(":memory:");
  std::vector<DepartmentRow> depts = {{Department{"1", "総務部", "", "", ""}, 2}};
  for (int d = 0; d < 10; ++d)
    depts.push_back({Department{"1" + std::to_string(10 + d), "課" + std::to_string(d), "1", "", ""}, d + 3});
  s.import_departments("t", depts);
  std::string yaml =
      "format: 1\nid: big\ntitle: 大きな点検表\nversion: \"1\"\nbody: テスト市\n"
      "source: {document: t.txt, title: テスト基準}\nsections:\n  - id: \"1\"\n    clause: \"1\"\n"
      "    title: 章\n    items:\n";
  for (int i = 1; i <= 500; ++i)
    yaml += "      - {id: \"1." + std::to_string(i) + "\", clause: \"1(" + std::to_string(i) +
            ")\", text: 職員は、実施しなければならない。, question: 実施しているか。, roles: [staff]}\n";
  const auto cl = s.import_checklist("t", Checklist::from_yaml(yaml));
  const auto cycle = s.create_cycle("t", CycleSpec{"大量", CycleKind::self_inspection, 2024, cl, {}});
  s.open_cycle("t", cycle);
  const std::size_t head = s.trail().size();
  auto all = [&](const std::string& answer) {
    std::vector<ResponseRow> out;
    for (int d = 0; d < 10; ++d)
      for (int i = 1; i <= 500; ++i) out.push_back({"1" + std::to_string(10 + d), "1." + std::to_string(i), answer});
    return out;
  };
  std::size_t calls = 0, last_done = 0, last_total = 0;
  ImportOptions o;
  o.progress = [&](std::size_t done, std::size_t total) { ++calls, last_done = done, last_total = total; };
  const ImportResult r = s.import_responses("t", cycle, all("implemented"), o);
  BOOST_TEST(r.inserted == 5000u);
  BOOST_TEST(calls >= 1u);
  BOOST_TEST((last_done == 5000u && last_total == 5000u));
  const ImportResult again = s.import_responses("t", cycle, all("partial"));
  BOOST_TEST(again.updated == 5000u);
  s.set_body("t", "テスト市");
  const auto trail = s.trail();
  BOOST_TEST(trail.size() == head + 5 + 5 + 1);  // 5,000 rows in batches of 1,024, twice; the body
  for (std::size_t k = 1; k < trail.size(); ++k) {
    BOOST_TEST(trail[k].seq == trail[k - 1].seq + 1);
    BOOST_TEST(trail[k].prev_hash == trail[k - 1].hash);
  }
  BOOST_TEST(trail[head].state.find("[\"110\",\"1.1\",\"insert\",\"implemented\",\"\",\"\"]") != std::string::npos);
  BOOST_TEST(s.verify().ok());
  BOOST_TEST(s.response_count(cycle) == 5000u);

  // Enough rows to be validated in two threads, with bad rows in both halves: every one is
  // reported, in line order, and nothing is written.
  std::vector<ResponseRow> many;
  for (int copy = 0; copy < 14; ++copy)
    for (ResponseRow& r : all("unknown")) many.push_back(std::move(r));
  many[10].department = "999";
  many[60000].item = "9.9";
  many[69999].answer = "たぶん";
  try {
    s.import_responses("t", cycle, many);
    BOOST_FAIL("expected ImportValidationError");
  } catch (const ImportValidationError& e) {
    const auto& d = e.diagnostics();
    BOOST_TEST(d.size() == 65000u);  // the three bad rows and the 64,997 other repeats
    BOOST_TEST(
        std::is_sorted(d.begin(), d.end(), [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; }));
    auto at = [&](int line) {
      return std::find_if(d.begin(), d.end(), [&](const Diagnostic& x) { return x.line == line; });
    };
    BOOST_REQUIRE(at(11) != d.end());
    BOOST_TEST(at(11)->message == "unknown department '999'");
    BOOST_REQUIRE(at(60001) != d.end());
    BOOST_TEST(at(60001)->message.find("item '9.9'") != std::string::npos);
    BOOST_REQUIRE(at(70000) != d.end());
    BOOST_TEST(at(70000)->message.find("invalid answer 'たぶん'") != std::string::npos);
    BOOST_TEST(at(70000)->message ==
               "invalid answer 'たぶん' (implemented, partial, not_implemented, not_applicable, unknown, or "
               "実施している, 一部実施している, 実施していない, 該当しない, わからない)");
  }
  BOOST_TEST(s.trail().size() == trail.size());
  BOOST_TEST(to_string(s.responses(cycle).front().answer) == "partial");
}

// The bulk import checks references itself with foreign-key enforcement off; it must be on
// again afterwards, whether the write committed or failed.
BOOST_AUTO_TEST_CASE(foreign_keys_off_is_scoped) {
  sql::Db db(":memory:", sql::OpenMode::create, 1000);
  db.exec(
      "PRAGMA foreign_keys = ON; CREATE TABLE p(id INTEGER PRIMARY KEY); "
      "CREATE TABLE c(p INTEGER NOT NULL REFERENCES p(id));");
  {
    sql::ForeignKeysOff off(db);
    BOOST_TEST(db.query_int("PRAGMA foreign_keys") == 0);
    sql::WriteTxn txn(db);
    db.exec("INSERT INTO c VALUES (7)");
    txn.commit();
  }
  BOOST_TEST(db.query_int("PRAGMA foreign_keys") == 1);
  BOOST_CHECK_THROW(db.exec("INSERT INTO c VALUES (8)"), StoreError);
  try {
    sql::ForeignKeysOff off(db);
    sql::WriteTxn txn(db);
    throw std::runtime_error("a failed write");
  } catch (const std::runtime_error&) {
  }
  BOOST_TEST(db.query_int("PRAGMA foreign_keys") == 1);
}

BOOST_AUTO_TEST_CASE(checklist_round_trip_and_versions) {
  Store s = Store::open(":memory:");
  const auto id = s.import_checklist("t", Checklist::from_yaml(kChecklist));
  BOOST_TEST(s.import_checklist("t", Checklist::from_yaml(kChecklist)) == id);
  BOOST_TEST(s.load_checklist(id).to_json() == Checklist::from_yaml(kChecklist).to_json());
  std::string v2 = kChecklist;
  v2.replace(v2.find("version: \"1\""), 12, "version: \"2\"");
  const auto id2 = s.import_checklist("t", Checklist::from_yaml(v2));
  BOOST_TEST(id2 != id);
  BOOST_TEST(s.checklists().size() == 2u);
  BOOST_TEST(s.stored_checklist(id).sha256.size() == 64u);
}

BOOST_AUTO_TEST_CASE(answers_parse_codes_and_labels) {
  BOOST_TEST((parse_answer("実施している") == Answer::implemented));
  BOOST_TEST((parse_answer("一部実施している") == Answer::partial));
  BOOST_TEST((parse_answer(" not_applicable ") == Answer::not_applicable));
  BOOST_TEST((parse_answer("わからない") == Answer::unknown));
  BOOST_TEST(!parse_answer("はい").has_value());
  BOOST_TEST(answer_label(Answer::not_implemented) == "実施していない");
}

// ---- Schema components: the store stage alone (this test links no later stage) ----------

BOOST_AUTO_TEST_CASE(a_new_store_records_the_version_of_each_registered_component) {
  TempDb db("libaudit_schema_new.db");
  Store s = Store::open(db.path);
  BOOST_TEST(s.schema_version() == 4);
  BOOST_TEST(s.schema_versions() ==
             (std::map<std::string, int>{{"evidence", 1}, {"store", 4}}));  // only the store stage is linked
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
  db.exec(
      "DROP TABLE schema_versions; DROP TABLE evidence; DROP TABLE evidence_settings; DROP INDEX trail_seals; "
      "DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; ALTER TABLE cycles DROP COLUMN secretariat; "
      "ALTER TABLE trail DROP "
      "COLUMN state_size; PRAGMA user_version = 1;");
  Store s = Store::open(db.path);
  BOOST_TEST(s.schema_version() == 4);
  BOOST_TEST(s.schema_versions() == (std::map<std::string, int>{{"evidence", 1}, {"store", 4}}));
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_legacy_store_with_followup_tables_is_refused_without_the_stage) {
  TempDb db("libaudit_schema_legacy3.db");
  Store::open(db.path).close();
  db.exec(
      "DROP TABLE schema_versions; DROP TABLE evidence; DROP TABLE evidence_settings; DROP INDEX trail_seals; "
      "DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; ALTER TABLE cycles DROP COLUMN secretariat; "
      "CREATE TABLE people(name "
      "TEXT PRIMARY KEY); "
      "PRAGMA user_version = 3;");
  const std::string what = refusal(db);
  BOOST_TEST(what.find("'followup'") != std::string::npos);
  BOOST_TEST(what.find("written by a newer libaudit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_and_newer_components_are_refused) {
  TempDb db("libaudit_schema_refused.db");
  Store::open(db.path).close();
  db.exec("INSERT INTO schema_versions VALUES ('unheard_of', 1)");
  BOOST_TEST(refusal(db).find("'unheard_of'") != std::string::npos);
  db.exec(
      "DELETE FROM schema_versions WHERE component = 'unheard_of'; UPDATE schema_versions SET version = 9 WHERE "
      "component = 'store'");
  const std::string what = refusal(db);
  BOOST_TEST(what.find("component 'store' at version 9, written by a newer libaudit") != std::string::npos);
  db.exec("UPDATE schema_versions SET version = 4 WHERE component = 'store'");  // this libaudit's
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
  sql::Db conn(db.path.string(), sql::OpenMode::write, 1000);
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
  sql::Db conn(":memory:", sql::OpenMode::create, 1000);
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
  sql::Db conn(db.path.string(), sql::OpenMode::write, 1000);
  const detail::ImportContext ctx = detail::load_import_context(conn, cycle);
  BOOST_TEST(ctx.targets.size() == 2u);
  BOOST_TEST(ctx.department_exists("1"));  // the 部: not a target, but known
  BOOST_TEST(!ctx.department_exists("99"));
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
  const detail::CleanRows clean = detail::validate_responses(ctx, rows, "r.csv");
  BOOST_REQUIRE(clean.size() == 3u);
  BOOST_TEST(*ctx.codes.at(clean[0].department()) == "11");  // primary-key order: 課 id, then item
  BOOST_TEST(*ctx.item_ids[clean[0].item_rank()] == "8.1");
  BOOST_TEST(*ctx.codes.at(clean[2].department()) == "12");
  const auto change = detail::classify_responses(conn, ctx, clean, rows);
  BOOST_TEST((change == std::vector<detail::RowChange>{detail::RowChange::same, detail::RowChange::insert,
                                                       detail::RowChange::insert}));

  const detail::ImportWrite w{ctx, rows, clean, change, "t", "2024-04-01T00:00:00.000000Z"};
  const std::string head(64, 'a');
  const auto records = detail::seal_response_batches(w, 7, head, "", "");
  BOOST_REQUIRE(records.size() == 1u);  // two changed rows: one batch
  BOOST_TEST(records[0].seq == 8);
  BOOST_TEST(std::string(records[0].prev_hash, 64) == head);
  BOOST_TEST(records[0].state.find("\"rows\":[[\"11\",\"8.2\",\"insert\",\"unknown\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(response_history_reads_every_state_from_the_trail) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s);
  s.import_responses("t", cycle, rows());
  auto changed = rows();
  changed[2].answer = "実施していない";
  changed[2].comment = "年度内に対応";
  s.import_responses("監査A", cycle, changed);
  const std::vector<ResponseVersion> h = s.response_history(cycle, "１２", " 8.1 ");  // normalised as on import
  BOOST_TEST_REQUIRE(h.size() == 2u);
  BOOST_TEST(h[0].action == "insert");
  BOOST_TEST(h[0].answer == "implemented");
  BOOST_TEST(h[0].actor == "t");
  BOOST_TEST(h[1].action == "update");
  BOOST_TEST(h[1].answer == "not_implemented");
  BOOST_TEST(h[1].comment == "年度内に対応");
  BOOST_TEST(h[1].actor == "監査A");
  BOOST_TEST(h[0].seq < h[1].seq);
  BOOST_TEST(!h[1].answered_at.empty());
  BOOST_TEST(s.response_history(cycle, "11", "9.9").empty());  // never answered
  BOOST_CHECK_THROW(s.response_history(999, "11", "8.1"), NotFoundError);
}

// An import's refusal and verify's problems speak the catalogue's language: the code's English
// without one, Japanese with the built one.
BOOST_AUTO_TEST_CASE(refusals_and_problems_in_the_language_of_the_catalogue) {
  struct English {
    ~English() { use_no_catalog(); }
  } restore;
  TempDb db("libaudit_store_test_language.db");
  std::int64_t cycle = 0;
  {
    Store s = Store::open(db.path);
    cycle = setup(s);
  }
  db.exec("INSERT INTO systems(name, department_id, tier) VALUES ('影のシステム', 2, 'internet')");
  Store s = Store::open(db.path);
  const std::vector<ResponseRow> bad = {{"99", "8.1", "implemented", "", "", "", "", 2},
                                        {"11", "8.1", "たぶん", "", "", "", "", 3}};
  auto refusal_of = [&] {
    std::vector<std::string> out;
    try {
      s.import_responses("t", cycle, bad, ImportOptions{"r.csv", {}});
    } catch (const ImportValidationError& e) {
      for (const Diagnostic& d : e.diagnostics()) out.push_back(d.to_string());
    }
    return out;
  };
  auto problems = [&] {
    std::vector<std::string> out;
    for (const Problem& p : s.verify().problems) out.push_back(p.to_string());
    return out;
  };
  use_no_catalog();
  BOOST_TEST(refusal_of() == (std::vector<std::string>{"r.csv:2:1: unknown department '99'",
                                                       "r.csv:3:1: invalid answer 'たぶん' (implemented, partial, "
                                                       "not_implemented, not_applicable, unknown, or 実施している, "
                                                       "一部実施している, 実施していない, 該当しない, わからない)"}),
             boost::test_tools::per_element());
  BOOST_TEST(
      problems() == (std::vector<std::string>{
                        "systems 影のシステム: inserted: the row has no trail record (written outside libaudit)"}),
      boost::test_tools::per_element());
  use_catalog(LIBAUDIT_MO_JA);
  BOOST_TEST(refusal_of() == (std::vector<std::string>{"r.csv:2:1: 部署 '99' はない",
                                                       "r.csv:3:1: 回答 'たぶん' は使えない（implemented, partial, "
                                                       "not_implemented, not_applicable, unknown、または 実施している, "
                                                       "一部実施している, 実施していない, 該当しない, わからない）"}),
             boost::test_tools::per_element());
  BOOST_TEST(problems() == (std::vector<std::string>{
                               "systems 影のシステム: inserted: 行に証跡の記録がない（libaudit の外で書き込まれた）"}),
             boost::test_tools::per_element());
  s.close_cycle("t", cycle);
  BOOST_CHECK_EXCEPTION(s.import_responses("t", cycle, rows()), CycleStateError, [&](const CycleStateError& e) {
    return std::string(e.what()) ==
           "実施回 " + std::to_string(cycle) +
               "（令和6年度）は締め切り済みで、変更を受け付けない（遅れた回答を取り込むには先に再開"
               "する: libaudit cycle reopen DB " +
               std::to_string(cycle) + " --reason 理由 --by 氏名）";
  });
}
