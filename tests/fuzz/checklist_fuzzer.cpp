// Feeds arbitrary bytes to the checklist loader. Loading must either succeed or throw
// ChecklistError with at least one diagnostic; anything else (a crash, a sanitizer report,
// another exception, a hang) is a bug. A loaded checklist must round-trip through YAML.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "libaudit/checklist/checklist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  libaudit::LoadOptions options;
  options.max_expanded_nodes = 100'000;  // keep each run fast; the bound itself is what's tested
  try {
    auto c = libaudit::Checklist::from_yaml(yaml, "fuzz.yaml", options);
    auto again = libaudit::Checklist::from_yaml(c.to_yaml(), "again.yaml");
    if (again.to_json() != c.to_json()) std::abort();
  } catch (const libaudit::ChecklistError& e) {
    if (e.diagnostics().empty()) std::abort();
  }
  return 0;
}
