// Reports: the view model's numbers against the scoring API, hostile text escaped in every
// format, a user's template directory with fallback, and template errors naming the template,
// the line and the tag. (PDF through Chromium is tested from Python: tests/python/report/test_report.py.)
#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "libaudit/report/report.h"

using namespace libaudit;
namespace fs = std::filesystem;

namespace {

const std::string kChecklist = R"yaml(format: 1
id: t
title: テスト点検表
version: "1"
body: テスト市
source: {document: t.txt, title: テスト基準}
sections:
  - id: "1"
    clause: "1"
    title: 組織体制
    items:
      - {id: "1.1", clause: "1(1)", text: 体制を整備しなければならない。, question: 体制を整備しているか。, roles: [staff]}
      - {id: "1.2", clause: "1(2)", text: 研修を受講しなければならない。, question: 研修を受講しているか。, roles: [staff], weight: 2}
  - id: "2"
    clause: "2"
    title: 運用
    items:
      - {id: "2.1", clause: "2(1)", text: ログを取得しなければならない。, question: ログを取得しているか。, roles: [staff]}
  - id: "3"
    clause: "3"
    title: 評価
    items:
      - {id: "3.1", clause: "3(1)", text: 点検しなければならない。, question: 点検しているか。, roles: [staff]}
)yaml";

const std::string kHostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>{{x}}|*_";

struct Fixture {
  Store store = Store::open(":memory:");
  std::int64_t before = 0, after = 0;
  Fixture() {
    store.set_body("t", "テスト市");
    store.import_departments("t", {{Department{"1", "総務部", "", "部長", ""}, 2},
                                   {Department{"11", "総務課", "1", "", "課長A"}, 3},
                                   {Department{"12", kHostile, "1", "", "課長B"}, 4},
                                   {Department{"13", "未回答課", "1", "", ""}, 5}});
    const std::int64_t cl = store.import_checklist("t", Checklist::from_yaml(kChecklist));
    for (int year : {2023, 2024}) {
      const std::int64_t c = store.create_cycle(
          "t", CycleSpec{"自己点検" + std::to_string(year), CycleKind::self_inspection, year, cl, {}});
      store.open_cycle("t", c);
      const bool late = year == 2024;
      store.import_responses("t", c,
                             {{"11", "1.1", "implemented", "", "", "", "", 1},
                              {"11", "1.2", late ? "implemented" : "partial", "", "", "", "", 2},
                              {"11", "2.1", "not_implemented", "未整備", "", "", "", 3},
                              {"11", "3.1", "implemented", "", "", "", "", 4},
                              {"12", "1.1", "partial", kHostile, "", "", "", 5},
                              {"12", "1.2", "not_implemented", kHostile, "", "", "", 6},
                              {"12", "2.1", late ? "implemented" : "unknown", "", "", "", "", 7}});
      (year == 2023 ? before : after) = c;
    }
  }
  RenderOptions options() const {
    RenderOptions o;
    o.cycle = after;
    o.compare = before;
    o.template_dirs = {fs::path(LIBAUDIT_SOURCE_DIR) / "templates"};
    o.as_of = Date{2025, 4, 1};
    return o;
  }
};

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("libaudit_report_test_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

BOOST_FIXTURE_TEST_CASE(committee_numbers_are_the_scoring_numbers, Fixture) {
  Reporter r(store, options());
  const auto v = r.view(ReportKind::committee);
  const CycleData now = CycleData::load(store, after), then = CycleData::load(store, before);
  const auto body = score(now, GroupBy::body).rows.front();
  BOOST_TEST(v["summary"]["rate"].get<double>() == body.score, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(v["summary"]["change"].get<double>() == body.score - score(then, GroupBy::body).rows.front().score,
             boost::test_tools::tolerance(1e-9));
  const auto depts = score(now, GroupBy::department);
  for (const auto& row : v["departments"]) {
    const auto code = row["code"].get<std::string>();
    for (const GroupScore& g : depts.rows)
      if (g.group == code) {
        if (std::isnan(g.score))
          BOOST_TEST(row["rate"].is_null());
        else
          BOOST_TEST(row["rate"].get<double>() == g.score, boost::test_tools::tolerance(1e-9));
      }
  }
  BOOST_TEST(v["departments"][0]["code"].get<std::string>() == "11");  // sorted, highest first
  BOOST_TEST(v["not_answered"].size() == 1u);
  BOOST_TEST(v["chapters"].size() == 3u);
  BOOST_TEST(v["weakest"][0]["id"].get<std::string>() == weakest_items(now, 10).front().group);
  BOOST_TEST(v["cycle"]["fiscal_year_label"].get<std::string>() == "令和6年度");
  BOOST_TEST(v["summary"]["arrow"].get<std::string>() == "↑");
}

BOOST_FIXTURE_TEST_CASE(department_sheet_lists_the_items, Fixture) {
  Reporter r(store, options());
  const auto v = r.view(ReportKind::department, "11");
  BOOST_TEST(v["not_implemented"].size() == 1u);
  BOOST_TEST(v["not_implemented"][0]["comment"].get<std::string>() == "未整備");
  BOOST_TEST(v["summary"]["rank_text"].get<std::string>() == "2課中1位");
  BOOST_CHECK_THROW(r.view(ReportKind::department, "99"), NotFoundError);
}

BOOST_FIXTURE_TEST_CASE(hostile_text_is_escaped_in_every_format, Fixture) {
  Reporter r(store, options());
  for (ReportKind k : {ReportKind::committee, ReportKind::department}) {
    const std::string html = r.render(k, ReportFormat::html, "12");
    BOOST_TEST(html.find("<script>") == std::string::npos);
    BOOST_TEST(html.find("<img") == std::string::npos);
    BOOST_TEST(html.find("&lt;script&gt;") != std::string::npos);
    BOOST_TEST(html.find("{{x}}") != std::string::npos);
    const std::string md = r.render(k, ReportFormat::markdown, "12");
    BOOST_TEST(md.find("<script>") == std::string::npos);
    BOOST_TEST(md.find("\\{\\{x\\}\\}\\|\\*\\_") != std::string::npos);
    const auto j = nlohmann::json::parse(r.render(k, ReportFormat::json, "12"));
    BOOST_TEST(j.dump().find("\\\"><img") != std::string::npos);
    const std::string csv = r.render(k, ReportFormat::csv, "12");
    BOOST_TEST(csv.find("\"<script>alert(1)</script>\"\"><img src=x onerror=alert(2)>{{x}}|*_\"") != std::string::npos);
  }
}

BOOST_FIXTURE_TEST_CASE(user_templates_override_and_fall_back, Fixture) {
  const fs::path dir = temp_dir("custom");
  write(dir / "committee.md.mustache", "独自 {{body}} {{summary.rate_text}}\n");
  RenderOptions o = options();
  o.template_dirs.insert(o.template_dirs.begin(), dir);
  Reporter r(store, o);
  BOOST_TEST(r.render(ReportKind::committee, ReportFormat::markdown).rfind("独自 テスト市 ", 0) == 0u);
  BOOST_TEST(r.render(ReportKind::department, ReportFormat::markdown, "11").find("課別結果票") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(template_errors_name_template_line_and_tag, Fixture) {
  const fs::path dir = temp_dir("broken");
  write(dir / "committee.html.mustache", "<p>{{body}}</p>\n\n<p>{{#departments}}{{nme}}{{/departments}}</p>\n");
  RenderOptions o = options();
  o.template_dirs = {dir};
  Reporter r(store, o);
  try {
    r.render(ReportKind::committee, ReportFormat::html);
    BOOST_FAIL("no TemplateError");
  } catch (const TemplateError& e) {
    const Diagnostic& d = e.diagnostics().front();
    BOOST_TEST(d.file == (dir / "committee.html.mustache").string());
    BOOST_TEST(d.line == 3);
    BOOST_TEST(d.message.find("'nme'") != std::string::npos);
  }
  BOOST_CHECK_THROW(r.render(ReportKind::findings, ReportFormat::html), TemplateError);  // not in that directory
  o.template_dirs = {dir / "nowhere"};
  BOOST_CHECK_THROW(Reporter(store, o), IoError);
}

BOOST_AUTO_TEST_CASE(wareki_dates) {
  BOOST_TEST(wareki_date(Date{2025, 3, 31}) == "令和7年3月31日");
  BOOST_TEST(wareki_date(Date{2019, 5, 1}) == "令和元年5月1日");
  BOOST_TEST(wareki_date(Date{2019, 4, 30}) == "平成31年4月30日");
  BOOST_TEST((parse_report_format("markdown") == ReportFormat::markdown));
  BOOST_CHECK_THROW(parse_report_kind("nope"), NotFoundError);
}
