// The benchmark report (libaudit/report/benchmark_report.h).
#include "libaudit/report/benchmark_report.h"

#include <cmath>
#include <set>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "report/report_format.h"
#include "report/report_template.h"

namespace libaudit {

using json = nlohmann::ordered_json;
using namespace report_detail;

namespace {

json jnum(double x) { return std::isnan(x) ? json(nullptr) : json(x); }
std::string text_of(double x) { return std::isnan(x) ? "—" : decimal1(x); }

std::string point_text(const TrailPoint& p) { return trail_anchor_text(p.seq, p.hash) + " 時点"; }

// Which figures a body's row shows: the published edition of a closed cycle, or its as-of point.
std::string status_text(const BenchmarkBody& b) {
  if (!b.closed) return "集計中（" + point_text(b.point) + "）";
  if (b.edition == 0) return "締切済み（公表の記録なし、" + point_text(b.point) + "）";
  return "締切済み・第" + std::to_string(b.edition) + "版の公表値（" + point_text(b.point) + "）";
}

json body_json(const Benchmark& r, const BenchmarkBody& b) {
  json cells = json::array();
  for (std::size_t c = 0; c < r.chapters.size(); ++c)
    cells.push_back({{"chapter", r.chapters[c].id},
                     {"score", jnum(b.chapter_scores[c])},
                     {"score_text", text_of(b.chapter_scores[c])},
                     {"deviation", jnum(b.chapter_deviations[c])},
                     {"deviation_text", text_of(b.chapter_deviations[c])}});
  return {{"label", b.label},
          {"kind", b.kind},
          {"cycle", b.cycle},
          {"cycle_name", b.cycle_name},
          {"fiscal_year", b.fiscal_year},
          {"fiscal_year_label", fiscal_year_label(b.fiscal_year)},
          {"closed", b.closed},
          {"edition", b.edition},
          {"point", {{"seq", b.point.seq}, {"at", b.point.at}, {"hash", b.point.hash}}},
          {"status_text", status_text(b)},
          {"score", jnum(b.score)},
          {"score_text", text_of(b.score)},
          {"deviation", jnum(b.deviation)},
          {"deviation_text", text_of(b.deviation)},
          {"applicable", b.counts.applicable()},
          {"answered", b.counts.answered()},
          {"items", b.items},
          {"unmapped_items", b.unmapped_items},
          {"model_items", b.model_items},
          {"cells", cells}};
}

json distribution_json(const Distribution& d) {
  return {{"n", d.n},
          {"mean", jnum(d.mean)},
          {"mean_text", text_of(d.mean)},
          {"sd", jnum(d.sd)},
          {"sd_text", text_of(d.sd)},
          {"min_text", text_of(d.min)},
          {"median_text", text_of(d.median)},
          {"max_text", text_of(d.max)}};
}

std::string title_of(const Benchmark& r) {
  std::set<int> years;
  for (const BenchmarkBody& b : r.bodies) years.insert(b.fiscal_year);
  const std::string prefix = years.size() == 1 ? fiscal_year_label(*years.begin()) + " " : "";
  return prefix + "団体間比較（情報セキュリティ自己点検）";
}

std::string basis_text(const Benchmark& r) {
  if (r.model_map)
    return r.checklist_title + "（" + r.checklist_id + " " + r.checklist_version +
           "）の項目ごとに、各団体の点検項目を model: の対応で集計した";
  if (r.checklist_id.empty()) return "各団体が共通に用いる点検表の章で比較した（点検表の名称は匿名化のため省略）";
  return "各団体が共通に用いる点検表「" + r.checklist_title + "」（" + r.checklist_id + " " + r.checklist_version +
         "）の章で比較した";
}

std::string csv_of(const json& v) {
  std::vector<std::string> headers = {"団体", "年度", "実施回",     "状態",           "実施率",          "偏差値",
                                      "該当", "回答", "点検項目数", "対応なしの項目", "対応する標準項目"};
  for (const auto& c : v["chapters"]) {
    headers.push_back(c["id"].get<std::string>() + " " + c["title"].get<std::string>() + " 実施率");
    headers.push_back(c["id"].get<std::string>() + " 偏差値");
  }
  std::vector<std::vector<json>> rows;
  for (const auto& b : v["bodies"]) {
    std::vector<json> row = {b["label"], b["fiscal_year_label"], b["cycle"],      b["status_text"],
                             b["score"], b["deviation"],         b["applicable"], b["answered"],
                             b["items"], b["unmapped_items"],    b["model_items"]};
    for (const auto& c : b["cells"]) {
      row.push_back(c["score"]);
      row.push_back(c["deviation"]);
    }
    rows.push_back(std::move(row));
  }
  return csv_table(headers, rows);
}

}  // namespace

json benchmark_view(const Benchmark& r) {
  json chapters = json::array();
  for (const BenchmarkChapter& c : r.chapters)
    chapters.push_back({{"id", c.id}, {"title", c.title}, {"distribution", distribution_json(c.distribution)}});
  json bodies = json::array();
  for (const BenchmarkBody& b : r.bodies) bodies.push_back(body_json(r, b));
  return {{"report",
           {{"kind", "benchmark"},
            {"title", title_of(r)},
            {"generator", std::string("libaudit ") + LIBAUDIT_VERSION},
            {"running_head_css", css_string(title_of(r))}}},
          {"model", r.model},
          {"model_map", r.model_map},
          {"anonymised", r.anonymised},
          {"checklist", {{"id", r.checklist_id}, {"version", r.checklist_version}, {"title", r.checklist_title}}},
          {"basis_text", basis_text(r)},
          {"chapters", chapters},
          {"bodies", bodies},
          {"distribution", distribution_json(r.distribution)},
          {"body_count", r.bodies.size()}};
}

std::string render_benchmark(const Benchmark& r, ReportFormat format,
                             const std::vector<std::filesystem::path>& template_dirs) {
  const json v = benchmark_view(r);
  switch (format) {
    case ReportFormat::json: return v.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    case ReportFormat::csv: return csv_of(v);
    case ReportFormat::html: return Templates(template_dirs).render("benchmark.html.mustache", v, Escape::html);
    case ReportFormat::markdown: return Templates(template_dirs).render("benchmark.md.mustache", v, Escape::markdown);
  }
  return {};
}

}  // namespace libaudit
