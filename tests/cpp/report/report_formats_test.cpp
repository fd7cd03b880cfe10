// Every format of a report is the one view model (docs/reports.md, "One view model, four
// formats"): for each report kind (the department sheet for every target 課) of a
// self-inspection cycle and of an audit cycle, one Reporter renders HTML, Markdown, CSV and JSON;
// the test reads the tables back out of each (HTML and Markdown table cells, CSV records, the
// JSON) and checks that they show the same items, the same counts, the same rates and the same
// labels as the view model, and that the view model's counts are the scoring's.
//
// The data is made to catch what disagreed before (issue #14): items outside the cycle's
// audience (audit-only items in a self-inspection, self-inspection-only items in an audit, some
// of them answered all the same), items whose applies_to excludes the 課, items answered
// 該当しない, exceptions in force (on an answered item, on an item answered 該当しない, on an
// excluded item and on an audit-only item), a 課 that answered nothing, and a change of exactly
// +6.25 points (printed 6.2 by printf, 6.3 by rounding half away from zero).
#define BOOST_TEST_MODULE report_formats
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "libaudit/base/csv.h"
#include "libaudit/followup/findings.h"
#include "libaudit/report/report.h"

using namespace libaudit;
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

// Weights are chosen so that 課 12's answered weight is 8 in both years: 2.5/8 = 31.25% this
// year against 2/8 = 25% last year, a change of exactly 6.25 points.
const std::string kChecklist = R"yaml(format: 1
id: f
title: 書式点検表
version: "1"
body: テスト市
source: {document: f.txt, title: テスト基準, revised: "2024-04-01"}
tier_names: {mynumber: 個人番号利用事務系, lgwan: LGWAN接続系, internet: インターネット接続系}
sections:
  - id: "1"
    clause: "1"
    title: 組織体制
    items:
      - {id: "1.1", clause: "1(1)", text: 体制を整備しなければならない。, question: 体制を整備しているか。, roles: [staff]}
      - {id: "1.2", clause: "1(2)", text: 研修を受講しなければならない。, question: 研修を受講しているか。, roles: [staff], weight: 2}
      - {id: "1.3", clause: "1(3)", text: 委員会に報告しなければならない。, question: 委員会に報告しているか。, roles: [ciso], audience: [audit]}
      - {id: "1.4", clause: "1(4)", text: 自ら点検しなければならない。, question: 自ら点検しているか。, roles: [staff], weight: 2, audience: [self_inspection]}
  - id: "2"
    clause: "2"
    title: 技術的セキュリティ
    items:
      - {id: "2.1", clause: "2(1)", text: 手順を維持しなければならない。, question: 手順を維持しているか。, roles: [system_administrator], applies_to: {departments: system_owners}}
      - {id: "2.2", clause: "2(2)", text: 端末を分離しなければならない。, question: 端末を分離しているか。, roles: [system_administrator], weight: 2, applies_to: {tiers: [mynumber]}}
      - {id: "2.3", clause: "2(3)", text: ログを監査しなければならない。, question: ログを監査しているか。, roles: [auditor], audience: [audit]}
  - id: "3"
    clause: "3"
    title: 運用
    items:
      - {id: "3.1", clause: "3(1)", text: 記録を残さなければならない。, question: 記録を残しているか。, roles: [staff], weight: 4}
      - {id: "3.2", clause: "3(2)", text: 媒体を施錠保管しなければならない。, question: 媒体を施錠保管しているか。, roles: [staff], weight: 2, applies_to: {important_assets: true}}
)yaml";

const Date kAsOf{2025, 3, 1};

struct Data {
  Store store = Store::open(":memory:");
  std::int64_t self_before = 0, self_now = 0, audit = 0;

  Data() {
    store.set_body("t", "テスト市");
    store.import_departments("t", {{Department{"1", "総務部", "", "部長1", ""}, 2},
                                   {Department{"11", "総務課", "1", "", "課長11"}, 3},
                                   {Department{"12", "情報政策課", "1", "", "課長12"}, 4},
                                   {Department{"13", "会計課", "1", "", "課長13"}, 5},
                                   {Department{"2", "市民部", "", "部長2", ""}, 6},
                                   {Department{"21", "市民課", "2", "", "課長21"}, 7},
                                   {Department{"22", "未回答課", "2", "", ""}, 8},
                                   {Department{"3", "監査部", "", "", ""}, 9},
                                   {Department{"31", "監査課", "3", "", ""}, 10}});
    store.put_system("t", System{"住民記録", "11", "mynumber", true});
    store.put_system("t", System{"グループウェア", "12", "lgwan", false});
    store.put_system("t", System{"ホームページ", "21", "internet", false});
    const std::int64_t cl = store.import_checklist("t", Checklist::from_yaml(kChecklist));
    const std::vector<std::string> targets{"11", "12", "13", "21", "22"};
    self_before =
        store.create_cycle("t", CycleSpec{"令和5年度自己点検", CycleKind::self_inspection, 2023, cl, targets});
    self_now = store.create_cycle("t", CycleSpec{"令和6年度自己点検", CycleKind::self_inspection, 2024, cl, targets});
    audit = store.create_cycle("t",
                               CycleSpec{"令和6年度内部監査", CycleKind::internal_audit, 2024, cl, {"11", "12", "21"}});
    for (std::int64_t c : {self_before, self_now, audit}) store.open_cycle("t", c);

    store.import_responses("t", self_before,
                           {{"11", "1.1", "implemented"},
                            {"11", "3.1", "partial"},
                            {"12", "1.1", "implemented"},
                            {"12", "1.2", "not_applicable"},
                            {"12", "1.4", "partial"},
                            {"12", "2.1", "not_implemented"},
                            {"12", "3.1", "not_implemented"},
                            {"13", "1.1", "partial"}});
    store.import_responses("t", self_now,
                           {
                               {"11", "1.1", "not_implemented", "更新待ち"},  // excepted
                               {"11", "1.2", "implemented"},
                               {"11", "1.3", "not_implemented", "監査項目"},  // audit-only: not in this cycle
                               {"11", "1.4", "partial", "一部の係のみ|要確認"},
                               {"11", "2.1", "implemented"},
                               {"11", "2.2", "unknown", "所管を確認中"},
                               {"11", "2.3", "not_implemented"},  // audit-only
                               {"11", "3.1", "implemented"},
                               {"11", "3.2", "partial", "施錠は*一部*"},
                               {"12", "1.1", "partial", "規程の改定中"},
                               {"12", "1.2", "not_applicable", "研修は人事課"},  // 該当しない wins over its exception
                               {"12", "1.4", "implemented"},
                               {"12", "2.1", "not_implemented", "手順書なし"},
                               {"12", "2.2", "implemented"},  // excluded: 12 owns no マイナンバー利用事務系 system
                               {"12", "3.1", "not_implemented", "記録様式なし"},
                               {"13", "1.1", "implemented"},
                               {"13", "1.2", "unknown"},
                               {"13", "2.1", "not_applicable"},  // excluded, and excepted too
                               {"13", "3.2", "implemented"},     // excluded
                               {"21", "1.1", "implemented"},
                               {"21", "1.2", "partial"},
                               {"21", "1.4", "not_applicable"},
                               {"21", "2.1", "implemented"},
                               {"21", "3.1", "not_implemented"},
                           });
    store.import_responses("t", audit,
                           {{"11", "1.1", "implemented"},
                            {"11", "1.3", "not_implemented", "報告の記録なし"},  // excepted
                            {"11", "1.4", "not_implemented"},                    // self-inspection only
                            {"11", "2.3", "partial", "月次のみ"},
                            {"11", "3.1", "implemented"},
                            {"12", "1.1", "partial"},
                            {"12", "1.3", "implemented"},
                            {"12", "2.3", "not_implemented", "未実施"},
                            {"21", "1.1", "implemented"}});
    follow_up();
  }

  // The people, four exceptions in force on kAsOf and two findings of the audit (one overdue).
  void follow_up() {
    People people(store);
    people.put("t", {"監査A", "31", {"auditor"}});
    people.put("t", {"CISO", "1", {"ciso"}});
    for (const char* code : {"11", "12", "13", "21"})
      people.put("t", {std::string("課長") + code, code, {"security_manager"}});
    Exceptions ex(store);
    const auto except = [&](const std::string& dept, const std::string& item) {
      ex.approve(
          "CISO",
          ex.request("課長" + dept,
                     ExceptionSpec{dept, item, "", "システム更新中", "手作業で確認", {2025, 1, 1}, {2025, 3, 20}}));
    };
    except("11", "1.1");
    except("12", "1.2");
    except("13", "2.1");
    except("11", "1.3");

    Findings f(store);
    const std::int64_t a = f.raise("監査A", FindingSpec{audit,
                                                        "11",
                                                        {"1.3"},
                                                        Severity::major_nonconformity,
                                                        "委員会への報告がない",
                                                        "議事録",
                                                        "報告すること",
                                                        {2025, 2, 1}});
    f.raise("監査A", FindingSpec{audit,
                                 "12",
                                 {"2.3", "1.1"},
                                 Severity::observation,
                                 "ログの確認が月次でない",
                                 "ログ",
                                 "週次で確認すること",
                                 {2025, 6, 30}});
    f.move("課長11", a, FindingState::plan_submitted, "計画");
  }

  RenderOptions options(std::int64_t cycle, std::optional<std::int64_t> compare) const {
    RenderOptions o;
    o.cycle = cycle;
    o.compare = compare;
    o.template_dirs = {fs::path(LIBAUDIT_SOURCE_DIR) / "templates"};
    o.as_of = kAsOf;
    o.opinion = "概ね適切である。";
    return o;
  }
};

// ---- reading the formats back ------------------------------------------------------------

using Row = std::vector<std::string>;

struct Table {
  std::string heading;  // the heading (or Markdown caption line) above it
  Row header;
  std::vector<Row> rows;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

std::string entities(std::string s) {
  replace_all(s, "&lt;", "<");
  replace_all(s, "&gt;", ">");
  replace_all(s, "&quot;", "\"");
  replace_all(s, "&#39;", "'");
  replace_all(s, "&apos;", "'");
  replace_all(s, "&amp;", "&");
  return s;
}

// The text of an HTML fragment: tags dropped, entities decoded.
std::string html_text(std::string_view s) {
  std::string out;
  bool in_tag = false;
  for (char c : s) {
    if (c == '<') in_tag = true;
    if (!in_tag) out += c;
    if (c == '>') in_tag = false;
  }
  return trim(entities(out));
}

// Where the next <td> or <th> cell starts (not <thead>, <tbody>).
std::size_t next_cell(const std::string& s, std::size_t from) {
  for (std::size_t p = from; (p = s.find("<t", p)) != std::string::npos; ++p)
    if ((s[p + 2] == 'd' || s[p + 2] == 'h') && (s[p + 3] == '>' || s[p + 3] == ' ')) return p;
  return std::string::npos;
}

// Every <table> of the HTML with the <h2>/<h3> above it; a row of <th> only is the header.
std::vector<Table> html_tables(const std::string& html) {
  std::vector<Table> out;
  std::string heading;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t h = std::min(html.find("<h2", pos), html.find("<h3", pos));
    const std::size_t t = html.find("<table", pos);
    if (h < t) {
      const std::size_t e = html.find("</h", h);
      heading = html_text(std::string_view(html).substr(h, e - h));
      pos = e;
      continue;
    }
    if (t == std::string::npos) break;
    const std::size_t end = html.find("</table>", t);
    const std::string body = html.substr(t, end - t);
    Table table{heading, {}, {}};
    for (std::size_t r = 0; (r = body.find("<tr", r)) != std::string::npos;) {
      const std::size_t re = body.find("</tr>", r);
      const std::string tr = body.substr(r, re - r);
      Row cells;
      for (std::size_t c = next_cell(tr, 0); c != std::string::npos;) {
        const std::size_t gt = tr.find('>', c), close = tr.find("</t", gt);
        cells.push_back(html_text(std::string_view(tr).substr(gt + 1, close - gt - 1)));
        c = next_cell(tr, close + 3);
      }
      if (tr.find("<td") == std::string::npos && table.header.empty() && table.rows.empty())
        table.header = cells;
      else
        table.rows.push_back(cells);
      r = re;
    }
    out.push_back(std::move(table));
    pos = end;
  }
  return out;
}

// A Markdown table cell as text: the report's Markdown escape undone.
std::string md_text(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return trim(entities(out));
}

Row md_cells(const std::string& line) {
  Row cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {  // past the leading '|'
    if (line[i] == '\\' && i + 1 < line.size()) {
      cell += line.substr(i, 2);
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(md_text(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

// Every table of the Markdown with the heading (# …) or caption line (…：) above it.
std::vector<Table> md_tables(const std::string& md) {
  std::vector<Table> out;
  std::string heading;
  std::size_t pos = 0;
  bool in_table = false;
  while (pos < md.size()) {
    std::size_t e = md.find('\n', pos);
    if (e == std::string::npos) e = md.size();
    const std::string line = md.substr(pos, e - pos);
    pos = e + 1;
    if (line.rfind("|", 0) == 0) {
      if (!in_table) {
        out.push_back(Table{heading, md_cells(line), {}});
        in_table = true;
      } else if (line.rfind("|---", 0) != 0) {
        out.back().rows.push_back(md_cells(line));
      }
      continue;
    }
    in_table = false;
    if (line.rfind("#", 0) == 0)
      heading = trim(line.substr(line.find_first_not_of('#')));
    else if (line.size() >= 3 && line.compare(line.size() - 3, 3, "：") == 0)
      heading = line;
  }
  return out;
}

// The rows of the table under a heading containing `heading` (and starting with header cell
// `first`, when given); no rows when there is no such table. Fails when two tables match.
std::vector<Row> rows_under(const std::vector<Table>& tables, const std::string& heading, const std::string& first = {},
                            const std::string& where = {}) {
  const Table* found = nullptr;
  for (const Table& t : tables)
    if (t.heading.find(heading) != std::string::npos &&
        (first.empty() || (!t.header.empty() && t.header[0] == first))) {
      BOOST_TEST_REQUIRE(!found, where << ": two tables under '" << heading << "'");
      found = &t;
    }
  return found ? found->rows : std::vector<Row>{};
}

struct CsvTable {
  Row header;
  std::vector<Row> rows;
};

CsvTable read_csv(const std::string& text) {
  BOOST_TEST_REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0u);  // the BOM Excel needs
  const csv::Table t = csv::parse(csv::decode(text, csv::Encoding::utf8, "report.csv"), "report.csv");
  CsvTable out{t.header, {}};
  for (const csv::Record& r : t.records) out.rows.push_back(r.fields);
  return out;
}

std::size_t column(const CsvTable& t, const std::string& name) {
  const auto it = std::find(t.header.begin(), t.header.end(), name);
  BOOST_TEST_REQUIRE((it != t.header.end()), "no CSV column " << name);
  return std::size_t(it - t.header.begin());
}

std::string str(const ojson& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A `*_text` figure as a CSV cell writes it: "87.5%" -> "87.5", "+3.2pt" -> "3.2",
// "−1.0pt" -> "-1.0", "±0.0pt" -> "0.0", "—" -> "".
std::string as_number(std::string s) {
  if (s == "—") return "";
  for (const char* unit : {"%", "pt"})
    if (s.size() >= std::strlen(unit) && s.compare(s.size() - std::strlen(unit), std::strlen(unit), unit) == 0)
      s.resize(s.size() - std::strlen(unit));
  if (s.rfind("+", 0) == 0) return s.substr(1);
  if (s.rfind("±", 0) == 0) return s.substr(std::string("±").size());
  if (s.rfind("−", 0) == 0) return "-" + s.substr(std::string("−").size());
  return s;
}

// ---- the checks --------------------------------------------------------------------------

const char* const kCountKeys[] = {"pairs",    "applicable",  "answered", "unanswered",      "not_applicable",
                                  "excepted", "implemented", "partial",  "not_implemented", "unknown"};

// The view model's counts are the scoring's, with the exceptions in force on the day.
void check_counts(const ojson& row, const Counts& c, const std::string& where) {
  const std::size_t want[] = {c.pairs,    c.applicable(), c.answered(), c.unanswered,      c.not_applicable,
                              c.excepted, c.implemented,  c.partial,    c.not_implemented, c.unknown};
  for (std::size_t k = 0; k < std::size(kCountKeys); ++k)
    BOOST_TEST(row[kCountKeys[k]].get<std::size_t>() == want[k], where << ": " << kCountKeys[k]);
}

struct Formats {
  ojson view, json;
  std::string html, md, csv;
  std::vector<Table> html_tables, md_tables;
  CsvTable csv_table;
  std::string where;
};

Formats render_all(const Reporter& r, ReportKind kind, const std::string& dept, const std::string& where) {
  Formats f;
  f.where = where;
  f.view = r.view(kind, dept);
  f.json = ojson::parse(r.render(kind, ReportFormat::json, dept));
  f.html = r.render(kind, ReportFormat::html, dept);
  f.md = r.render(kind, ReportFormat::markdown, dept);
  f.csv = r.render(kind, ReportFormat::csv, dept);
  f.html_tables = html_tables(f.html);
  f.md_tables = md_tables(f.md);
  f.csv_table = read_csv(f.csv);
  BOOST_TEST(f.json == f.view, where << ": the JSON is the view model");
  return f;
}

// The item ids of a list of the view model, and of the CSV rows whose 回答 is `answer`.
std::vector<std::string> ids_of(const ojson& list) {
  std::vector<std::string> out;
  for (const ojson& r : list) out.push_back(r["id"].get<std::string>());
  return out;
}

// Rows' first cell (the clause) mapped to item ids through the checklist.
std::vector<std::string> ids_by_clause(const std::vector<Row>& rows, const Checklist& cl) {
  std::map<std::string, std::string> id_of;
  for (const Item& it : cl.items()) id_of[it.clause] = it.id;
  std::vector<std::string> out;
  for (const Row& r : rows)
    out.push_back(r.empty() || !id_of.count(r[0]) ? "?" + (r.empty() ? "" : r[0]) : id_of[r[0]]);
  return out;
}

// The sentence of the sheet's summary, "「実施している」N項目、…未回答N項目", as numbers.
std::vector<std::string> sentence_counts(const std::string& text) {
  static const std::regex re(
      "「実施している」([0-9]+)項目、「一部実施している」([0-9]+)項目、「実施していない」([0-9]+)項目、"
      "「わからない」([0-9]+)項目、未回答([0-9]+)項目");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return {};
  return {m[1], m[2], m[3], m[4], m[5]};
}

std::string answered_of_applicable(const std::string& text) {
  static const std::regex re("回答 ([0-9]+)／対象 ([0-9]+)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() + "/" + m[2].str() : "";
}

void check_item_tables(const Formats& f, const Checklist& cl,
                       const std::map<std::string, std::vector<std::string>>& by_answer,
                       const std::map<std::string, std::string>& comment);
void check_sheet_tables(const Formats& f);

void check_department(const Formats& f, const CycleData& data, const Counts& scored) {
  const ojson& v = f.view;
  const ojson& s = v["summary"];
  const std::string& where = f.where;
  check_counts(s, scored, where);
  const Checklist& cl = data.checklist();

  // CSV: one row per item of the cycle, each once, in document order.
  const CsvTable& t = f.csv_table;
  BOOST_TEST(t.header == (Row{"章", "項番", "項目ID", "点検項目", "回答", "コメント"}), where);
  std::vector<std::string> in_cycle, csv_ids;
  for (const Item& it : cl.items())
    if (data.cycle().kind == CycleKind::self_inspection ? it.self_inspection : it.audit) in_cycle.push_back(it.id);
  std::map<std::string, std::vector<std::string>> by_answer;  // 回答 -> item ids, in order
  std::map<std::string, std::string> comment;
  for (const Row& r : t.rows) {
    csv_ids.push_back(r[2]);
    by_answer[r[4]].push_back(r[2]);
    comment[r[2]] = r[5];
  }
  BOOST_TEST(csv_ids == in_cycle, where << ": the CSV's items are the cycle's items");
  BOOST_TEST(t.rows.size() == s["pairs"].get<std::size_t>(), where);
  const auto n = [&](const char* a) { return by_answer.count(a) ? by_answer.at(a).size() : 0u; };
  BOOST_TEST(n("実施している") == s["implemented"].get<std::size_t>(), where);
  BOOST_TEST(n("一部実施している") == s["partial"].get<std::size_t>(), where);
  BOOST_TEST(n("実施していない") == s["not_implemented"].get<std::size_t>(), where);
  BOOST_TEST(n("わからない") == s["unknown"].get<std::size_t>(), where);
  BOOST_TEST(n("未回答") == s["unanswered"].get<std::size_t>(), where << ": 未回答 in the CSV");
  BOOST_TEST(n("例外措置") == s["excepted"].get<std::size_t>(), where);
  BOOST_TEST(n("対象外") + n("該当しない") == s["not_applicable"].get<std::size_t>(), where);
  BOOST_TEST(n("実施している") + n("一部実施している") + n("実施していない") + n("わからない") + n("未回答") +
                     n("例外措置") + n("対象外") + n("該当しない") ==
                 t.rows.size(),
             where << ": every CSV row has one of the sheet's answers");

  // The rate, recomputed from the CSV rows (docs/scoring.md, model rate, 一部 = 0.5).
  double num = 0, den = 0;
  for (const Row& r : t.rows) {
    const double w = cl.find_item(r[2])->weight;
    const std::string& a = r[4];
    if (a == "実施している" || a == "一部実施している" || a == "実施していない" || a == "わからない") den += w;
    num += a == "実施している" ? w : a == "一部実施している" ? w / 2 : 0;
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f%%", 100 * num / den);
  BOOST_TEST((den == 0 ? std::string("—") : std::string(rate)) == s["rate_text"].get<std::string>(),
             where << ": the rate of the CSV rows");

  // The summary's figures, in HTML and Markdown: the sentence of counts, 回答／対象, the rate.
  const std::vector<std::string> counts{std::to_string(n("実施している")), std::to_string(n("一部実施している")),
                                        std::to_string(n("実施していない")), std::to_string(n("わからない")),
                                        std::to_string(n("未回答"))};
  BOOST_TEST(sentence_counts(f.html) == counts, where << ": the HTML's sentence");
  BOOST_TEST(sentence_counts(f.md) == counts, where << ": the Markdown's sentence");
  const std::string ratio =
      std::to_string(s["answered"].get<std::size_t>()) + "/" + std::to_string(s["applicable"].get<std::size_t>());
  BOOST_TEST(answered_of_applicable(f.html) == ratio, where);
  BOOST_TEST(answered_of_applicable(f.md) == ratio, where);
  BOOST_TEST(f.html.find(">" + s["rate_text"].get<std::string>() + "<") != std::string::npos, where);
  const std::vector<Row> md_summary = rows_under(f.md_tables, "結果の概要", "項目", where);
  BOOST_TEST_REQUIRE(!md_summary.empty(), where);
  BOOST_TEST(
      md_summary[0] == (Row{"実施率", s["rate_text"].get<std::string>(), s["body_rate_text"].get<std::string>()}),
      where);

  check_item_tables(f, cl, by_answer, comment);
  check_sheet_tables(f);
}

// Each item table of the sheet: the same items as the view model's list, as the CSV rows so
// answered, and in the HTML and the Markdown, with the same comments.
void check_item_tables(const Formats& f, const Checklist& cl,
                       const std::map<std::string, std::vector<std::string>>& by_answer,
                       const std::map<std::string, std::string>& comment) {
  const ojson& v = f.view;
  const std::string& where = f.where;
  struct List {
    const char* key;
    const char* answer;
    const char* heading;
  };
  for (const List& l : {List{"not_implemented", "実施していない", "「実施していない」と回答した項目"},
                        List{"partial", "一部実施している", "「一部実施している」と回答した項目"},
                        List{"unknown", "わからない", "「わからない」と回答した項目"},
                        List{"unanswered_items", "未回答", "未回答の項目"}}) {
    const std::vector<std::string> want = ids_of(v[l.key]);
    const std::vector<std::string> csv_rows =
        by_answer.count(l.answer) ? by_answer.at(l.answer) : std::vector<std::string>{};
    BOOST_TEST(csv_rows == want, where << ": " << l.key << " (CSV)");
    const std::vector<Row> html = rows_under(f.html_tables, l.heading, "", where);
    const std::vector<Row> md = rows_under(f.md_tables, l.heading, "", where);
    BOOST_TEST(ids_by_clause(html, cl) == want, where << ": " << l.key << " (HTML)");
    BOOST_TEST(ids_by_clause(md, cl) == want, where << ": " << l.key << " (Markdown)");
    for (std::size_t i = 0; i < want.size() && i < html.size() && i < md.size(); ++i) {
      BOOST_TEST(html[i][1] == cl.find_item(want[i])->question, where);
      BOOST_TEST(md[i][1] == cl.find_item(want[i])->question, where);
      if (l.key != std::string("unanswered_items")) {
        BOOST_TEST(html[i][2] == comment.at(want[i]), where << ": comment of " << want[i]);
        BOOST_TEST(md[i][2] == comment.at(want[i]), where << ": comment of " << want[i]);
      }
    }
  }
}

// The sheet's chapters, open findings and exceptions in force: the same rows in HTML and
// Markdown as in the view model.
void check_sheet_tables(const Formats& f) {
  const ojson& v = f.view;
  const std::string& where = f.where;
  std::vector<Row> chapters;
  for (const ojson& c : v["chapters"])
    chapters.push_back({c["label"].get<std::string>(), c["rate_text"].get<std::string>(),
                        c["body_rate_text"].get<std::string>(),
                        trim(c["arrow"].get<std::string>() + " " + c["difference_text"].get<std::string>())});
  BOOST_TEST(rows_under(f.html_tables, "結果の概要", "章", where) == chapters, where << ": chapters (HTML)");
  BOOST_TEST(rows_under(f.md_tables, "結果の概要", "章", where) == chapters, where << ": chapters (Markdown)");
  // Open findings and exceptions in force: the same rows.
  std::vector<std::string> findings, html_findings, md_findings;
  for (const ojson& r : v["findings"]["rows"]) findings.push_back(r["number"].get<std::string>());
  for (const Row& r : rows_under(f.html_tables, "対応中の指摘事項", "番号", where)) html_findings.push_back(r[0]);
  for (const Row& r : rows_under(f.md_tables, "対応中の指摘事項", "番号", where)) md_findings.push_back(r[0]);
  BOOST_TEST(html_findings == findings, where);
  BOOST_TEST(md_findings == findings, where);
  std::vector<std::string> exceptions;
  for (const ojson& r : v["exceptions"]["in_force"]) exceptions.push_back(r["clause"].get<std::string>());
  std::vector<std::string> html_ex, md_ex;
  for (const Row& r : rows_under(f.html_tables, "5　例外措置", "項番", where)) html_ex.push_back(r[0]);
  for (const Row& r : rows_under(f.md_tables, "5　例外措置", "項番", where)) md_ex.push_back(r[0]);
  BOOST_TEST(html_ex == exceptions, where);
  BOOST_TEST(md_ex == exceptions, where);
}

// A 課 row of the committee report as the HTML and the Markdown show it.
Row committee_row(const ojson& d, bool compare) {
  Row r{d["rank"].get<std::string>(),
        d["parent_name"].get<std::string>(),
        d["name"].get<std::string>(),
        d["rate_text"].get<std::string>(),
        d["response_rate_text"].get<std::string>(),
        d["deviation_text"].get<std::string>()};
  if (compare) {
    r.push_back(d["previous_rate_text"].get<std::string>());
    r.push_back(trim(d["arrow"].get<std::string>() + " " + d["change_text"].get<std::string>()));
  }
  return r;
}

void check_committee(const Formats& f, const ScoreTable& scored, const std::set<std::string>& in_cycle) {
  const ojson& v = f.view;
  const std::string& where = f.where;
  const bool compare = v["has_compare"].get<bool>();
  std::vector<Row> rows;
  for (const ojson& d : v["departments"]) {
    rows.push_back(committee_row(d, compare));
    for (const GroupScore& g : scored.rows)
      if (g.group == d["code"].get<std::string>()) check_counts(d, g.counts, where + " 課 " + g.group);
  }
  BOOST_TEST(rows.size() == scored.rows.size(), where);
  BOOST_TEST(rows_under(f.html_tables, "部別・課別の実施率", "順位", where) == rows, where << ": 課 (HTML)");
  BOOST_TEST(rows_under(f.md_tables, "課別の実施率", "順位", where) == rows, where << ": 課 (Markdown)");

  // CSV: the 課 table's rows, in its order, with its figures as printed.
  const CsvTable& t = f.csv_table;
  BOOST_TEST_REQUIRE(t.rows.size() == v["departments"].size(), where << ": CSV rows = the 課 table's rows");
  const std::size_t rank = column(t, "順位"), code = column(t, "課コード"), name = column(t, "課"),
                    rate = column(t, "実施率(%)"), response = column(t, "回答率(%)"), dev = column(t, "偏差値"),
                    prev = column(t, "前年度実施率(%)"), change = column(t, "増減(pt)");
  const std::pair<const char*, const char*> counts[] = {
      {"対象項目数", "applicable"},  {"回答数", "answered"},    {"実施", "implemented"},  {"一部実施", "partial"},
      {"未実施", "not_implemented"}, {"わからない", "unknown"}, {"未回答", "unanswered"}, {"例外", "excepted"}};
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const Row& c = t.rows[i];
    const ojson& d = v["departments"][i];
    const std::string w = where + " CSV row " + std::to_string(i + 1);
    BOOST_TEST(c[rank] == d["rank"].get<std::string>(), w);
    BOOST_TEST(c[code] == d["code"].get<std::string>(), w);
    BOOST_TEST(c[name] == d["name"].get<std::string>(), w);
    BOOST_TEST(c[rate] == as_number(d["rate_text"].get<std::string>()), w << ": 実施率");
    BOOST_TEST(c[response] == as_number(d["response_rate_text"].get<std::string>()), w << ": 回答率");
    BOOST_TEST(c[dev] == as_number(d["deviation_text"].get<std::string>()), w << ": 偏差値");
    if (compare) {
      BOOST_TEST(c[prev] == as_number(d["previous_rate_text"].get<std::string>()), w << ": 前年度");
      BOOST_TEST(c[change] == as_number(d["change_text"].get<std::string>()), w << ": 増減");
    }
    for (const auto& [col, key] : counts) BOOST_TEST(c[column(t, col)] == str(d[key]), w << ": " << col);
    const ojson* cells = nullptr;
    for (const ojson& m : v["matrix"]["rows"])
      if (m["code"] == d["code"]) cells = &m["cells"];
    BOOST_TEST_REQUIRE(cells);
    for (std::size_t k = 0; k < v["chapters"].size(); ++k)
      BOOST_TEST(c[column(t, v["chapters"][k]["label"].get<std::string>() + "(%)")] ==
                     as_number((*cells)[k]["rate_text"].get<std::string>()),
                 w << ": chapter " << k);
  }
  // The 課×章 table (Markdown; the HTML draws it as the heatmap).
  std::vector<Row> matrix;
  for (const ojson& m : v["matrix"]["rows"]) {
    Row r{m["name"].get<std::string>()};
    for (const ojson& c : m["cells"]) r.push_back(c["rate_text"].get<std::string>());
    matrix.push_back(r);
  }
  BOOST_TEST(rows_under(f.md_tables, "課×章の実施率", "課", where) == matrix, where);
  // Chapters and weakest items: the same rows in HTML and Markdown.
  std::vector<Row> chapters;
  for (const ojson& c : v["chapters"]) {
    Row r{c["label"].get<std::string>(), c["rate_text"].get<std::string>(), c["response_rate_text"].get<std::string>(),
          str(c["not_implemented"]), str(c["partial"])};
    if (compare) {
      r.push_back(c["previous_rate_text"].get<std::string>());
      r.push_back(trim(c["arrow"].get<std::string>() + " " + c["change_text"].get<std::string>()));
    }
    chapters.push_back(r);
  }
  BOOST_TEST(rows_under(f.html_tables, "章別の実施率", "章", where) == chapters, where << ": chapters (HTML)");
  BOOST_TEST(rows_under(f.md_tables, "章別の実施率", "章", where) == chapters, where << ": chapters (Markdown)");
  std::vector<Row> weakest;
  for (const ojson& w : v["weakest"]) {
    BOOST_TEST(in_cycle.count(w["id"].get<std::string>()),
               where << ": weakest item " << w["id"] << " not in the cycle");
    weakest.push_back({str(w["rank"]), w["clause"].get<std::string>(), w["question"].get<std::string>(),
                       w["chapter"].get<std::string>(), w["rate_text"].get<std::string>(), str(w["not_implemented"]),
                       str(w["partial"]), str(w["answered"])});
  }
  BOOST_TEST(rows_under(f.html_tables, "実施率の低い項目", "順位", where) == weakest, where);
  BOOST_TEST(rows_under(f.md_tables, "実施率の低い項目", "順位", where) == weakest, where);
  // Findings by severity; exceptions in force; 課 that have not answered.
  std::vector<Row> severities;
  for (const ojson& s : v["findings"]["by_severity"])
    severities.push_back(
        {s["label"].get<std::string>(), str(s["total"]), str(s["open"]), str(s["closed"]), str(s["overdue"])});
  if (v["findings"]["has_any"].get<bool>()) {
    BOOST_TEST(rows_under(f.html_tables, "重要度別", "重要度", where) == severities, where);
    BOOST_TEST(rows_under(f.md_tables, "指摘事項の状況", "重要度", where) == severities, where);
  }
  std::vector<Row> exceptions;
  for (const ojson& e : v["exceptions"]["in_force"])
    exceptions.push_back({e["department_name"].get<std::string>(), e["clause"].get<std::string>(),
                          e["question"].get<std::string>(), e["reason"].get<std::string>(),
                          e["period_text"].get<std::string>(), str(e["days_left"]) + "日"});
  BOOST_TEST(rows_under(f.html_tables, "適用中の例外措置", "課", where) == exceptions, where);
  BOOST_TEST(rows_under(f.md_tables, "適用中の例外措置", "課", where) == exceptions, where);
  std::vector<Row> not_answered;
  for (const ojson& d : v["not_answered"])
    not_answered.push_back({d["parent_name"].get<std::string>(), d["name"].get<std::string>(), str(d["applicable"]),
                            d["status_label"].get<std::string>(), d["deadline_text"].get<std::string>()});
  BOOST_TEST(rows_under(f.html_tables, "未回答の課", "部", where) == not_answered, where);
  BOOST_TEST(rows_under(f.md_tables, "未回答の課", "部", where) == not_answered, where);
}

// The findings register and the audit report: the CSV rows are the view model's finding rows,
// which the HTML and the Markdown show (a table row, or one block per finding in the audit report).
void check_findings(const Formats& f, ReportKind kind) {
  const ojson& v = f.view;
  const std::string& where = f.where;
  const CsvTable& t = f.csv_table;
  const ojson& rows = v["findings"]["rows"];
  BOOST_TEST_REQUIRE(t.rows.size() == rows.size(), where << ": CSV rows = the findings");
  BOOST_TEST(!rows.empty(), where);
  const std::pair<const char*, const char*> cols[] = {
      {"番号", "number"},           {"実施回", "cycle_name"},  {"課", "department_name"}, {"対象項目", "items_text"},
      {"重要度", "severity_label"}, {"状態", "state_label"},   {"期限", "due"},           {"経過日数", "age_days"},
      {"超過日数", "overdue_days"}, {"横展開", "lateral_text"}};
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto& [col, key] : cols)
      BOOST_TEST(t.rows[i][column(t, col)] == str(rows[i][key]), where << " CSV row " << i + 1 << ": " << col);
  if (kind == ReportKind::findings) {
    std::vector<Row> html, md;
    for (const ojson& r : rows) {
      const std::string overdue = r["overdue"].get<bool>() ? r["overdue_text"].get<std::string>() : "—";
      Row row{r["number"].get<std::string>(),
              r["cycle_name"].get<std::string>(),
              r["department_name"].get<std::string>(),
              r["owner"].get<std::string>(),
              r["items_text"].get<std::string>(),
              r["severity_label"].get<std::string>(),
              r["state_label"].get<std::string>(),
              r["due_wareki"].get<std::string>(),
              str(r["age_days"]) + "日",
              overdue,
              r["lateral_text"].get<std::string>()};
      html.push_back(row);
      md.push_back(row);
    }
    BOOST_TEST(rows_under(f.html_tables, "", "番号", where) == html, where << ": findings (HTML)");
    BOOST_TEST(rows_under(f.md_tables, "", "番号", where) == md, where << ": findings (Markdown)");
  } else {
    // One block per finding, headed "No.N　重要度　課", with its facts.
    for (const ojson& r : rows) {
      const std::string head = r["number"].get<std::string>() + "　" + r["severity_label"].get<std::string>() + "　" +
                               r["department_name"].get<std::string>();
      const std::vector<Row> facts = rows_under(f.html_tables, head, "", where);
      BOOST_TEST_REQUIRE(facts.size() == 6u, where << ": " << head);
      BOOST_TEST(facts[0] == (Row{"対象項目", r["items_text"].get<std::string>()}), where);
      BOOST_TEST(facts[1] == (Row{"状況", r["condition"].get<std::string>()}), where);
      BOOST_TEST(f.md.find("### " + head + "\n") != std::string::npos, where << ": " << head << " (Markdown)");
      BOOST_TEST(f.md.find("- 状況：" + r["condition"].get<std::string>() + "\n") != std::string::npos, where);
    }
    std::vector<Row> severities;
    for (const ojson& s : v["findings"]["by_severity"])
      severities.push_back({s["label"].get<std::string>(), str(s["total"]), str(s["open"]), str(s["closed"])});
    BOOST_TEST(rows_under(f.html_tables, "監査の結果", "重要度", where) == severities, where);
    BOOST_TEST(rows_under(f.md_tables, "監査の結果", "重要度", where) == severities, where);
  }
}

void check_cycle(const Data& d, std::int64_t cycle, std::optional<std::int64_t> compare) {
  const Reporter r(d.store, d.options(cycle, compare));
  const CycleData data = CycleData::load(d.store, cycle);
  ScoreOptions o;
  o.exceptions = Exceptions(d.store).for_scoring(cycle);  // those that count for the cycle (as the Reporter)
  const ScoreTable by_department = score(data, GroupBy::department, o);
  std::set<std::string> in_cycle;
  for (const Item& it : data.checklist().items())
    if (data.cycle().kind == CycleKind::self_inspection ? it.self_inspection : it.audit) in_cycle.insert(it.id);
  const std::string name = data.cycle().name;

  check_committee(render_all(r, ReportKind::committee, "", name + " committee"), by_department, in_cycle);
  BOOST_TEST(r.departments().size() == by_department.rows.size());
  for (std::size_t k = 0; k < r.departments().size(); ++k) {
    const std::string code = r.departments()[k];
    BOOST_TEST_REQUIRE(by_department.rows[k].group == code);
    check_department(render_all(r, ReportKind::department, code, name + " department " + code), data,
                     by_department.rows[k].counts);
  }
  check_findings(render_all(r, ReportKind::findings, "", name + " findings"), ReportKind::findings);
  if (data.cycle().kind != CycleKind::self_inspection)
    check_findings(render_all(r, ReportKind::audit, "", name + " audit"), ReportKind::audit);
}

}  // namespace

BOOST_AUTO_TEST_CASE(self_inspection_every_format_shows_the_view_model) {
  const Data d;
  check_cycle(d, d.self_now, d.self_before);
}

BOOST_AUTO_TEST_CASE(audit_every_format_shows_the_view_model) {
  const Data d;
  check_cycle(d, d.audit, std::nullopt);
}

// The cases the data was made for, each named, so that a regression says which.
BOOST_AUTO_TEST_CASE(the_department_csv_has_the_cycles_items_only) {
  const Data d;
  const Reporter self(d.store, d.options(d.self_now, d.self_before));
  const CsvTable t = read_csv(self.render(ReportKind::department, ReportFormat::csv, "11"));
  std::map<std::string, std::string> answer;
  for (const Row& r : t.rows) answer[r[2]] = r[4];
  BOOST_TEST(!answer.count("1.3"));  // audit-only, though answered
  BOOST_TEST(!answer.count("2.3"));
  BOOST_TEST(answer["1.1"] == "例外措置");
  BOOST_TEST(answer["1.4"] == "一部実施している");
  const CsvTable t12 = read_csv(self.render(ReportKind::department, ReportFormat::csv, "12"));
  for (const Row& r : t12.rows) answer[r[2]] = r[4];
  BOOST_TEST(answer["1.2"] == "該当しない");  // answered so: not excepted, though an exception is in force
  BOOST_TEST(answer["2.2"] == "対象外");      // 12 owns no マイナンバー利用事務系 system
  const CsvTable t22 = read_csv(self.render(ReportKind::department, ReportFormat::csv, "22"));
  BOOST_TEST(t22.rows.size() == 7u);  // 9 items, 2 audit-only
  const Reporter audit(d.store, d.options(d.audit, std::nullopt));
  const CsvTable a = read_csv(audit.render(ReportKind::department, ReportFormat::csv, "11"));
  answer.clear();
  for (const Row& r : a.rows) answer[r[2]] = r[4];
  BOOST_TEST(!answer.count("1.4"));  // self-inspection only, though answered in the audit
  BOOST_TEST(answer["1.3"] == "例外措置");
  BOOST_TEST(answer["2.3"] == "一部実施している");
  BOOST_TEST(answer["2.1"] == "未回答");
}

BOOST_AUTO_TEST_CASE(a_change_of_exactly_6_25_points_prints_the_same_everywhere) {
  const Data d;
  const Reporter r(d.store, d.options(d.self_now, d.self_before));
  const ojson v = r.view(ReportKind::committee);
  const ojson* row = nullptr;
  for (const ojson& x : v["departments"])
    if (x["code"] == "12") row = &x;
  BOOST_TEST_REQUIRE(row);
  BOOST_TEST((*row)["change"].get<double>() == 6.25);
  BOOST_TEST((*row)["rate_text"].get<std::string>() == "31.2%");
  BOOST_TEST((*row)["change_text"].get<std::string>() == "+6.2pt");  // as 31.2% − 25.0% reads
  BOOST_TEST((*row)["arrow"].get<std::string>() == "↑");
  const CsvTable t = read_csv(r.render(ReportKind::committee, ReportFormat::csv));
  for (const Row& c : t.rows)
    if (c[column(t, "課コード")] == "12") BOOST_TEST(c[column(t, "増減(pt)")] == "6.2");
}
