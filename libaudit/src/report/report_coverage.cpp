// The coverage report (libaudit/report/coverage.h): its view model from an Alignment, CSV from
// it through the reports' CSV writer, HTML and Markdown from its templates.
#include "libaudit/report/coverage.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "libaudit/base/vocabulary.h"
#include "libaudit/checklist/placeholders.h"
#include "report/report_template.h"
#include "report/report_text.h"

namespace libaudit {

using json = nlohmann::ordered_json;
using namespace report_detail;

namespace {

constexpr std::string_view kTitle = "標準点検表との対照表（不足している対策）";

std::string decimal2(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

std::string percent(std::size_t part, std::size_t whole) {
  if (whole == 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string role_label(const Checklist& c, std::string_view role) {
  for (const RoleDefinition& r : c.roles())
    if (r.id == role) return r.label;
  const std::string_view l = label_of(Vocabulary::role, role);
  return l.empty() ? std::string(role) : std::string(l);
}

}  // namespace

std::string model_text_for(std::string s, const Checklist& c) {
  return fill_placeholders(s, [&c](std::string_view name, std::string_view) -> std::string {
    if (name == "body") return c.body().empty() ? "本団体" : c.body();
    if (name.starts_with("role.")) return role_label(c, name.substr(5));
    if (name.starts_with("tier.")) return c.tier_name(name.substr(5));
    return c.secretariat().empty() ? "事務局" : c.secretariat();
  });
}

namespace {

std::string filled(std::string s, const Checklist& c) { return model_text_for(std::move(s), c); }

std::string evidence_text(const AlignCandidate& c) {
  if (c.stated) return "点検表に明記";
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : "、") + part; };
  if (c.cited) add("出典の条項が一致");
  add("本文の類似 " + decimal2(c.text));
  if (c.section > 0) add("節の表題 " + decimal2(c.section));
  if (c.roles > 0) add("役割 " + decimal2(c.roles));
  if (!c.phrases.empty()) {
    std::string p = "共通の語句：";
    for (std::size_t i = 0; i < c.phrases.size(); ++i) p += (i ? "・" : "") + ("「" + c.phrases[i] + "」");
    add(p);
  }
  return out;
}

json model_item_json(const Checklist& model, const Checklist& body, std::string_view id) {
  const Item* m = model.find_item(id);
  if (!m) return json{{"id", std::string(id)}, {"clause", ""}, {"question", "（標準点検表にない項目）"}};
  return json{{"id", m->id}, {"clause", m->clause}, {"question", filled(m->question, body)}};
}

json chapters_json(const Checklist& checklist, const Checklist& model, const Alignment& a) {
  json chapters = json::array();
  for (const ChapterCoverage& ch : a.chapters) {
    json missing = json::array();
    for (const std::string& id : ch.missing) missing.push_back(model_item_json(model, checklist, id));
    chapters.push_back(json{{"id", ch.id},
                            {"clause", ch.clause},
                            {"title", ch.title},
                            {"label", ch.clause + "　" + ch.title},
                            {"total", ch.total},
                            {"covered", ch.covered},
                            {"missing_count", ch.missing.size()},
                            {"rate_text", percent(ch.covered, ch.total)},
                            {"has_missing", !ch.missing.empty()},
                            {"missing", std::move(missing)}});
  }
  return chapters;
}

json mappings_json(const Checklist& checklist, const Checklist& model, const Alignment& a) {
  json rows = json::array();
  for (const ItemAlignment& ia : a.items) {
    const Item& item = checklist.item(ia.item);
    json mapped = json::array();
    std::string ids, evidence, confidence;
    for (const std::string& id : ia.mapped) {
      mapped.push_back(model_item_json(model, checklist, id));
      mapped.back()["first"] = ids.empty();
      ids += (ids.empty() ? "" : "、") + id;
    }
    const AlignCandidate* best = ia.candidates.empty() ? nullptr : &ia.candidates.front();
    if (best) {
      evidence = evidence_text(*best);
      confidence = decimal2(best->confidence);
    }
    rows.push_back(json{{"item", ia.item},
                        {"clause", ia.clause},
                        {"section", ia.section},
                        {"question", item.question},
                        {"mapped", std::move(mapped)},
                        {"mapped_text", ids.empty() ? std::string("対応なし") : ids},
                        {"unmapped", ia.mapped.empty()},
                        {"stated", ia.stated},
                        {"best", best ? json(best->model_item) : json(nullptr)},
                        {"confidence", best ? json(std::round(best->confidence * 100) / 100) : json(nullptr)},
                        {"confidence_text", confidence.empty() ? std::string("—") : confidence},
                        {"evidence_text", evidence}});
  }
  return rows;
}

}  // namespace

json coverage_view(const Checklist& checklist, const Checklist& model, const Alignment& a,
                   const CoverageReportOptions& options) {
  const Date day = options.date.value_or(today_japan());
  const std::string title = options.title.empty() ? std::string(kTitle) : options.title;
  const std::string body = checklist.body().empty() ? checklist.title() : checklist.body();
  json v;
  v["report"] = json{{"kind", "coverage"},
                     {"title", title},
                     {"running_head_css", css_quoted(title + "　" + body)},
                     {"generator", std::string("libaudit ") + LIBAUDIT_VERSION}};
  v["body"] = body;
  v["date"] = json{{"date", day.to_string()}, {"wareki", wareki_date(day)}, {"text", date_label(day)}};
  v["checklist"] = json{{"id", checklist.id()},
                        {"title", checklist.title()},
                        {"version", checklist.version()},
                        {"items", checklist.size()}};
  v["model"] = json{{"id", model.id()}, {"title", model.title()}, {"version", model.version()}};
  std::size_t unmapped = 0;
  for (const ItemAlignment& ia : a.items) unmapped += ia.mapped.empty();
  v["summary"] = json{{"total", a.total},
                      {"covered", a.covered},
                      {"missing", a.total - a.covered},
                      {"rate_text", percent(a.covered, a.total)},
                      {"items", a.items.size()},
                      {"unmapped", unmapped},
                      {"threshold_text", decimal2(a.threshold)}};
  v["chapters"] = chapters_json(checklist, model, a);
  v["has_missing"] = a.covered < a.total;
  v["mappings"] = mappings_json(checklist, model, a);
  return v;
}

std::string render_coverage_report(const Checklist& checklist, const Checklist& model, const Alignment& a,
                                   ReportFormat format, const CoverageReportOptions& options) {
  const json v = coverage_view(checklist, model, a, options);
  switch (format) {
    case ReportFormat::json: return v.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    case ReportFormat::csv: {
      // One row per model measure: its chapter, whether covered, and by which items.
      std::map<std::string, std::string> by;
      for (const ItemAlignment& ia : a.items)
        for (const std::string& id : ia.mapped) by[id] += (by[id].empty() ? "" : "、") + ia.item;
      std::set<std::string> missing;
      for (const ChapterCoverage& ch : a.chapters) missing.insert(ch.missing.begin(), ch.missing.end());
      std::vector<std::vector<json>> rows;
      for (const Section& ch : model.sections()) {
        for (const Item& m : model.items()) {
          if (&model.chapter_of(m) != &ch) continue;
          const auto it = by.find(m.id);
          rows.push_back({ch.clause + "　" + ch.title, m.id, filled(m.question, checklist),
                          it != by.end()        ? "対応あり"
                          : missing.count(m.id) ? "不足"
                                                : "対象外",
                          it == by.end() ? "" : it->second});
        }
      }
      return csv_text({"章", "標準点検表の項目", "対策", "対応", "対応する点検項目"}, rows);
    }
    case ReportFormat::html:
    case ReportFormat::markdown: {
      Templates templates(options.template_dirs);
      const bool html = format == ReportFormat::html;
      return templates.render(html ? "coverage.html.mustache" : "coverage.md.mustache", v,
                              html ? Escape::html : Escape::markdown);
    }
  }
  return {};
}

}  // namespace libaudit
