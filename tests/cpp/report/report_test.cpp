// Reports: the view model's numbers against the scoring API, hostile text escaped in every
// format, a user's template directory with fallback, and template errors naming the template,
// the line and the tag. (PDF through Chromium is tested from Python: tests/python/report/test_report.py.)
#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "checklist_yaml.h"
#include "libaudit/report/report.h"

using namespace libaudit;
namespace fs = std::filesystem;

namespace {

const std::string kChecklist = testing::kChecklistHead + R"yaml(  - id: "1"
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
  fs::path d = fs::temp_directory_path() / ("libaudit_report_test_" + name + "." + std::to_string(::getpid()));
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

namespace {

// The committee report in Markdown, or the message of the TemplateError rendering it throws.
// A new Reporter each time: a Reporter reads each template file once.
std::string committee_md(const Store& store, const RenderOptions& o) {
  try {
    return Reporter(store, o).render(ReportKind::committee, ReportFormat::markdown);
  } catch (const TemplateError& e) {
    return "TemplateError: " + e.diagnostics().front().message;
  }
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(partials_nest_at_most_16_deep_and_never_include_themselves, Fixture) {
  const fs::path dir = temp_dir("partial_depth");
  RenderOptions o = options();
  o.template_dirs.insert(o.template_dirs.begin(), dir);
  write(dir / "committee.md.mustache", "{{#departments}}{{> a}}{{/departments}}\n");
  write(dir / "a.mustache", "x{{> a}}");  // itself, directly
  const std::string self = committee_md(store, o);
  BOOST_TEST(self.find("partial depth limit 16 exceeded: committee.md > a > a > …") != std::string::npos, self);
  BOOST_TEST(self.find("'a' includes itself") != std::string::npos, self);
  write(dir / "a.mustache", "{{> b}}");  // through another
  write(dir / "b.mustache", "{{=<% %>=}}<%> a%>");
  const std::string mutual = committee_md(store, o);
  BOOST_TEST(mutual.find("committee.md > a > b > a > … ('a' includes itself)") != std::string::npos, mutual);
  // A chain of 16 renders; 17 is refused, naming every step.
  for (int i = 1; i <= 17; ++i)
    write(dir / ("p" + std::to_string(i) + ".mustache"), i < 17 ? "{{> p" + std::to_string(i + 1) + "}}" : "end");
  write(dir / "committee.md.mustache", "{{> p2}}\n");
  BOOST_TEST(committee_md(store, o) == "end\n");
  write(dir / "committee.md.mustache", "{{> p1}}\n");
  const std::string deep = committee_md(store, o);
  BOOST_TEST(deep.find("committee.md > p1 > p2 > p3 > p4 > p5 > p6 > p7 > p8 > p9 > p10 > p11 > p12 > p13 > p14 > p15 "
                       "> p16 > p17") != std::string::npos,
             deep);
}

BOOST_FIXTURE_TEST_CASE(partials_are_regular_files_inside_the_template_directory, Fixture) {
  const fs::path dir = temp_dir("partial_escape");
  const fs::path outside = temp_dir("partial_outside");
  write(outside / "secret.mustache", "SECRET");
  RenderOptions o = options();
  o.template_dirs.insert(o.template_dirs.begin(), dir);
  fs::create_symlink("/etc/passwd", dir / "passwd.mustache");
  write(dir / "committee.md.mustache", "{{> passwd}}\n");
  const std::string link = committee_md(store, o);
  BOOST_TEST(link.find("partial 'passwd'") != std::string::npos, link);
  BOOST_TEST(link.find("outside the template directory") != std::string::npos, link);
  write(dir / "committee.md.mustache", "{{> ../libaudit_report_test_partial_outside/secret}}\n");
  const std::string dots = committee_md(store, o);
  BOOST_TEST(dots.find("partial '../libaudit_report_test_partial_outside/secret' refused") != std::string::npos, dots);
  fs::create_directory(dir / "sub.mustache");
  write(dir / "committee.md.mustache", "{{> sub}}\n");
  const std::string notfile = committee_md(store, o);
  BOOST_TEST(notfile.find("not a regular file") != std::string::npos, notfile);
  // A symlink to a file inside the directory is a partial like any other.
  write(dir / "real.mustache", "inside");
  fs::create_symlink(dir / "real.mustache", dir / "alias.mustache");
  write(dir / "committee.md.mustache", "{{> alias}}\n");
  BOOST_TEST(committee_md(store, o) == "inside\n");
}

BOOST_AUTO_TEST_CASE(wareki_dates) {
  BOOST_TEST(wareki_date(Date{2025, 3, 31}) == "令和7年3月31日");
  BOOST_TEST(wareki_date(Date{2019, 5, 1}) == "令和元年5月1日");
  BOOST_TEST(wareki_date(Date{2019, 4, 30}) == "平成31年4月30日");
  BOOST_TEST((parse_report_format("markdown") == ReportFormat::markdown));
  BOOST_CHECK_THROW(parse_report_kind("nope"), NotFoundError);
}
