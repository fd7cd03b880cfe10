// The questionnaire model: rows by cycle kind and applicability, pre-filled and carried-over
// answers, the identity and its HMAC pinned on vectors computed by the Python code it replaces
// (so workbooks exported before still import), and every kind of problem in a returned file.
#define BOOST_TEST_MODULE questionnaire
#include "libaudit/exchange/questionnaire.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "exchange/exchange_world.h"
#include "test_support.h"

using namespace libaudit;
using namespace libaudit::exchange;
using libaudit::testing::kActor;
using libaudit::testing::TempDb;

namespace {

const std::string kYaml = testing::kOperationsChecklistHead + testing::monitoring_item("7.1") +
                          testing::logging_item("7.2") + testing::section_yaml("8", "8", "監査") +
                          testing::training_item("8.1", "        audience: [self_inspection]\n") +
                          testing::item_yaml("8.2", "監査人は、記録を確認しなければならない。",
                                             "記録を確認しているか。", "staff", "        audience: [audit]\n");

const std::string kSecret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

struct Fixture {
  TempDb db{"questionnaire_test"};
  Store store = Store::open(db.path);
  std::int64_t checklist = 0, self = 0, audit = 0;
  Fixture() {
    store.set_body(kActor, "テスト市");
    testing::put_departments(store, {"佐藤 花子", "", ""});
    store.put_system(kActor, {"住民記録システム", "101", "mynumber", true});
    checklist = store.import_checklist(kActor, Checklist::from_yaml(kYaml, "t.yaml"));
    self =
        store.create_cycle(kActor, {"令和6年度 自己点検", CycleKind::self_inspection, 2024, checklist, {"101", "102"}});
    audit =
        store.create_cycle(kActor, {"令和6年度 内部監査", CycleKind::internal_audit, 2024, checklist, {"101", "102"}});
    store.open_cycle(kActor, self);
  }
  Questionnaires model(std::int64_t cycle, std::optional<std::int64_t> carry = {}) {
    return Questionnaires(store, CycleData::load(store, cycle), kSecret, carry);
  }
};

std::vector<std::string> items_of(const std::vector<QuestionRow>& rows) {
  std::vector<std::string> out;
  for (const QuestionRow& r : rows) out.push_back(r.item);
  return out;
}

// A workbook as the writer lays it out: title, header, then one row per question from row 3.
std::map<std::string, Grid, std::less<>> workbook(const Questionnaires& q, const std::string& dept,
                                                  const std::vector<std::string>& answers) {
  const auto rows = q.rows(dept);
  Grid questions{{"title"}, {"番号", "条項", "点検項目", "担当", "回答", "備考", "根拠資料", "項目ID"}};
  Grid id;
  for (const auto& [k, v] : q.workbook_identity(dept, rows.size(), "点検票", "記入方法!B2")) id.push_back({k, v});
  id.push_back({});
  id.push_back({"row", "item", "hmac"});
  const std::string ident = q.identity(dept, static_cast<long long>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::string sheet_row = std::to_string(k + 3);
    questions.push_back({std::to_string(rows[k].no), rows[k].clause, rows[k].question, rows[k].roles,
                         k < answers.size() ? answers[k] : "", "", "", rows[k].item});
    id.push_back({sheet_row, rows[k].item, q.mac(ident, {sheet_row, rows[k].item})});
  }
  return {{"記入方法", {{"回答者（氏名）"}, {"回答者（氏名）", " 課長 "}}}, {"点検票", questions}, {"_libaudit", id}};
}

const std::vector<CsvColumn> kCsvColumns = {
    {"no", "番号"},       {"chapter", "章"},   {"clause", "条項"},       {"question", "点検項目"}, {"roles", "担当"},
    {"answer", "回答"},   {"comment", "備考"}, {"evidence", "根拠資料"}, {"item", "項目ID"},       {"cycle", "実施回"},
    {"department", "課"}, {"items", "項目数"}, {"checksum", "検査値"}};

std::vector<csv::Record> csv_of(const Questionnaires& q, const std::string& dept) {
  const auto rows = q.rows(dept);
  std::vector<csv::Record> out{{1, {}}};
  for (const CsvColumn& c : kCsvColumns) out[0].fields.push_back(c.heading);
  const std::string ident = q.identity(dept, static_cast<long long>(rows.size()));
  for (const QuestionRow& r : rows)
    out.push_back({r.no + 1,
                   {std::to_string(r.no), r.chapter, r.clause, r.question, r.roles, r.answer, r.comment, r.evidence,
                    "=\"" + r.item + "\"", std::to_string(q.cycle().id), dept, std::to_string(rows.size()),
                    q.mac(ident, {std::to_string(r.no), r.item})}});
  return out;
}

std::string messages(const Returned& r) {
  std::string out;
  for (const exchange::Problem& p : r.problems)
    out += p.sheet + "!" + p.column + std::to_string(p.row) + ": " + p.message + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(mac_matches_the_python_exporter) {
  // Computed by exchange.py before the model moved to C++ (hmac.new(key, msg, sha256)), key = bytes(range(32)).
  Fixture f;
  const Questionnaires q = f.model(f.self);
  std::string sha;
  for (int i = 0; i < 32; ++i) sha += "ab";
  const std::string v = std::string(
                            "libaudit-questionnaire\x1f"
                            "1\x1f"
                            "3\x1f"
                            "101\x1f"
                            "t\x1f"
                            "1\x1f") +
                        sha +
                        "\x1f"
                        "6";
  BOOST_TEST(q.mac(v, {"4", "7.1"}) == "043d14adb18921ad9db5dfb96aada0374b30b360301f63d6c07eec0dbfe926d7");
  BOOST_TEST(q.mac(v, {"点検票", "記入方法!B14"}) ==
             "d1d593e3266db60657c7984182af8684304eea249f1a46b76da23c839c2fcc82");
  BOOST_TEST(q.mac(v, {"1", "7.1"}) == "8f0e086d226cd46d2663daa78fc24becf310e2fe69f1dcdbf327864a0f0dc86a");
  const StoredChecklist& c = q.checklist();
  BOOST_TEST(q.identity("101", 6) == std::string("libaudit-questionnaire\x1f"
                                                 "1\x1f") +
                                         std::to_string(f.self) +
                                         "\x1f"
                                         "101\x1f" +
                                         c.checklist_id + "\x1f" + c.version + "\x1f" + c.sha256 +
                                         "\x1f"
                                         "6");
  // Another key gives other checksums.
  const Questionnaires other(f.store, CycleData::load(f.store, f.self), std::string(64, '0'));
  BOOST_TEST(other.mac(v, {"4", "7.1"}) != q.mac(v, {"4", "7.1"}));
}

BOOST_AUTO_TEST_CASE(rows_by_cycle_kind_and_applicability) {
  Fixture f;
  const Questionnaires self = f.model(f.self);
  BOOST_TEST(items_of(self.rows("101")) == (std::vector<std::string>{"7.1", "7.2", "8.1"}));  // owns a system
  BOOST_TEST(items_of(self.rows("102")) == (std::vector<std::string>{"7.1", "8.1"}));
  const Questionnaires audit = f.model(f.audit);
  BOOST_TEST(items_of(audit.rows("101")) == (std::vector<std::string>{"7.1", "7.2", "8.2"}));
  const auto rows = self.rows("101");
  BOOST_TEST(rows[1].no == 2);
  BOOST_TEST(rows[1].chapter == "7 運用");
  BOOST_TEST(rows[0].roles == "情報セキュリティ管理者");
  BOOST_CHECK_EXCEPTION(self.rows("103"), ValidationError, [](const ValidationError& e) {
    return std::string(e.what()).find("department 103 is not a target of cycle 1 (令和6年度 自己点検)") !=
           std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(self.rows("999"), ValidationError, [](const ValidationError& e) {
    return std::string(e.what()).find("department 999 is unknown to cycle 1") != std::string::npos;
  });
  BOOST_TEST(self.department_name("101") == "101 総務課");
  BOOST_TEST(self.department_name("999") == "999");
}

BOOST_AUTO_TEST_CASE(prefilled_and_carried_over) {
  Fixture f;
  f.store.import_responses(kActor, f.self, std::vector<ResponseRow>{{"101", "7.1", "partial", "昨年", "手順書"}});
  const std::int64_t next = f.store.create_cycle(
      kActor, {"令和7年度 自己点検", CycleKind::self_inspection, 2025, f.checklist, {"101", "102"}});
  f.store.open_cycle(kActor, next);
  f.store.import_responses(kActor, next, std::vector<ResponseRow>{{"101", "8.1", "implemented", "", ""}});
  const auto now = f.model(f.self).rows("101");
  BOOST_TEST(now[0].answer == "一部実施している");
  BOOST_TEST(now[0].comment == "昨年");
  BOOST_TEST(now[1].answer == "");
  const auto carried = f.model(next, f.self).rows("101");
  BOOST_TEST(carried[0].answer == "一部実施している");
  BOOST_TEST(carried[0].evidence == "手順書");
  BOOST_TEST(carried[2].answer == "実施している");        // its own answer, not last year's blank
  BOOST_TEST(f.model(next).rows("101")[0].answer == "");  // without carry-over
  // Another checklist id: refused.
  const std::string other_yaml = std::string(kYaml).replace(kYaml.find("id: t\n"), 6, "id: u\n");
  const std::int64_t ocl = f.store.import_checklist(kActor, Checklist::from_yaml(other_yaml, "u.yaml"));
  const std::int64_t oc = f.store.create_cycle(kActor, {"別の点検", CycleKind::self_inspection, 2025, ocl, {"101"}});
  BOOST_CHECK_EXCEPTION(f.model(next, oc), ValidationError, [&](const ValidationError& e) {
    return std::string(e.what()).find("cannot carry answers over from cycle " + std::to_string(oc) +
                                      " (別の点検): it uses checklist u, cycle " + std::to_string(next) + " uses t") !=
           std::string::npos;
  });
  // From the cycle itself, or from a later one: refused.
  BOOST_CHECK_EXCEPTION(f.model(next, next), ValidationError, [&](const ValidationError& e) {
    return std::string(e.what()).find("carry-over is from an earlier cycle, not the cycle itself") != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(f.model(f.self, next), ValidationError, [&](const ValidationError& e) {
    return std::string(e.what()).find("cannot carry answers over from cycle " + std::to_string(next) +
                                      " (令和7年度 自己点検) into cycle " + std::to_string(f.self)) !=
           std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(a_good_workbook_and_its_plan) {
  Fixture f;
  f.store.import_responses(kActor, f.self, std::vector<ResponseRow>{{"101", "7.1", "implemented", "", ""}});
  const Questionnaires q = f.model(f.self);
  auto sheets = workbook(q, "101", {"実施している", " partial ", ""});
  sheets["点検票"][3][5] = "備考\r\n二行目";
  const Returned r = q.check_workbook("101.xlsx", sheets);
  BOOST_TEST(messages(r) == "");
  BOOST_TEST(r.department == "101");
  BOOST_TEST(r.respondent == "課長");
  BOOST_REQUIRE(r.rows.size() == 3u);
  BOOST_TEST(r.rows[1].answer == "partial");
  BOOST_TEST(r.rows[1].comment == "備考\n二行目");
  BOOST_TEST(r.rows[1].row == 4);
  BOOST_TEST(r.rows[1].column == "E");
  BOOST_TEST(r.rows[2].answer == "");
  const ImportPlan plan = q.plan({r}, "渡辺");
  BOOST_REQUIRE(plan.rows.size() == 2u);
  BOOST_TEST(plan.rows[0].answered_by == "課長");
  BOOST_TEST(plan.files[0].answered == 2u);
  BOOST_TEST(plan.files[0].unchanged == 1u);
  BOOST_TEST(plan.files[0].changed == 1u);
  BOOST_TEST(plan.files[0].blank == 1u);
  BOOST_TEST(q.import_problems({r}, std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(workbook_problems) {
  Fixture f;
  const Questionnaires q = f.model(f.self);
  const auto good = workbook(q, "101", {"実施している"});
  {  // wrong MAC: the identity edited (another 課 named in the hidden sheet)
    auto s = good;
    s["_libaudit"][4][1] = "102";
    const Returned r = q.check_workbook("a.xlsx", s);
    BOOST_TEST(messages(r) ==
               "_libaudit!0: the identity checksum does not match: the workbook was exported by "
               "another libaudit database, or its department, cycle, checklist or row count was edited\n");
  }
  {  // another database's key
    const Questionnaires other(f.store, CycleData::load(f.store, f.self), std::string(64, '1'));
    const Returned r = other.check_workbook("a.xlsx", good);
    BOOST_TEST(messages(r).find("identity checksum does not match") != std::string::npos);
  }
  {  // a row checksum edited
    auto s = good;
    s["_libaudit"][15][2] = std::string(64, '0');
    BOOST_TEST(messages(q.check_workbook("a.xlsx", s)) ==
               "点検票!H4: the checksum of row 4 (item 7.2) does not match: the identity sheet was edited\n");
  }
  {  // an item id edited (an item the sheet was not exported with)
    auto s = good;
    s["点検票"][2][7] = "9.9";
    BOOST_TEST(messages(q.check_workbook("a.xlsx", s)) ==
               "点検票!H3: the item id is '9.9' but this row was exported for item 7.1: rows were deleted, inserted or "
               "re-ordered, or the id was edited; answer in the workbook as exported\n");
  }
  {  // a row deleted: one problem, naming the item (issue 15: not one per row after it)
    auto s = good;
    s["点検票"].erase(s["点検票"].begin() + 3);
    const Returned r = q.check_workbook("a.xlsx", s);
    BOOST_REQUIRE(r.problems.size() == 1u);
    BOOST_TEST(r.problems[0].message ==
               "the row of item 7.2 is missing (row 4 of the exported sheet): it was deleted; put it back from the "
               "exported workbook");
    BOOST_TEST(r.problems[0].sheet == "点検票");
    BOOST_TEST(r.rows.size() == 2u);  // the rows below are read where they now are
  }
  {  // a row copied below: one problem
    auto s = good;
    s["点検票"].push_back(s["点検票"][3]);
    const Returned r = q.check_workbook("a.xlsx", s);
    BOOST_TEST(messages(r) == "点検票!H6: item 7.2 is on rows 4, 6: a row was copied; delete the copy\n");
  }
  {  // an empty row inserted: one problem, though every row below it moved
    auto s = good;
    s["点検票"].insert(s["点検票"].begin() + 2, std::vector<std::string>{});
    const Returned r = q.check_workbook("a.xlsx", s);
    BOOST_TEST(messages(r) ==
               "点検票!H4: a row was inserted above row 4: item 7.1, exported on row 3, is now on row 4; delete the "
               "inserted row\n");
  }
  {  // a bad answer label; a comment without an answer; data in an extra row
    auto s = good;
    s["点検票"][2][4] = "済";
    s["点検票"][3][6] = "根拠だけ";
    s["点検票"].push_back({"", "", "", "", "実施している'"});
    const Returned r = q.check_workbook("a.xlsx", s);
    BOOST_TEST(
        messages(r) ==
        "点検票!E3: the answer '済' is not one of 実施している / 一部実施している / 実施していない / 該当しない / "
        "わからない (or implemented, partial, not_implemented, not_applicable, unknown)\n"
        "点検票!E4: item 7.2 has a comment or evidence but no answer: choose an answer (わからない if unsure) or "
        "clear the comment\n"
        "点検票!A6: a row that is not one of the exported questions holds data (\"実施している'\"): rows were "
        "inserted or moved\n");
    BOOST_TEST(r.rows.size() == 1u);
  }
  {  // not a questionnaire; another format version
    BOOST_TEST(messages(q.check_workbook("a.xlsx", {{"Sheet1", {}}})).find("has no identity sheet (_libaudit)") !=
               std::string::npos);
    auto s = good;
    s["_libaudit"][1][1] = "2";
    BOOST_TEST(messages(q.check_workbook("a.xlsx", s)) ==
               "_libaudit!0: questionnaire format version '2' is not 1: export it again with this libaudit\n");
    s = good;
    s.erase("点検票");
    BOOST_TEST(messages(q.check_workbook("a.xlsx", s)) ==
               "点検票!0: the questionnaire sheet '点検票' is missing (renamed or deleted)\n");
  }
}

BOOST_AUTO_TEST_CASE(identity_of_another_department_or_cycle) {
  Fixture f;
  const Questionnaires q = f.model(f.self);
  const Returned r102 = q.check_workbook("102.xlsx", workbook(q, "102", {}));
  BOOST_TEST(messages(r102) == "");
  const auto problems = q.import_problems({r102, r102}, std::string("101"));
  BOOST_REQUIRE(problems.size() == 3u);
  BOOST_TEST(problems[0].message == "this questionnaire is for department 102 人事課, not 101");
  BOOST_TEST(problems[2].message == "a second questionnaire for department 102 人事課 (also 102.xlsx)");
  // A file of another cycle.
  const Questionnaires audit(f.store, CycleData::load(f.store, f.audit), kSecret);
  const Returned r = audit.check_workbook("102.xlsx", workbook(q, "102", {}));
  BOOST_TEST(messages(r) ==
             "_libaudit!0: this questionnaire is for cycle 1 (令和6年度 自己点検), not cycle 2 "
             "(令和6年度 内部監査)\n");
  // The cycle is not open.
  const auto closed = audit.import_problems({}, std::nullopt);
  BOOST_REQUIRE(closed.size() == 1u);
  BOOST_TEST(closed[0].message == "cycle 2 (令和6年度 内部監査) is planned: open it first");
}

BOOST_AUTO_TEST_CASE(csv_records_and_problems) {
  Fixture f;
  const Questionnaires q = f.model(f.self);
  auto good = csv_of(q, "101");
  good[1].fields[5] = "該当しない";
  good[2].fields[6] = "コメント\r二行";
  good[2].fields[5] = "わからない";
  const Returned ok = q.check_csv_records("101.csv", good, kCsvColumns);
  BOOST_TEST(messages(ok) == "");
  BOOST_REQUIRE(ok.rows.size() == 3u);
  BOOST_TEST(ok.rows[1].comment == "コメント\n二行");
  BOOST_TEST(ok.rows[0].column == "回答");
  BOOST_TEST(ok.rows[0].row == 2);

  auto bad = good;
  bad[1].fields[5] = "done";  // a bad answer label
  bad[2].fields[8] = "9.9";   // an unknown item: its checksum no longer matches
  bad.push_back(bad[3]);      // a duplicated row
  bad.back().line = 5;
  const Returned r = q.check_csv_records("101.csv", bad, kCsvColumns);
  BOOST_TEST(messages(r) ==
             "!回答2: the answer 'done' is not one of 実施している / 一部実施している / 実施していない / 該当しない / "
             "わからない (or implemented, partial, not_implemented, not_applicable, unknown)\n"
             "!検査値3: the checksum of 番号 2 (item 9.9) does not match: the 項目ID or checksum was edited, rows were "
             "deleted or added, or the file was exported by another libaudit database\n"
             "!番号5: the row of item 8.1 (番号 3) is also on line 4: a row was copied; delete the copy\n");
  // A deleted row is one problem naming its item (issue 15: not one per row after it).
  auto missing = good;
  missing.erase(missing.begin() + 2);
  BOOST_TEST(messages(q.check_csv_records("101.csv", missing, kCsvColumns)) ==
             "!0: the row of item 7.2 (番号 2) is missing: it was deleted; put it back from the exported file\n");
  // Rows in another order are each still themselves.
  auto sorted = good;
  std::swap(sorted[1], sorted[3]);
  BOOST_TEST(messages(q.check_csv_records("101.csv", sorted, kCsvColumns)) == "");
  // 項目数 edited on every row: one problem, not one per row.
  auto count = good;
  for (std::size_t k = 1; k < count.size(); ++k) count[k].fields[11] = "4";
  BOOST_TEST(messages(q.check_csv_records("101.csv", count, kCsvColumns)) ==
             "!0: no row's checksum matches: the file was exported by another libaudit database, or its 項目数, 課 or "
             "cycle columns were edited\n");
  auto cols = good;
  for (auto& rec : cols) rec.fields.pop_back();
  BOOST_TEST(messages(q.check_csv_records("101.csv", cols, kCsvColumns)) ==
             "!1: not a libaudit questionnaire CSV: the header lacks 検査値 (is it in another encoding than UTF-8 or "
             "CP932, or were columns deleted?)\n");
}

BOOST_AUTO_TEST_CASE(csv_bytes_through_the_core_reader) {
  Fixture f;
  const Questionnaires q = f.model(f.self);
  std::string text = "\xEF\xBB\xBF";
  for (const auto& rec : csv_of(q, "102")) {
    std::string line;
    for (const std::string& v : rec.fields) line += (line.empty() ? "" : ",") + csv::quote(v);
    text += line + "\r\n";
  }
  const Returned r = q.check_csv("102.csv", text, csv::Encoding::detect, kCsvColumns);
  BOOST_TEST(messages(r) == "");
  BOOST_TEST(r.rows.size() == 2u);
  BOOST_TEST(messages(q.check_csv("u.csv",
                                  "\xFF\xFE"
                                  "a\0",
                                  csv::Encoding::detect, kCsvColumns)) ==
             "!0: the CSV is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or 'CSV' instead\n");
  BOOST_TEST(messages(q.check_csv("s.csv", "a,b\r\n\x83\x65\x83", csv::Encoding::utf8, kCsvColumns)) ==
             "!2: the CSV is not valid UTF-8: save it from Excel as 'CSV UTF-8' or 'CSV (comma delimited)'\n");
  BOOST_TEST(messages(q.check_csv("q.csv", "a,b\r\n\"x,y\r\n", csv::Encoding::detect, kCsvColumns))
                 .starts_with("!2: not a valid CSV: unterminated quoted field"));
  BOOST_TEST(messages(q.check_csv("e.csv", "\r\n", csv::Encoding::detect, kCsvColumns)) == "!0: the CSV is empty\n");
}
