// The benchmark report (docs/benchmark.md): many bodies compared (libaudit/scoring/benchmark.h)
// for a prefecture, as HTML and Markdown from the Mustache templates benchmark.html.mustache and
// benchmark.md.mustache (looked up as every report's are, report.h), and CSV and JSON from the
// view model. PDF is made from the HTML on the Python side, like every report's.
//
// Pure functions of a Benchmark value: thread-safe. Errors: TemplateError (a template that does
// not render), IoError (a template directory that cannot be read).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libaudit/report/report.h"
#include "libaudit/scoring/benchmark.h"

namespace libaudit {

// The view model: what the templates see and what the JSON format writes (docs/benchmark.md
// lists its keys). Anonymised, it holds no body's name, cycle name or checklist of a body.
nlohmann::ordered_json benchmark_view(const Benchmark& benchmark);

// The report as text: html, md, csv or json.
std::string render_benchmark(const Benchmark& benchmark, ReportFormat format,
                             const std::vector<std::filesystem::path>& template_dirs);

}  // namespace libaudit
