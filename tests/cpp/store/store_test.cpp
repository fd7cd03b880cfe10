// The store: schema and opening, organisation, checklists, cycles, responses (all-or-nothing,
// idempotent re-import), the trail's chain, and verify() against edits made behind its back.
#define BOOST_TEST_MODULE store
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

#include "libaudit/store/store.h"
#include "store/sqlite.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;

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
  }
  BOOST_TEST(s.trail().size() == trail.size());
  BOOST_TEST(to_string(s.responses(cycle).front().answer) == "partial");
}

// The bulk import checks references itself with foreign-key enforcement off; it must be on
// again afterwards, whether the write committed or failed.
BOOST_AUTO_TEST_CASE(foreign_keys_off_is_scoped) {
  sql::Db db(":memory:", true, 1000);
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
