#include "libaudit/base/error.h"

namespace libaudit {

std::string Diagnostic::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {
std::string summarise(const std::vector<Diagnostic>& diagnostics) {
  if (diagnostics.empty()) return "invalid input";
  std::string out = diagnostics.front().to_string();
  if (diagnostics.size() > 1)
    out +=
        " (and " + std::to_string(diagnostics.size() - 1) + " more problem" + (diagnostics.size() > 2 ? "s" : "") + ")";
  return out;
}
}  // namespace

ValidationError::ValidationError(std::vector<Diagnostic> diagnostics)
    : Error(summarise(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace libaudit
