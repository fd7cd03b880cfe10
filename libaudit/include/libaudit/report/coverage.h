// The coverage report (標準点検表との対照表): for the 情報セキュリティ委員会, which measures of
// the model checklist a body's standard lacks, by chapter, and how each item of its checklist
// maps to the model (libaudit/checklist/align.h; docs/alignment.md). HTML and Markdown from the
// Mustache templates `coverage.html.mustache` / `coverage.md.mustache` (looked up in
// CoverageReportOptions::template_dirs as the other reports do), CSV through the reports' CSV
// writer, JSON the view model itself; PDF from the HTML on the Python side (libaudit.report).
//
// Pure functions of their arguments; thread-safe. Errors: TemplateError (a template that does
// not render), IoError (a template directory that cannot be read).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/checklist/align.h"
#include "libaudit/checklist/checklist.h"
#include "libaudit/report/report.h"

namespace libaudit {

struct CoverageReportOptions {
  std::vector<std::filesystem::path> template_dirs;  // first match wins: {user dir, built-in}
  std::optional<Date> date;                          // the day the report is dated (default today in Japan)
  std::string title;                                 // overrides the title when not empty
};

// A model text with its placeholders filled for the body of `checklist` ({{body}}, {{role.X}},
// {{tier.X}} and {{secretariat}} from its name, roles, tier names and secretariat; 本団体 and 事務局
// when it names none), as the report prints the missing measures.
std::string model_text_for(std::string text, const Checklist& checklist);

// The view model the templates see and the JSON format writes (docs/alignment.md lists its keys).
nlohmann::ordered_json coverage_view(const Checklist& checklist, const Checklist& model, const Alignment& alignment,
                                     const CoverageReportOptions& options);

// The report as text in one format (html, md, csv, json).
std::string render_coverage_report(const Checklist& checklist, const Checklist& model, const Alignment& alignment,
                                   ReportFormat format, const CoverageReportOptions& options);

}  // namespace libaudit
