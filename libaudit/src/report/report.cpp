// Reports (libaudit/report/report.h, docs/reports.md): the view models of the four reports, built
// from scoring and findings; CSV and JSON written from them; HTML and Markdown rendered from
// Mustache templates (report_template.cpp).
#include "libaudit/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "libaudit/audit/plan.h"
#include "libaudit/audit/workpapers.h"
#include "libaudit/base/csv.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/exchange/collection.h"
#include "libaudit/scoring/publication.h"
#include "libaudit/store/applicability.h"
#include "libaudit/store/evidence.h"
#include "report/report_findings.h"
#include "report/report_format.h"
#include "report/report_svg.h"
#include "report/report_template.h"
#include "report/report_text.h"

namespace libaudit {

using json = nlohmann::ordered_json;
using namespace report_detail;

// ---- names -----------------------------------------------------------------------------

namespace {
constexpr EnumName<ReportKind> kReportKinds[] = {
    {ReportKind::committee, "committee"}, {ReportKind::department, "department"},
    {ReportKind::audit, "audit"},         {ReportKind::findings, "findings"},
    {ReportKind::plan, "plan"},           {ReportKind::workpapers, "workpapers"}};
constexpr EnumName<ReportFormat> kReportFormats[] = {{ReportFormat::html, "html"},
                                                     {ReportFormat::markdown, "md"},
                                                     {ReportFormat::csv, "csv"},
                                                     {ReportFormat::json, "json"},
                                                     {ReportFormat::markdown, "markdown"}};  // parsed, not printed
}  // namespace

std::string_view to_string(ReportKind k) noexcept { return name_of(kReportKinds, k, "committee"); }

std::string_view to_string(ReportFormat f) noexcept { return name_of(kReportFormats, f, "html"); }

ReportKind parse_report_kind(std::string_view s) {
  if (const auto k = value_of(kReportKinds, s)) return *k;
  throw NotFoundError(message("unknown report '{report}' (committee, department, audit, findings, plan, workpapers)",
                              fmt::arg("report", s)));
}

ReportFormat parse_report_format(std::string_view s) {
  if (const auto f = value_of(kReportFormats, s)) return *f;
  throw NotFoundError(message("unknown report format '{format}' (html, md, csv, json)", fmt::arg("format", s)));
}

// ---- Japanese numbers ---------------------------------------------------------

namespace {

json jnum(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

// The sign of a change as printed: -1, 0 (it rounds to 0.0) or +1.
int printed_sign(double x) {
  const std::string s = decimal1(x);
  return s == "0.0" ? 0 : s.front() == '-' ? -1 : 1;
}

// "+3.2pt", "−1.0pt", "±0.0pt"; "—" without a change.
std::string change_text(double x) {
  if (std::isnan(x)) return "—";
  const int sign = printed_sign(x);
  return (sign > 0 ? "+" : sign < 0 ? "−" : "±") + decimal1(std::abs(x)) + "pt";
}

// ↑ ↓ →, on the change as printed (→ when it prints as ±0.0pt).
std::string arrow(double x) {
  if (std::isnan(x)) return "";
  const int sign = printed_sign(x);
  return sign > 0 ? "↑" : sign < 0 ? "↓" : "→";
}

std::string date_text(const Date& d) { return wareki_date(d) + "（" + d.to_string() + "）"; }

// The 年度's dates in 和暦 only ("令和7年4月1日～令和8年3月31日"): templates print it inside
// brackets ("令和7年度（…）"), so it carries none of its own; the Western dates are period_iso.
std::string period_text(int fiscal_year) {
  return wareki_date(fiscal_year_start(fiscal_year)) + "～" + wareki_date(fiscal_year_end(fiscal_year));
}

// The non-empty lines of `s` (a finding's criterion holds one clause a line).
json lines_of(std::string_view s) {
  json out = json::array();
  while (!s.empty()) {
    const std::size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.push_back(std::string(line));
    s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  }
  return out;
}

std::string period_iso(int fiscal_year) {
  return fiscal_year_start(fiscal_year).to_string() + "～" + fiscal_year_end(fiscal_year).to_string();
}

std::string kind_label(CycleKind k) { return std::string(label_of(Vocabulary::cycle_kind, to_string(k))); }

constexpr Severity kSeverities[] = {Severity::major_nonconformity, Severity::minor_nonconformity, Severity::observation,
                                    Severity::recommendation};
constexpr FindingState kStates[] = {FindingState::open,           FindingState::plan_submitted,
                                    FindingState::in_remediation, FindingState::remediation_reported,
                                    FindingState::verified,       FindingState::risk_accepted};

}  // namespace

// ---- The Reporter --------------------------------------------------------------------------

struct Reporter::Impl {
  RenderOptions options;
  CycleAt at;  // the cycle read at its point (CycleAt): data and scoring come from it
  Date as_of;
  std::string body;
  CycleData data;
  std::optional<Publication> publication;  // a closed cycle's latest edition
  std::vector<Reopening> reopenings;
  TrailPoint anchor;                                   // what the report prints as its trail anchor
  std::set<std::pair<std::string, std::string>> late;  // (課, item) answered after the first close
  std::optional<CycleData> previous;
  ScoreOptions scoring;

  // Scores of the cycle.
  ScoreTable by_department, by_parent, by_chapter, by_body;
  ScoreMatrix matrix;
  std::vector<GroupScore> weakest;
  // Previous cycle, keyed.
  std::map<std::string, double> prev_department, prev_chapter, prev_parent;
  double prev_body = kNoScore;
  std::optional<double> prev_body_level;  // the earlier cycle's 全庁共通事項 rate, when it has the block
  std::vector<std::pair<std::string, double>> history;  // (年度 label, body rate), oldest first

  std::map<std::string, Department> departments;  // every node by code
  std::vector<System> systems;
  StoredChecklist stored_checklist;
  std::map<std::pair<std::string, std::string>, std::string> comments;  // (課, item) -> comment
  ReportFindings findings;
  std::map<std::int64_t, Cycle> cycles;
  exchange::CollectionStatus collection;  // 回収状況 as of the report's day (collection.h)
  // The working papers (監査調書) each finding of the cycle was raised from (workpapers.h).
  std::map<std::int64_t, std::vector<WorkingPaper>> papers;
  std::vector<WorkingPaper> cycle_papers;  // every working paper of the cycle (by 課, item)
  std::optional<AuditPlan> plan;           // options.plan's
  // The evidence files examined (evidence.h), by target (kind, key): each item's last revision
  // added by the report's point, unless withdrawn or purged.
  std::map<std::pair<std::string, std::string>, std::vector<EvidenceFile>> evidence_files;
  PlanCoverage coverage;  // 監査実施状況 for the committee report (plan.h)

  Templates templates;

  // Everything is read at one point of the trail (docs/scoring.md, "As of"): a closed cycle at
  // its close, another at the end of options.as_of (default today) in Japan.
  Impl(const Store& store, RenderOptions o)
      : options(std::move(o)),
        at(CycleAt::load(store, options.cycle, options.scoring, options.at)),
        data(at.data),
        templates(options.template_dirs) {
    const bool closed = data.cycle().status == CycleStatus::closed;
    // The day the report is dated and overdue, age and expiry count from: a closed cycle's close
    // day (its figures are the close's, whatever day is asked), else the day asked, else today.
    as_of = closed && !at.point.at.empty() ? japan_date_of(at.point.at)
            : options.as_of                ? *options.as_of
                                           : today_japan();
    body = data.body().empty() ? store.body() : data.body();
    for (const Department& d : store.departments_at(at.point.seq)) departments.emplace(d.code, d);
    systems = store.systems_at(at.point.seq);
    stored_checklist = store.stored_checklist(data.cycle().checklist);
    for (const Cycle& c : store.cycles()) cycles.emplace(c.id, c);
    cycle_papers = WorkingPapers(store).list(options.cycle);
    for (const WorkingPaper& w : cycle_papers)
      for (const std::int64_t f : w.findings) papers[f].push_back(w);
    if (options.plan) plan = AuditPlans(store).get(options.plan);  // NotFoundError
    load_evidence(store);
    coverage = plan_coverage(store, data.cycle().fiscal_year);
    for (const Response& r : store.responses(options.cycle))
      if (!r.comment.empty()) comments.emplace(std::pair{r.department, r.item}, r.comment);
    {
      FollowupAt f = followup_at(store, at.point);
      findings.available = true;
      findings.findings = std::move(f.findings);
      findings.exceptions = std::move(f.exceptions);
    }
    scoring = at.options;  // with the exceptions that count for the cycle (CycleAt)
    collection = exchange::collection_status(store, options.cycle, as_of, options.at ? *options.at : now_utc_iso());

    // The edition and the anchor: a published cycle prints its publication record, any other
    // the point it was read at.
    const Publications pubs(store);
    if (closed) publication = pubs.latest(options.cycle);
    anchor = publication && publication->record.seq ? publication->record : at.point;
    if (publication && publication->edition > 1) reopenings = pubs.reopenings(options.cycle);
    const std::vector<TrailPoint> closes = store.cycle_closes(options.cycle);
    if (!closes.empty())
      for (const ResponseWrite& w : store.responses_written_after(options.cycle, closes.front().seq))
        if (w.version.seq <= at.point.seq) late.insert({w.department, w.item});

    if (!options.department.empty() &&
        !std::count(data.cycle().departments.begin(), data.cycle().departments.end(), options.department))
      throw NotFoundError(message("department '{department}' is not a target of cycle {cycle}",
                                  fmt::arg("department", options.department), fmt::arg("cycle", options.cycle)));

    by_department = score(data, GroupBy::department, scoring);
    by_parent = score(data, GroupBy::parent, scoring);
    by_chapter = score(data, GroupBy::chapter, scoring);
    by_body = score(data, GroupBy::body, scoring);
    matrix = score_matrix(data, scoring);
    weakest = weakest_items(data, options.weakest, scoring);

    // Each earlier cycle by the same rule, with its own exceptions: the figure `score` gives it.
    const auto earlier = [&](std::int64_t id) {
      // An earlier cycle still open is read at this one's point: "~" sorts after every digit and
      // "Z", so the bound includes the records of the point's own transaction.
      return CycleAt::load(store, id, options.scoring,
                           at.point.seq ? std::optional<std::string>(at.point.at + "~") : std::nullopt);
    };
    if (options.compare) {
      const CycleAt before = earlier(*options.compare);
      previous.emplace(before.data);
      for (const GroupScore& g : score(*previous, GroupBy::department, before.options).rows)
        prev_department[g.group] = g.score;
      for (const GroupScore& g : score(*previous, GroupBy::chapter, before.options).rows)
        prev_chapter[g.group] = g.score;
      for (const GroupScore& g : score(*previous, GroupBy::parent, before.options).rows) prev_parent[g.group] = g.score;
      const ScoreTable b = score(*previous, GroupBy::body, before.options);
      if (!b.rows.empty()) prev_body = b.rows.front().score;
      if (b.body_level) prev_body_level = b.body_level->score;
    }

    // History: the latest cycle of each earlier 年度 of the same kind and checklist (any version).
    std::map<int, std::int64_t> per_year;
    for (const auto& [id, c] : cycles) {
      if (c.kind != data.cycle().kind || c.fiscal_year >= data.cycle().fiscal_year) continue;
      try {
        if (store.stored_checklist(c.checklist).checklist_id != stored_checklist.checklist_id) continue;
      } catch (const NotFoundError&) {
        continue;
      }
      per_year[c.fiscal_year] = std::max(per_year[c.fiscal_year], id);
    }
    for (const auto& [year, id] : per_year) {
      double v = kNoScore;
      if (previous && previous->cycle().id == id) {
        v = prev_body;
      } else {
        const CycleAt c = earlier(id);
        const auto rows = score(c.data, GroupBy::body, c.options).rows;
        if (!rows.empty()) v = rows.front().score;
      }
      history.emplace_back(fiscal_year_label(year), v);
    }
    history.emplace_back(fiscal_year_label(data.cycle().fiscal_year), body_rate());
  }

  double body_rate() const { return by_body.rows.empty() ? kNoScore : by_body.rows.front().score; }

  const Department* dept(const std::string& code) const {
    auto it = departments.find(code);
    return it == departments.end() ? nullptr : &it->second;
  }
  std::string dept_name(const std::string& code) const {
    const Department* d = dept(code);
    return d ? d->name : code;
  }
  std::string parent_name(const std::string& code) const {
    const Department* d = dept(code);
    return d && !d->parent_code.empty() ? dept_name(d->parent_code) : "";
  }

  // ---- pieces of the view models

  json cycle_json(const Cycle& c) const {
    return json{{"id", c.id},
                {"name", c.name},
                {"kind", std::string(to_string(c.kind))},
                {"kind_label", kind_label(c.kind)},
                {"status", std::string(to_string(c.status))},
                {"fiscal_year", c.fiscal_year},
                {"fiscal_year_label", fiscal_year_label(c.fiscal_year)},
                {"period_text", period_text(c.fiscal_year)},
                {"period_iso", period_iso(c.fiscal_year)},
                {"departments", c.departments.size()}};
  }

  json common(ReportKind kind, const std::string& default_title) const {
    const Checklist& cl = data.checklist();
    json v;
    const std::string title = options.title.empty() ? default_title : options.title;
    v["report"] = json{{"kind", std::string(to_string(kind))},
                       {"title", title},
                       {"running_head_css", css_string(title + "　" + body)},
                       {"generator", std::string("libaudit ") + LIBAUDIT_VERSION}};
    v["body"] = body;
    v["as_of"] = json{{"date", as_of.to_string()}, {"wareki", wareki_date(as_of)}, {"text", date_text(as_of)}};
    v["cycle"] = cycle_json(data.cycle());
    v["checklist"] = json{{"id", cl.id()},
                          {"title", cl.title()},
                          {"version", cl.version()},
                          {"body", cl.body()},
                          {"source_title", cl.source().title},
                          {"source_revised", cl.source().revised},
                          {"items", cl.size()}};
    v["has_compare"] = previous.has_value();
    v["compare"] = previous ? cycle_json(previous->cycle()) : cycle_json(Cycle{});
    v["model"] = json{{"name", scoring.model}, {"label", scoring.model == "rate" ? "実施率" : scoring.model}};
    v["anchor"] = anchor_json();
    v["edition"] = edition_json();
    return v;
  }

  // The trail anchor the report prints: verify --anchor REPORT.json checks the trail still holds it.
  json anchor_json() const {
    return json{{"seq", anchor.seq},
                {"hash", anchor.hash},
                {"short", trail_short_hash(anchor.hash)},
                {"text", trail_anchor_text(anchor.seq, anchor.hash)},
                {"at", anchor.at}};
  }

  std::string answer_text(const std::string& code) const {
    return code.empty() ? std::string("（未回答）") : std::string(label_of(Vocabulary::answer, code));
  }

  // The edition of a published (closed) cycle and, from the second on, what changed since the
  // one before (Publication::changes).
  json edition_json() const {
    const int n = publication ? publication->edition : 0;
    json late_rows = json::array(), score_rows = json::array(), exception_rows = json::array();
    json reopening = json{{"number", 0}, {"reason", ""}, {"by", ""}, {"at_text", ""}};
    if (publication && n > 1) {
      const nlohmann::json ch = nlohmann::json::parse(publication->changes, nullptr, false);
      if (ch.is_object()) {
        for (const auto& r : ch.value("late_answers", nlohmann::json::array())) {
          if (!r.is_array() || r.size() != 4) continue;
          const std::string dept = r[0].get<std::string>(), item = r[1].get<std::string>();
          late_rows.push_back(json{{"department", dept},
                                   {"department_name", dept_name(dept)},
                                   {"item", item},
                                   {"before", answer_text(r[2].get<std::string>())},
                                   {"after", answer_text(r[3].get<std::string>())}});
        }
        for (const auto& r : ch.value("scores", nlohmann::json::array())) {
          const auto rate = [](const nlohmann::json& x) {
            return x.is_number() ? pct(x.get<double>()) : pct(kNoScore);
          };
          score_rows.push_back(json{{"scope", r.value("by", "") == "body" ? "全体" : "課"},
                                    {"group", r.value("group", "")},
                                    {"name", r.value("name", "")},
                                    {"before_text", rate(r["before"])},
                                    {"after_text", rate(r["after"])}});
        }
        for (const auto& r : ch.value("exceptions", nlohmann::json::array())) {
          if (!r.is_array() || r.size() != 2) continue;
          const std::string dept = r[0].get<std::string>();
          exception_rows.push_back(
              json{{"department", dept}, {"department_name", dept_name(dept)}, {"item", r[1].get<std::string>()}});
        }
        if (ch.contains("reopening") && ch["reopening"].is_object()) {
          const auto& o = ch["reopening"];
          const std::string when = o.value("at", "");
          const auto day = try_japan_date_of(when);
          reopening = json{{"number", o.value("number", 0)},
                           {"reason", o.value("reason", "")},
                           {"by", o.value("by", "")},
                           {"at_text", day ? date_text(*day) : when}};
        }
      }
    }
    return json{{"number", n},
                {"published", publication.has_value()},
                {"label", n                                            ? "第" + std::to_string(n) + "版"
                          : data.cycle().status == CycleStatus::closed ? std::string("締切済み（公表の記録なし）")
                                                                       : std::string("速報（未締切）")},
                {"revised", n > 1},
                {"closed_text", publication ? date_text(japan_date_of(publication->closed_at)) : std::string()},
                {"reopening", std::move(reopening)},
                {"has_late_answers", !late_rows.empty()},
                {"late_answers", std::move(late_rows)},
                {"has_new_exceptions", !exception_rows.empty()},
                {"new_exceptions", std::move(exception_rows)},
                {"has_score_changes", !score_rows.empty()},
                {"score_changes", std::move(score_rows)}};
  }

  json counts_json(const Counts& c) const {
    return json{{"pairs", c.pairs},
                {"applicable", c.applicable()},
                {"answered", c.answered()},
                {"unanswered", c.unanswered},
                {"not_applicable", c.not_applicable},
                {"excepted", c.excepted},
                {"implemented", c.implemented},
                {"partial", c.partial},
                {"not_implemented", c.not_implemented},
                {"unknown", c.unknown}};
  }

  json score_json(const GroupScore& g) const {
    json v{{"code", g.group},
           {"name", g.name},
           {"rate", jnum(g.score)},
           {"rate_text", pct(g.score)},
           {"response_rate", jnum(g.counts.response_rate())},
           {"response_rate_text", pct(g.counts.response_rate())},
           {"deviation_text", std::isnan(g.deviation) ? "—" : decimal1(g.deviation)}};
    v.update(counts_json(g.counts));
    return v;
  }

  void add_change(json& v, double now, std::optional<double> before) const {
    const double b = before ? *before : kNoScore;
    const double ch = std::isnan(now) || std::isnan(b) ? kNoScore : now - b;
    v["has_previous"] = !std::isnan(b);
    v["previous_rate"] = jnum(b);
    v["previous_rate_text"] = pct(b);
    v["change"] = jnum(ch);
    v["change_text"] = change_text(ch);
    v["arrow"] = arrow(ch);
  }

  std::optional<double> prev_of(const std::map<std::string, double>& m, const std::string& key) const {
    if (!previous) return std::nullopt;
    auto it = m.find(key);
    return it == m.end() ? std::nullopt : std::optional<double>(it->second);
  }

  std::string chapter_label(const Section& s) const { return s.clause + " " + s.title; }

  json item_json(const Item& it) const {
    const Section& ch = data.checklist().chapter_of(it);
    return json{{"id", it.id}, {"clause", it.clause}, {"question", it.question}, {"chapter", chapter_label(ch)}};
  }

  std::string items_text(const std::vector<std::string>& ids, const Checklist& cl) const {
    std::string out;
    for (const std::string& id : ids) {
      const Item* it = cl.find_item(id);
      out += (out.empty() ? "" : "、") + (it ? it->clause : id);
    }
    return out;
  }

  // Findings in scope of a report on this cycle: those of the same 年度, and those of earlier
  // 年度 still open (carried over). Drafts and discarded ones are never reported.
  bool finding_in_scope(const Finding& f) const {
    if (f.state == FindingState::draft || f.state == FindingState::discarded) return false;
    auto it = cycles.find(f.cycle);
    const int year = it == cycles.end() ? data.cycle().fiscal_year : it->second.fiscal_year;
    if (year == data.cycle().fiscal_year) return true;
    return year < data.cycle().fiscal_year && !is_closed(f.state);
  }

  void load_evidence(const Store& store) {
    std::map<std::int64_t, EvidenceFile> last;  // by item: its last revision by the point
    for (EvidenceFile& e : Evidence(store).list())
      if ((e.target_kind == "finding" || e.target_kind == "working_paper") &&
          (at.point.at.empty() || e.added_at <= at.point.at))
        last[e.id] = std::move(e);
    for (auto& [id, e] : last)
      if (e.status == EvidenceStatus::active) evidence_files[{e.target_kind, e.target_key}].push_back(std::move(e));
  }

  // The evidence files of a target, for a template: title, file name, evidence date, SHA-256 short.
  void add_evidence(json& out, const std::string& kind, std::int64_t key, const std::string& via) const {
    const auto it = evidence_files.find({kind, std::to_string(key)});
    if (it == evidence_files.end()) return;
    for (const EvidenceFile& e : it->second)
      out.push_back(json{{"id", e.id},
                         {"revision", e.revision},
                         {"title", e.title.empty() ? e.file_name : e.title},
                         {"file_name", e.file_name},
                         {"evidence_date", e.evidence_date.empty() ? "—" : e.evidence_date},
                         {"sha256_short", e.sha256.substr(0, 12)},
                         {"via", via},
                         {"has_via", !via.empty()}});
  }

  json finding_json(const Finding& f) const {
    const bool closed = is_closed(f.state);
    const bool overdue = !closed && f.state != FindingState::draft && f.due < as_of;
    const auto raised = try_japan_date_of(f.raised_at);
    const auto until = closed ? try_japan_date_of(f.updated_at) : std::optional<Date>(as_of);
    const long age = raised && until ? std::max(0L, long(days_between(*raised, *until))) : 0;
    const long late = overdue ? long(days_between(f.due, as_of)) : 0;
    auto cit = cycles.find(f.cycle);
    const Department* d = dept(f.department);
    json items = json::array();
    for (const std::string& id : f.items) {
      const Item* it = data.checklist().find_item(id);
      items.push_back(json{{"id", id},
                           {"clause", it ? it->clause : id},
                           {"question", it ? it->question : ""},
                           {"first", items.empty()}});
    }
    const std::size_t checks_done = f.checks_total - std::min(f.checks_open, f.checks_total);
    json cited = json::array();
    if (const auto pit = papers.find(f.id); pit != papers.end())
      for (const WorkingPaper& w : pit->second)
        cited.push_back(
            json{{"id", w.id},
                 {"number", "調書No." + std::to_string(w.id)},
                 {"method_label", label_of(Vocabulary::audit_method, to_string(w.method))},
                 {"judgement_label", w.judgement ? label_of(Vocabulary::audit_judgement, to_string(*w.judgement)) : ""},
                 {"examined_on", w.examined_on.to_string()},
                 {"auditor", w.auditor},
                 {"observed", w.observed},
                 {"reviewed_by", w.reviewed_by}});
    json files = json::array();
    add_evidence(files, "finding", f.id, "");
    if (const auto pit = papers.find(f.id); pit != papers.end())
      for (const WorkingPaper& w : pit->second)
        add_evidence(files, "working_paper", w.id, "調書No." + std::to_string(w.id));
    return json{
        {"workpapers", cited},
        {"has_workpapers", !cited.empty()},
        {"evidence_files", files},
        {"has_evidence_files", !files.empty()},
        {"id", f.id},
        {"number", "No." + std::to_string(f.id)},
        {"cycle_name", cit == cycles.end() ? "" : cit->second.name},
        {"department_code", f.department},
        {"department_name", dept_name(f.department)},
        {"parent_name", parent_name(f.department)},
        {"owner", d ? d->security_manager : ""},
        {"items_text", items_text(f.items, data.checklist())},
        {"items", items},
        {"severity", std::string(to_string(f.severity))},
        {"severity_label", severity_label(f.severity)},
        {"state", std::string(to_string(f.state))},
        {"state_label", state_label(f.state)},
        {"closed", closed},
        {"condition", f.condition},
        {"criterion", f.criterion},
        {"criteria", lines_of(f.criterion)},
        {"evidence", f.evidence},
        {"recommendation", f.recommendation},
        {"due", f.due.to_string()},
        {"due_text", date_text(f.due)},
        {"due_wareki", wareki_date(f.due)},
        {"raised_by", f.raised_by},
        {"raised_on", raised ? raised->to_string() : ""},
        {"age_days", age},
        {"overdue", overdue},
        {"overdue_days", late},
        {"overdue_text", overdue ? std::to_string(late) + "日超過" : ""},
        {"checks_total", f.checks_total},
        {"checks_done", checks_done},
        {"lateral_text",
         f.checks_total ? std::to_string(checks_done) + "/" + std::to_string(f.checks_total) + "課 回答済" : ""}};
  }

  json exception_json(const ExceptionRecord& e) const {
    const Item* it = data.checklist().find_item(e.item);
    const long left = days_between(as_of, e.end);
    const bool in_force = e.in_force(as_of);
    return json{{"id", e.id},
                {"department_code", e.department},
                {"department_name", dept_name(e.department)},
                {"item", e.item},
                {"clause", it ? it->clause : e.item},
                {"question", it ? it->question : ""},
                {"system", e.system},
                {"reason", e.reason},
                {"compensating_measure", e.compensating_measure},
                {"start_text", wareki_date(e.start)},
                {"end_text", wareki_date(e.end)},
                {"period_text", wareki_date(e.start) + "～" + wareki_date(e.end)},
                {"emergency", e.emergency},
                {"status_label", exception_status_label(e.status)},
                {"in_force", in_force},
                {"days_left", left},
                {"expiring", in_force && left <= options.expiring_days}};
  }

  // The findings block shared by the committee report and the register.
  json findings_summary(const std::vector<const Finding*>& fs) const {
    json rows = json::array(), overdue = json::array(), lateral = json::array(), by_sev = json::array(),
         by_state = json::array();
    std::size_t open = 0, n_overdue = 0;
    for (const Finding* f : fs) {
      json r = finding_json(*f);
      if (!r["closed"].get<bool>()) ++open;
      if (r["overdue"].get<bool>()) {
        ++n_overdue;
        overdue.push_back(r);
      }
      if (f->checks_total) lateral.push_back(r);
      rows.push_back(std::move(r));
    }
    std::stable_sort(overdue.begin(), overdue.end(), [](const json& a, const json& b) {
      return a["overdue_days"].get<long>() > b["overdue_days"].get<long>();
    });
    for (Severity s : kSeverities) {
      std::size_t total = 0, o = 0, late = 0;
      for (const Finding* f : fs)
        if (f->severity == s) {
          ++total;
          if (!is_closed(f->state)) ++o;
          if (!is_closed(f->state) && f->due < as_of) ++late;
        }
      by_sev.push_back(json{{"label", severity_label(s)},
                            {"severity", std::string(to_string(s))},
                            {"total", total},
                            {"open", o},
                            {"closed", total - o},
                            {"overdue", late}});
    }
    for (FindingState st : kStates) {
      std::size_t n = 0;
      for (const Finding* f : fs) n += f->state == st;
      by_state.push_back(json{{"label", state_label(st)}, {"state", std::string(to_string(st))}, {"count", n}});
    }
    std::size_t checks_total = 0, checks_done = 0;
    for (const Finding* f : fs) {
      checks_total += f->checks_total;
      checks_done += f->checks_total - std::min(f->checks_open, f->checks_total);
    }
    return json{{"available", findings.available},
                {"has_any", !fs.empty()},
                {"total", fs.size()},
                {"open", open},
                {"closed", fs.size() - open},
                {"overdue_count", n_overdue},
                {"has_overdue", n_overdue > 0},
                {"by_severity", by_sev},
                {"by_state", by_state},
                {"rows", rows},
                {"overdue", overdue},
                {"has_lateral", !lateral.empty()},
                {"lateral", lateral},
                {"lateral_text", checks_total ? std::to_string(checks_done) + "/" + std::to_string(checks_total) +
                                                    "件 回答済（" +
                                                    pct(100.0 * double(checks_done) / double(checks_total)) + "）"
                                              : "—"}};
  }

  std::vector<const Finding*> scoped_findings(const std::string& department = {}, bool open_only = false) const {
    std::vector<const Finding*> out;
    for (const Finding& f : findings.findings) {
      if (!finding_in_scope(f)) continue;
      if (!department.empty() && f.department != department) continue;
      if (open_only && is_closed(f.state)) continue;
      out.push_back(&f);
    }
    return out;
  }

  json exceptions_block(const std::string& department = {}) const {
    json in_force = json::array(), expiring = json::array(), other = json::array();
    for (const ExceptionRecord& e : findings.exceptions) {
      if (!department.empty() && e.department != department) continue;
      json r = exception_json(e);
      if (r["in_force"].get<bool>()) {
        if (r["expiring"].get<bool>()) expiring.push_back(r);
        in_force.push_back(std::move(r));
      } else if (e.status == ExceptionStatus::requested || e.status == ExceptionStatus::taken ||
                 e.status == ExceptionStatus::reported || (e.status == ExceptionStatus::approved && as_of < e.start)) {
        other.push_back(std::move(r));
      }
    }
    return json{{"available", findings.available},       {"has_in_force", !in_force.empty()},
                {"count_in_force", in_force.size()},     {"in_force", in_force},
                {"has_expiring", !expiring.empty()},     {"expiring", expiring},
                {"has_pending", !other.empty()},         {"pending", other},
                {"expiring_days", options.expiring_days}};
  }

  // ---- the four view models

  // The committee report: the summary, then one block per table of the report.
  json committee() const {
    json v = common(ReportKind::committee, fiscal_year_label(data.cycle().fiscal_year) + " 情報セキュリティ" +
                                               kind_label(data.cycle().kind) + "結果報告");
    json na = json::array(), incomplete = json::array();
    v["summary"] = committee_summary(na, incomplete);
    v["parents"] = parent_rows();
    v["departments"] = department_ranking();
    v["chapters"] = chapter_rows();
    v["matrix"] = json{{"rows", matrix_rows()}};
    v["weakest"] = weakest_rows();
    v["has_weakest"] = !v["weakest"].empty();
    v["weakest_count"] = v["weakest"].size();
    v["trend"] = trend_rows();
    v["has_trend"] = history.size() >= 3;
    v["findings"] = findings_summary(scoped_findings());
    v["exceptions"] = exceptions_block();
    v["not_answered"] = na;
    v["has_not_answered"] = !na.empty();
    v["incomplete"] = incomplete;
    v["has_incomplete"] = !incomplete.empty();
    v["late_returns"] = late_returns();
    v["has_late_returns"] = !v["late_returns"].empty();
    v["body_level"] = body_level_block();
    v["audit_coverage"] = coverage_block();
    return v;
  }

  // 監査実施状況 (plan_coverage): the 課 audited this 年度 and over the plan's rotation period, and
  // those not audited in that period; "has" is false when the store has no audit at all.
  json coverage_block() const {
    const PlanCoverage& c = coverage;
    const std::size_t total = c.departments.size();
    const long percent = total ? std::lround(100.0 * double(c.in_period.size()) / double(total)) : 0;
    json missing = json::array();
    for (const std::string& code : c.not_in_period)
      missing.push_back(json{{"code", code}, {"name", dept_name(code)}, {"parent_name", parent_name(code)}});
    const std::string text = "監査実施状況：今年度 " + std::to_string(c.this_year.size()) + "課 / 全" +
                             std::to_string(total) + "課、過去" + std::to_string(c.rotation) + "年間 " +
                             std::to_string(c.in_period.size()) + "課（" + std::to_string(percent) + "%）";
    return json{{"has", c.has_plan},
                {"text", text},
                {"this_year", c.this_year.size()},
                {"total", total},
                {"rotation", c.rotation},
                {"in_period", c.in_period.size()},
                {"percent", percent},
                {"not_audited", missing},
                {"has_not_audited", !missing.empty()},
                {"not_audited_count", missing.size()}};
  }

  // 全庁共通事項 (docs/scoring.md, "Body-level items"): the body-level items the cycle's
  // secretariat answers once for the whole body, each with its answer, and the block's rate
  // (ScoreTable::body_level), apart from every 課's rate; "has" is false when the cycle has none.
  json body_level_block() const {
    if (!by_body.body_level) return json{{"has", false}};
    json v = score_json(*by_body.body_level);
    v["has"] = true;
    add_change(v, by_body.body_level->score, previous ? prev_body_level : std::nullopt);
    const std::optional<std::size_t> s = data.secretariat();
    v["secretariat_code"] = data.cycle().secretariat;
    v["secretariat_name"] = s ? data.departments()[*s].name : data.cycle().secretariat;
    json items = json::array();
    const auto& all = data.checklist().items();
    for (std::size_t i = 0; s && i < all.size(); ++i) {
      if (!data.body_level(i)) continue;
      const Pair p = pair_of(*s, i);
      if (p == Pair::outside) continue;
      json r = item_json(all[i]);
      r["answer_label"] = pair_label(p, data.answer(*s, i));
      auto cm = comments.find({data.cycle().secretariat, all[i].id});
      r["comment"] = cm == comments.end() ? "" : cm->second;
      items.push_back(std::move(r));
    }
    v["has_items"] = !items.empty();
    v["items"] = std::move(items);
    return v;
  }

  // The 課 that answered nothing, with where their questionnaire stands (回収状況,
  // exchange::collection_status: the rule `libaudit cycle status` prints).
  json not_answered_rows(std::size_t& not_answered) const {
    json rows = json::array();
    for (const exchange::CollectionRow& c : collection.rows) {
      if (c.answered) continue;
      ++not_answered;
      rows.push_back(collection_json(c));
    }
    return rows;
  }

  static json collection_json(const exchange::CollectionRow& c) {
    const std::string deadline = c.deadline.empty() ? "" : date_text(parse_date(c.deadline));
    return json{{"code", c.department},
                {"name", c.name},
                {"parent_name", c.parent_name},
                {"applicable", c.items},
                {"status", std::string(exchange::to_string(c.status))},
                {"status_label", std::string(label_of(Vocabulary::collection_status, exchange::to_string(c.status)))},
                {"deadline", c.deadline},
                {"deadline_text", deadline.empty() ? "—" : deadline},
                {"returned_at", c.returned_at},
                {"returned_text", c.returned ? date_text(japan_date_of(c.returned_at)) : "—"},
                {"late", c.late}};
  }

  // The 課 that returned their questionnaire after its 回答期限.
  json late_returns() const {
    json rows = json::array();
    for (const exchange::CollectionRow& c : collection.rows)
      if (c.status == exchange::Collection::returned_late) rows.push_back(collection_json(c));
    return rows;
  }

  // The body's figures and the spread over 課; the 課 that answered nothing go to
  // `not_answered_rows`, those that left items unanswered to `incomplete`.
  json committee_summary(json& not_answered_rows_out, json& incomplete) const {
    const double all = body_rate();
    const GroupScore* b = by_body.rows.empty() ? nullptr : &by_body.rows.front();
    std::size_t not_answered = 0;
    not_answered_rows_out = not_answered_rows(not_answered);
    for (const GroupScore& g : by_department.rows) {
      if (g.counts.answered() == 0 || g.counts.unanswered == 0) continue;
      incomplete.push_back(json{{"code", g.group},
                                {"name", g.name},
                                {"parent_name", parent_name(g.group)},
                                {"response_rate_text", pct(g.counts.response_rate())},
                                {"unanswered", g.counts.unanswered},
                                {"applicable", g.counts.applicable()}});
    }
    const Distribution& d = by_department.distribution;
    json summary{{"rate", jnum(all)},
                 {"rate_text", pct(all)},
                 {"response_rate_text", b ? pct(b->counts.response_rate()) : "—"},
                 {"departments", by_department.rows.size()},
                 {"departments_answered", by_department.rows.size() - not_answered},
                 {"departments_not_answered", not_answered},
                 {"parents", by_parent.rows.size()},
                 {"items", data.checklist().size()},
                 {"mean_text", pct(d.mean)},
                 {"sd_text", std::isnan(d.sd) ? "—" : decimal1(d.sd)},
                 {"min_text", pct(d.min)},
                 {"median_text", pct(d.median)},
                 {"max_text", pct(d.max)}};
    if (b) summary.update(counts_json(b->counts));
    add_change(summary, all, previous ? std::optional<double>(prev_body) : std::nullopt);
    return summary;
  }

  // 部, with their number of 課 and change.
  json parent_rows() const {
    json parents = json::array();
    for (const GroupScore& g : by_parent.rows) {
      json r = score_json(g);
      std::size_t n = 0;
      for (const GroupScore& d : by_department.rows) n += d.parent == g.group;
      r["departments"] = n;
      add_change(r, g.score, prev_of(prev_parent, g.group));
      parents.push_back(std::move(r));
    }
    return parents;
  }

  // 課, sorted by rate (highest first; no score last), with rank and change.
  json department_ranking() const {
    const double all = body_rate();
    std::vector<const GroupScore*> sorted;
    for (const GroupScore& g : by_department.rows) sorted.push_back(&g);
    std::stable_sort(sorted.begin(), sorted.end(), [](const GroupScore* a, const GroupScore* b) {
      if (std::isnan(a->score)) return false;
      if (std::isnan(b->score)) return true;
      return a->score > b->score;
    });
    json depts = json::array();
    int rank = 0;
    for (const GroupScore* g : sorted) {
      json r = score_json(*g);
      r["rank"] = std::isnan(g->score) ? json("—") : json(std::to_string(++rank));
      r["parent_code"] = g->parent;
      r["parent_name"] = parent_name(g->group);
      r["below_average"] = !std::isnan(g->score) && !std::isnan(all) && g->score < all;
      add_change(r, g->score, prev_of(prev_department, g->group));
      depts.push_back(std::move(r));
    }
    return depts;
  }

  json chapter_rows() const {
    json chapters = json::array();
    for (const GroupScore& g : by_chapter.rows) {
      json r = score_json(g);
      const Section* s = data.checklist().find_section(g.group);
      r["label"] = s ? chapter_label(*s) : g.name;
      r["clause"] = s ? s->clause : g.group;
      add_change(r, g.score, prev_of(prev_chapter, g.group));
      chapters.push_back(std::move(r));
    }
    return chapters;
  }

  // The heatmap's numbers as a table too (Markdown, CSV, screen readers).
  json matrix_rows() const {
    json rows = json::array();
    for (std::size_t r = 0; r < matrix.rows.size(); ++r) {
      json cells = json::array();
      for (const GroupScore& cell : matrix.cells[r])
        cells.push_back(json{{"rate", jnum(cell.score)}, {"rate_text", pct(cell.score)}});
      rows.push_back(json{{"code", matrix.rows[r].group},
                          {"name", matrix.rows[r].name},
                          {"rate_text", pct(matrix.rows[r].score)},
                          {"cells", cells}});
    }
    return rows;
  }

  json weakest_rows() const {
    json weak = json::array();
    int rank = 0;
    for (const GroupScore& g : weakest) {
      json r = score_json(g);
      const Item* it = data.checklist().find_item(g.group);
      r["rank"] = ++rank;
      r["id"] = g.group;
      r["clause"] = it ? it->clause : g.group;
      r["question"] = it ? it->question : g.name;
      r["chapter"] = it ? chapter_label(data.checklist().chapter_of(*it)) : "";
      weak.push_back(std::move(r));
    }
    return weak;
  }

  json trend_rows() const {
    json trend = json::array();
    for (const auto& [label, rate] : history)
      trend.push_back(json{{"label", label}, {"rate", jnum(rate)}, {"rate_text", pct(rate)}});
    return trend;
  }

  std::size_t department_index(const std::string& code) const {
    const auto& ds = data.departments();
    for (std::size_t i = 0; i < ds.size(); ++i)
      if (ds[i].code == code) return i;
    throw NotFoundError(message("department '{department}' is not a target of cycle {cycle}",
                                fmt::arg("department", code), fmt::arg("cycle", data.cycle().id)));
  }

  // What one (課, item) pair is in this cycle, by the rule of scoring's Counts and in its order:
  // an item outside the cycle's audience or not answered by this 課 (a body-level item of another
  // 課: CycleData::in_scope) is not part of its cycle at all; then not
  // applicable (applies_to excludes the 課: `excluded`; or answered 該当しない), excepted (an
  // exception in force), unanswered, answered. The department sheet's item lists and its CSV rows
  // are both made from it, so that they tally to the sheet's counts.
  enum class Pair { outside, excluded, not_applicable, excepted, unanswered, answered };
  Pair pair_of(std::size_t di, std::size_t i) const {
    const Item& it = data.checklist().items()[i];
    if (!data.in_scope(di, i)) return Pair::outside;
    if (!data.applies(di, i)) return Pair::excluded;
    const auto a = data.answer(di, i);
    if (a == Answer::not_applicable) return Pair::not_applicable;
    if (scoring.exceptions.count({data.departments()[di].code, it.id})) return Pair::excepted;
    return a ? Pair::answered : Pair::unanswered;
  }

  // What a (課, item) pair shows as its answer: 対象外, 例外措置, 未回答 or the answer's label.
  static std::string pair_label(Pair p, std::optional<Answer> a) {
    if (p == Pair::excluded) return "対象外";
    if (p == Pair::excepted) return "例外措置";
    if (p == Pair::unanswered || !a) return "未回答";
    return std::string(answer_label(*a));
  }

  json department(const std::string& code_in) const {
    const std::string code = code_in.empty() ? options.department : code_in;
    if (code.empty())
      throw ValidationError({Diagnostic{"<options>", 1, 1, tr("the department sheet needs a department code")}});
    const std::size_t di = department_index(code);
    const ScoredDepartment& sd = data.departments()[di];
    json v = common(ReportKind::department, fiscal_year_label(data.cycle().fiscal_year) + " 情報セキュリティ" +
                                                kind_label(data.cycle().kind) + " 課別結果票（" + sd.name + "）");
    const Department* d = dept(code);
    const Department* parent = d && !d->parent_code.empty() ? dept(d->parent_code) : nullptr;
    v["department"] = json{{"code", code},
                           {"name", sd.name},
                           {"parent_code", sd.parent_code},
                           {"parent_name", parent ? parent->name : sd.parent_name},
                           {"security_manager", d ? d->security_manager : ""},
                           {"security_officer", parent ? parent->security_officer : ""}};
    const GroupScore& g = by_department.rows.at(di);
    const double all = body_rate();
    std::size_t ranked = 0, rank = 0;
    for (const GroupScore& o : by_department.rows)
      if (!std::isnan(o.score)) {
        ++ranked;
        if (!std::isnan(g.score) && o.score > g.score) ++rank;
      }
    json s = score_json(g);
    s["body_rate_text"] = pct(all);
    s["difference_text"] = std::isnan(g.score) || std::isnan(all) ? "—" : change_text(g.score - all);
    s["rank_text"] = std::isnan(g.score) ? "—" : std::to_string(ranked) + "課中" + std::to_string(rank + 1) + "位";
    s["above_average"] = !std::isnan(g.score) && !std::isnan(all) && g.score >= all;
    // Without a score the sheet says why in words, never "実施率は—であり".
    s["has_rate"] = !std::isnan(g.score);
    s["no_rate_text"] = std::isnan(g.score) ? g.counts.answered() == 0
                                                  ? "回答がないため実施率は算出できない"
                                                  : "実施率の算出の対象となる回答がないため実施率は算出できない"
                                            : "";
    add_change(s, g.score, prev_of(prev_department, code));
    v["summary"] = s;

    json chapters = json::array();
    for (std::size_t c = 0; c < matrix.columns.size(); ++c) {
      const GroupScore& mine = matrix.cells[di][c];
      const GroupScore& whole = matrix.columns[c];
      const Section* sec = data.checklist().find_section(whole.group);
      json r = score_json(mine);
      r["label"] = sec ? chapter_label(*sec) : whole.name;
      r["body_rate"] = jnum(whole.score);
      r["body_rate_text"] = pct(whole.score);
      const double diff = std::isnan(mine.score) || std::isnan(whole.score) ? kNoScore : mine.score - whole.score;
      r["difference_text"] = change_text(diff);
      r["arrow"] = arrow(diff);
      chapters.push_back(std::move(r));
    }
    v["chapters"] = chapters;

    json lists[3] = {json::array(), json::array(), json::array()};
    json unanswered = json::array();
    const auto& items = data.checklist().items();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Pair p = pair_of(di, i);
      // The secretariat's body-level items are its answers for the body: shown apart (body_level).
      if ((p != Pair::unanswered && p != Pair::answered) || data.body_level(i)) continue;
      const auto a = data.answer(di, i);
      json r = item_json(items[i]);
      auto cm = comments.find({code, items[i].id});
      r["comment"] = cm == comments.end() ? "" : cm->second;
      r["late"] = late.count({code, items[i].id}) > 0;  // answered after the first close (reopened)
      if (p == Pair::unanswered) {
        unanswered.push_back(std::move(r));
        continue;
      }
      r["answer_label"] = std::string(answer_label(*a));
      if (*a == Answer::not_implemented)
        lists[0].push_back(std::move(r));
      else if (*a == Answer::partial)
        lists[1].push_back(std::move(r));
      else if (*a == Answer::unknown)
        lists[2].push_back(std::move(r));
    }
    v["not_implemented"] = lists[0];
    v["has_not_implemented"] = !lists[0].empty();
    v["partial"] = lists[1];
    v["has_partial"] = !lists[1].empty();
    v["unknown"] = lists[2];
    v["has_unknown"] = !lists[2].empty();
    v["unanswered_items"] = unanswered;
    v["has_unanswered_items"] = !unanswered.empty();

    json open = json::array();
    for (const Finding* f : scoped_findings(code, true)) open.push_back(finding_json(*f));
    v["findings"] = json{{"available", findings.available}, {"has_any", !open.empty()}, {"rows", open}};
    v["exceptions"] = exceptions_block(code);
    // Whether the follow-up part (sections 4 and 5) holds any record: only then does it start a
    // page of its own; two 「記録なし」 follow the answers instead of filling a page alone.
    v["has_followup"] =
        !open.empty() || v["exceptions"]["has_in_force"].get<bool>() || v["exceptions"]["has_pending"].get<bool>();
    v["body_level"] = code == data.cycle().secretariat ? body_level_block() : json{{"has", false}};
    return v;
  }

  json audit() const {
    json v = common(ReportKind::audit, fiscal_year_label(data.cycle().fiscal_year) + " 情報セキュリティ監査報告書");
    std::vector<const Finding*> fs;
    for (const Finding& f : findings.findings)
      if (f.cycle == data.cycle().id && f.state != FindingState::draft && f.state != FindingState::discarded)
        fs.push_back(&f);
    std::vector<std::string> auditors = options.auditors;
    if (auditors.empty()) {
      std::set<std::string> seen;
      for (const Finding* f : fs)
        if (!f->raised_by.empty() && seen.insert(f->raised_by).second) auditors.push_back(f->raised_by);
    }
    json auditor_rows = json::array();
    std::string auditors_text;
    for (const std::string& a : auditors) {
      auditor_rows.push_back(json{{"name", a}});
      auditors_text += (auditors_text.empty() ? "" : "、") + a;
    }
    json scope = json::array(), systems_rows = json::array();
    std::set<std::string> in_scope(data.cycle().departments.begin(), data.cycle().departments.end());
    for (const std::string& code : data.cycle().departments)
      scope.push_back(json{{"code", code}, {"name", dept_name(code)}, {"parent_name", parent_name(code)}});
    for (const System& s : systems)
      if (in_scope.count(s.department_code))
        systems_rows.push_back(json{{"name", s.name},
                                    {"department_name", dept_name(s.department_code)},
                                    {"tier", s.tier},
                                    {"tier_name", data.checklist().tier_name(s.tier)},
                                    {"important_assets", s.important_assets}});
    v["audit"] =
        json{{"purpose", options.purpose.empty() ? body + "情報セキュリティポリシー及び" + data.checklist().title() +
                                                       "に定める事項の遵守状況を検証し、情報セキュリティ対策の有効性を"
                                                       "評価するとともに、必要な改善を促すこと。"
                                                 : options.purpose},
             {"period", options.period.empty() ? period_text(data.cycle().fiscal_year) : options.period},
             {"auditors", auditor_rows},
             {"auditors_text", auditors_text.empty() ? "—" : auditors_text},
             {"opinion", options.opinion},
             {"has_opinion", !options.opinion.empty()},
             {"departments", scope},
             {"departments_count", scope.size()},
             {"systems", systems_rows},
             {"has_systems", !systems_rows.empty()}};
    const GroupScore* b = by_body.rows.empty() ? nullptr : &by_body.rows.front();
    v["summary"] = json{{"rate_text", pct(body_rate())},
                        {"response_rate_text", b ? pct(b->counts.response_rate()) : "—"},
                        {"has_responses", b && b->counts.answered() > 0}};
    v["findings"] = findings_summary(fs);
    return v;
  }

  json register_view() const {
    json v = common(ReportKind::findings, fiscal_year_label(data.cycle().fiscal_year) + " 指摘事項一覧");
    v["findings"] = findings_summary(scoped_findings());
    return v;
  }

  // 監査計画書: the plan, its selected 課 with their reasons (labels and figures), auditor and day.
  json plan_view() const {
    if (!plan)
      throw ValidationError({Diagnostic{"<options>", 1, 1, tr("the plan report needs the audit plan (--plan ID)")}});
    json v = common(ReportKind::plan, fiscal_year_label(plan->fiscal_year) + " 情報セキュリティ監査計画書");
    json p = json::parse(plan_json(*plan));
    json rows = json::array(), others = json::array();
    for (const json& e : p["entries"]) {
      std::string reasons;
      for (const json& r : e["reasons"]) {
        std::string one = r["label"].get<std::string>();
        if (!r["figure"].get<std::string>().empty()) one += " " + r["figure"].get<std::string>();
        reasons += (reasons.empty() ? "" : "、") + one;
      }
      json row = e;
      row["reasons_text"] = reasons;
      row["has_override_reason"] = !e["override_reason"].get<std::string>().empty();
      row["parent_name"] = parent_name(e["department"].get<std::string>());
      row["scheduled_text"] =
          e["scheduled"].get<std::string>().empty() ? "—" : date_text(parse_date(e["scheduled"].get<std::string>()));
      (e["selected"].get<bool>() ? rows : others).push_back(std::move(row));
    }
    p["total"] = p["entries"].size();
    p["rows"] = rows;
    p["others"] = others;
    p["has_others"] = !others.empty();
    p["approved"] = plan->state == PlanState::approved;
    p["auditors_text"] = [&] {
      std::string t;
      for (const std::string& a : plan->auditors) t += (t.empty() ? "" : "、") + a;
      return t.empty() ? std::string("—") : t;
    }();
    v["plan"] = std::move(p);
    return v;
  }

  // 監査調書: the working papers of the cycle, by 課.
  json workpapers_view() const {
    json v = common(ReportKind::workpapers, fiscal_year_label(data.cycle().fiscal_year) + " 監査調書");
    json groups = json::array();
    for (const WorkingPaper& w : cycle_papers) {
      if (groups.empty() || groups.back()["code"] != w.department)
        groups.push_back(json{{"code", w.department},
                              {"name", dept_name(w.department)},
                              {"parent_name", parent_name(w.department)},
                              {"papers", json::array()}});
      const Item* it = data.checklist().find_item(w.item);
      json findings = json::array();
      for (const std::int64_t f : w.findings) findings.push_back("No." + std::to_string(f));
      json files = json::array();
      add_evidence(files, "working_paper", w.id, "");
      std::string findings_text;
      for (const json& f : findings) findings_text += (findings_text.empty() ? "" : "、") + f.get<std::string>();
      groups.back()["papers"].push_back(json{
          {"id", w.id},
          {"number", "調書No." + std::to_string(w.id)},
          {"item", w.item},
          {"clause", it ? it->clause : w.item},
          {"question", it ? it->question : ""},
          {"method_label", label_of(Vocabulary::audit_method, to_string(w.method))},
          {"judgement_label", w.judgement ? label_of(Vocabulary::audit_judgement, to_string(*w.judgement)) : "未判定"},
          {"observed", w.observed},
          {"auditor", w.auditor},
          {"examined_on", w.examined_on.to_string()},
          {"examined_text", date_text(w.examined_on)},
          {"reviewed_by", w.reviewed_by.empty() ? "—" : w.reviewed_by},
          {"review_note", w.review_note},
          {"has_review_note", !w.review_note.empty()},
          {"findings_text", findings_text.empty() ? "—" : findings_text},
          {"evidence_files", files},
          {"has_evidence_files", !files.empty()}});
    }
    v["workpapers"] = json{{"departments", groups}, {"total", cycle_papers.size()}, {"has_any", !cycle_papers.empty()}};
    return v;
  }

  json view(ReportKind kind, std::string_view department) const {
    const Cycle& c = data.cycle();
    if ((kind == ReportKind::audit || kind == ReportKind::workpapers) && c.kind == CycleKind::self_inspection)
      throw ValidationError({Diagnostic{
          "<options>", 1, 1,
          message("the audit report is for an audit cycle; cycle {cycle} ({name}) is a "
                  "{kind}: report it with `report committee` or `report department`",
                  fmt::arg("cycle", c.id), fmt::arg("name", c.name), fmt::arg("kind", kind_label(c.kind)))}});
    switch (kind) {
      case ReportKind::committee: return committee();
      case ReportKind::department: return this->department(std::string(department));
      case ReportKind::audit: return audit();
      case ReportKind::findings: return register_view();
      case ReportKind::plan: return plan_view();
      case ReportKind::workpapers: return workpapers_view();
    }
    return {};
  }

  // ---- HTML charts

  json charts(ReportKind kind, const json& v) const {
    json c = json::object();
    const double all = body_rate();
    if (kind == ReportKind::committee) {
      std::vector<Bar> bars;
      for (const json& d : v["departments"])
        bars.push_back(Bar{d["name"].get<std::string>(), d["rate"].is_null() ? kNoScore : d["rate"].get<double>()});
      c["departments"] = svg_bar_chart("dept", "課別実施率", bars, all, "全体");
      std::vector<Bar> pbars;
      for (const GroupScore& g : by_parent.rows) pbars.push_back(Bar{g.name, g.score});
      std::stable_sort(pbars.begin(), pbars.end(), [](const Bar& a, const Bar& b) {
        return !std::isnan(a.value) && (std::isnan(b.value) || a.value > b.value);
      });
      c["parents"] = svg_bar_chart("parent", "部別実施率", pbars, all, "全体");
      std::vector<std::string> axes;
      Series now{fiscal_year_label(data.cycle().fiscal_year), {}},
          before{previous ? fiscal_year_label(previous->cycle().fiscal_year) : "", {}};
      for (const GroupScore& g : by_chapter.rows) {
        const Section* s = data.checklist().find_section(g.group);
        axes.push_back(s ? chapter_label(*s) : g.name);
        now.values.push_back(g.score);
        auto p = prev_of(prev_chapter, g.group);
        before.values.push_back(p ? *p : kNoScore);
      }
      std::vector<Series> series{now};
      if (previous) series.push_back(before);
      c["chapters"] = svg_radar("chapters", "章別実施率", axes, series);
      std::vector<std::string> rows, cols;
      std::vector<std::vector<double>> vals;
      for (const GroupScore& g : matrix.columns) {
        const Section* s = data.checklist().find_section(g.group);
        cols.push_back(s ? s->clause : g.group);
      }
      for (std::size_t r = 0; r < matrix.rows.size(); ++r) {
        rows.push_back(matrix.rows[r].name);
        std::vector<double> line;
        for (const GroupScore& cell : matrix.cells[r]) line.push_back(cell.score);
        vals.push_back(std::move(line));
      }
      c["heatmap"] = svg_heatmap("heat", "課×章 実施率", rows, cols, vals);
      std::vector<std::string> x;
      Series s{"全体の実施率", {}};
      for (const auto& [label, rate] : history) {
        x.push_back(label);
        s.values.push_back(rate);
      }
      c["trend"] = svg_trend("trend", "実施率の推移", x, {s});
    } else if (kind == ReportKind::department) {
      std::vector<std::string> axes;
      Series mine{v["department"]["name"].get<std::string>(), {}}, whole{"全体", {}};
      for (const json& ch : v["chapters"]) {
        axes.push_back(ch["label"].get<std::string>());
        mine.values.push_back(ch["rate"].is_null() ? kNoScore : ch["rate"].get<double>());
        whole.values.push_back(ch["body_rate"].is_null() ? kNoScore : ch["body_rate"].get<double>());
      }
      c["chapters"] = svg_radar("chapters", "章別実施率（全体との比較）", axes, {mine, whole});
    }
    return c;
  }

  // ---- CSV

  std::string csv(ReportKind kind, const json& v) const {
    std::vector<std::vector<json>> rows;
    switch (kind) {
      case ReportKind::committee: {
        std::vector<std::string> h{
            "順位",    "部",       "課コード", "課",         "実施率(%)", "回答率(%)", "対象項目数", "回答数",
            "実施",    "一部実施", "未実施",   "わからない", "未回答",    "例外",      "偏差値",     "前年度実施率(%)",
            "増減(pt)"};
        for (const json& ch : v["chapters"]) h.push_back(ch["label"].get<std::string>() + "(%)");
        std::map<std::string, const json*> cells;
        for (const json& m : v["matrix"]["rows"]) cells[m["code"].get<std::string>()] = &m["cells"];
        for (const json& d : v["departments"]) {
          std::vector<json> r{d["rank"],
                              d["parent_name"],
                              d["code"],
                              d["name"],
                              d["rate"],
                              d["response_rate"],
                              d["applicable"],
                              d["answered"],
                              d["implemented"],
                              d["partial"],
                              d["not_implemented"],
                              d["unknown"],
                              d["unanswered"],
                              d["excepted"],
                              d["deviation_text"] == "—" ? json(nullptr) : d["deviation_text"],
                              d["previous_rate"],
                              d["change"]};
          for (const json& cell : *cells[d["code"].get<std::string>()]) r.push_back(cell["rate"]);
          rows.push_back(std::move(r));
        }
        return csv_table(h, rows);
      }
      case ReportKind::department: {
        const std::string code = v["department"]["code"].get<std::string>();
        const std::size_t di = department_index(code);
        const auto& items = data.checklist().items();
        // One row per item of the cycle, as pair_of counts it: the rows tally to the sheet's
        // counts, and its item tables are the rows answered so, in the same order.
        for (std::size_t i = 0; i < items.size(); ++i) {
          const Pair p = pair_of(di, i);
          if (p == Pair::outside) continue;
          const auto a = data.answer(di, i);
          auto cm = comments.find({code, items[i].id});
          const std::string chapter = chapter_label(data.checklist().chapter_of(items[i]));
          rows.push_back({data.body_level(i)
                              ? "【" + std::string(label_of(Vocabulary::respondent, "body")) + "】" + chapter
                              : chapter,
                          items[i].clause, items[i].id, items[i].question, pair_label(p, a),
                          cm == comments.end() ? "" : cm->second});
        }
        return csv_table({"章", "項番", "項目ID", "点検項目", "回答", "コメント"}, rows);
      }
      case ReportKind::plan: {
        for (const json& e : v["plan"]["rows"])
          rows.push_back({e["department"], e["name"], e["selected_by_label"], e["points"], e["reasons_text"],
                          e["auditor"], e["scheduled"], e["override_reason"]});
        return csv_table({"課コード", "課", "選定区分", "点数", "選定理由", "監査人", "実施日", "変更理由"}, rows);
      }
      case ReportKind::workpapers: {
        for (const json& g : v["workpapers"]["departments"])
          for (const json& w : g["papers"])
            rows.push_back({w["number"], g["name"], w["clause"], w["item"], w["method_label"], w["observed"],
                            w["judgement_label"], w["auditor"], w["examined_on"], w["reviewed_by"],
                            w["findings_text"]});
        return csv_table({"番号", "課", "項番", "項目ID", "監査手続", "確認した内容", "判定", "監査人", "実施日",
                          "査閲者", "指摘事項"},
                         rows);
      }
      case ReportKind::audit:
      case ReportKind::findings: {
        for (const json& f : v["findings"]["rows"])
          rows.push_back({f["number"], f["cycle_name"], f["parent_name"], f["department_name"], f["owner"],
                          f["items_text"], f["severity_label"], f["state_label"], f["condition"], f["criterion"],
                          f["evidence"], f["recommendation"], f["due"], f["age_days"], f["overdue"], f["overdue_days"],
                          f["lateral_text"]});
        return csv_table({"番号", "実施回", "部", "課", std::string(label_of(Vocabulary::role, "security_manager")),
                          "対象項目", "重要度", "状態", "状況", "監査基準", "監査証拠", "改善提案", "期限", "経過日数",
                          "期限超過", "超過日数", "横展開"},
                         rows);
      }
    }
    return {};
  }
};

Reporter::Reporter(const Store& store, RenderOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}
Reporter::Reporter(Reporter&&) noexcept = default;
Reporter& Reporter::operator=(Reporter&&) noexcept = default;
Reporter::~Reporter() = default;

const RenderOptions& Reporter::options() const noexcept { return impl_->options; }

std::vector<std::string> Reporter::departments() const { return impl_->data.cycle().departments; }

nlohmann::ordered_json Reporter::view(ReportKind kind, std::string_view department) const {
  return impl_->view(kind, department);
}

std::string Reporter::render(ReportKind kind, ReportFormat format, std::string_view department) const {
  json v = impl_->view(kind, department);
  switch (format) {
    case ReportFormat::json: return v.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    case ReportFormat::csv: return impl_->csv(kind, v);
    case ReportFormat::html:
      v["charts"] = impl_->charts(kind, v);
      return impl_->templates.render(std::string(to_string(kind)) + ".html.mustache", v, Escape::html);
    case ReportFormat::markdown:
      return impl_->templates.render(std::string(to_string(kind)) + ".md.mustache", v, Escape::markdown);
  }
  return {};
}

std::string render_report(const Store& store, ReportKind kind, ReportFormat format, const RenderOptions& options) {
  return Reporter(store, options).render(kind, format, options.department);
}

}  // namespace libaudit

// The helpers above, for the other reports of this stage (report_text.h).
namespace libaudit::report_detail {
std::string csv_text(const std::vector<std::string>& headers, const std::vector<std::vector<json>>& rows) {
  return csv_table(headers, rows);
}
std::string css_quoted(std::string_view s) { return css_string(s); }
std::string date_label(const Date& d) { return date_text(d); }
}  // namespace libaudit::report_detail
