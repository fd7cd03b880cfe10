// Reports (docs/reports.md): the committee report (情報セキュリティ委員会報告), the department
// sheet (課別結果票), the audit report (監査報告書) and the findings register (指摘事項一覧),
// rendered from Mustache templates (kainjow/mustache) fed by a view model the core builds from
// the scoring (and findings) results. HTML (self-contained: inline CSS and SVG charts drawn
// here, no scripts, no network; an A4 print stylesheet) and Markdown come from templates; CSV
// and JSON are written from the view model directly. PDF is made from the HTML by headless
// Chromium on the Python side (libaudit.report).
//
// Data flows one way: reports read the store, scoring and findings through their public
// headers; nothing upstream includes this one.
//
// Templates are looked up by name (`<kind>.<format>.mustache`, partials `<name>.mustache`) in
// RenderOptions::template_dirs in order: a user's directory first, then the built-in one, so a
// user may override a single file. A template that uses a tag the view model does not have, a
// missing partial, or a Mustache syntax error throws TemplateError naming the template (file,
// line) and the tag.
//
// Every text from data is escaped for its output format: HTML by Mustache's {{ }} (the
// templates never use {{{ }}} except for the charts, which the core draws and escapes itself),
// Markdown by a Markdown escape (| * _ ` < > [ ] { } # \ and line breaks), CSV by RFC 4180
// quoting with spreadsheet formula neutralising, JSON by nlohmann::json.
//
// A Reporter reads a cycle once (scores, comparison, history, responses, findings) and then
// renders any number of reports from it; it is not thread-safe (use one per thread).
//
// Errors: NotFoundError (unknown cycle, 課, report kind or format), ValidationError (bad
// options; the audit report of a self-inspection cycle), TemplateError (a template that does
// not render), IoError (a template directory or file that cannot be read).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libaudit/base/error.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/scoring/scoring.h"
#include "libaudit/store/store.h"

namespace libaudit {

// plan: the audit plan (監査計画書) of RenderOptions::plan; workpapers: the working papers
// (監査調書) of an audit cycle (libaudit/audit, docs/audit.md).
enum class ReportKind { committee, department, audit, findings, plan, workpapers };
enum class ReportFormat { html, markdown, csv, json };

std::string_view to_string(ReportKind k) noexcept;     // committee | department | audit | findings | plan | workpapers
std::string_view to_string(ReportFormat f) noexcept;   // html | md | csv | json
ReportKind parse_report_kind(std::string_view s);      // NotFoundError
ReportFormat parse_report_format(std::string_view s);  // "markdown" is accepted for md; NotFoundError

// A template that does not render: a syntax error, a tag the view model does not have, or a
// partial that is nowhere to be found. diagnostics() names the template file, the line and
// the tag.
class TemplateError : public ValidationError {
 public:
  using ValidationError::ValidationError;
};

struct RenderOptions {
  std::int64_t cycle = 0;               // the cycle reported on
  std::optional<std::int64_t> compare;  // the previous cycle (e.g. last 年度) to compare with
  std::string department;               // 課 code: the department sheet's default 課
  // Where templates are looked for, in order (first match wins): e.g. {user dir, built-in}.
  std::vector<std::filesystem::path> template_dirs;
  ScoreOptions scoring;      // model (default rate), partial value
  std::size_t weakest = 10;  // how many weakest items the committee report lists
  // The point of the trail an open cycle is read at (docs/scoring.md, "As of"): a UTC time in
  // now_utc_iso's form (japan_day_end_utc(day) for "as of a day"); default now. A closed cycle
  // is always read at its close, whatever this says.
  std::optional<std::string> at;
  // The day the report is dated and overdue, age and expiry are counted from, for an open cycle
  // (default today in Japan); a closed cycle's report is dated its close day, whatever this says.
  // The CLI's --as-of DATE sets it and `at` together.
  std::optional<Date> as_of;
  int expiring_days = 30;  // exceptions ending within this many days are "expiring"
  // The audit report: the fields the auditors write (never generated).
  std::string opinion;                // 総合意見
  std::string purpose;                // 監査の目的 (empty: a standard sentence)
  std::vector<std::string> auditors;  // 監査人 (empty: those who raised the findings)
  std::string period;                 // 監査期間, as written (empty: the cycle's 年度)
  std::string title;                  // overrides the report's title when not empty
  // The plan report's audit plan (AuditPlans id); `cycle` is then the self-inspection it read.
  std::int64_t plan = 0;
};

class Reporter {
 public:
  // Reads everything the reports need from the store. NotFoundError: unknown cycle, compare
  // cycle or department.
  Reporter(const Store& store, RenderOptions options);
  Reporter(Reporter&&) noexcept;
  Reporter& operator=(Reporter&&) noexcept;
  ~Reporter();

  const RenderOptions& options() const noexcept;
  // The cycle's target 課 codes, in order (for one department sheet each).
  std::vector<std::string> departments() const;

  // The view model of a report: what the templates see and what the JSON format writes
  // (docs/reports.md lists its keys). `department` is for the department sheet (empty: the
  // options' one). Charts are not part of it (they are added for HTML only).
  nlohmann::ordered_json view(ReportKind kind, std::string_view department = {}) const;

  // One report as text in one format.
  std::string render(ReportKind kind, ReportFormat format, std::string_view department = {}) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience: Reporter(store, options).render(kind, format, options.department).
std::string render_report(const Store& store, ReportKind kind, ReportFormat format, const RenderOptions& options);

}  // namespace libaudit
