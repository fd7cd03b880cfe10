// Feeds arbitrary bytes to the extractor: normalise, parse the clause tree, extract a draft
// checklist. Must hold:
//   * invalid UTF-8 throws ValidationError (with its position), never anything else;
//   * valid UTF-8 normalises and parses without an exception; logical lines and clauses keep
//     ordered source lines inside the text;
//   * extraction either gives a checklist or throws ChecklistError "no obligation sentence
//     found"; a checklist's YAML loads back to the same checklist, and every item's clause is
//     a clause of the tree.
// Anything else (a crash, a sanitizer report, another exception, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libaudit/base/text.h"
#include "libaudit/checklist/extract.h"

namespace {

void check_clauses(const std::vector<libaudit::Clause>& cs, int max_line) {
  for (const auto& c : cs) {
    if (c.first_line < 1 || c.first_line > c.last_line || c.last_line > max_line) std::abort();
    if (c.path.empty() || c.id.empty()) std::abort();
    check_clauses(c.children, max_line);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = !libaudit::text::find_invalid_utf8(text).has_value();

  libaudit::NormalizedText norm;
  try {
    norm = libaudit::normalize(text, "fuzz.txt");
  } catch (const libaudit::ValidationError& e) {
    if (valid || e.diagnostics().size() != 1) std::abort();
    return 0;
  }
  if (!valid) std::abort();  // invalid UTF-8 must be an error
  for (const auto& l : norm.lines)
    if (l.first_line < 1 || l.first_line > l.last_line || l.last_line > norm.source_lines) std::abort();
  auto tree = libaudit::parse_clauses(norm, "fuzz.txt");
  for (const auto& p : tree.parts) check_clauses(p.clauses, norm.source_lines);

  libaudit::ExtractOptions o;
  o.id = "fuzz";
  o.title = "fuzz";
  o.body = "fuzz";
  o.source_document = "fuzz.txt";
  try {
    auto ex = libaudit::extract_checklist(text, o);
    auto again = libaudit::Checklist::from_yaml(ex.yaml, "again.yaml");
    if (again.to_json() != ex.checklist.to_json()) std::abort();
    for (const auto& item : ex.checklist.items()) {
      bool found = false;
      for (std::size_t p = 0; p < ex.clauses.parts.size() && !found; ++p)
        found = ex.clauses.find(item.clause, p) != nullptr;
      if (!found) std::abort();
    }
  } catch (const libaudit::ChecklistError& e) {
    if (std::string_view(e.what()).find("no obligation sentence found") == std::string_view::npos) std::abort();
  }
  return 0;
}
