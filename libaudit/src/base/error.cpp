#include "libaudit/base/error.h"

#include "libaudit/base/messages.h"

namespace libaudit {

std::string Diagnostic::to_string() const {
  // A problem of no file (a move chosen by a filter) or of a pseudo-source that names what was
  // given rather than a file ("<options>", "<severity>"): the message alone, which says what.
  if (file.empty() || (file.front() == '<' && file.back() == '>')) return message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {
std::string summarise(const std::vector<Diagnostic>& diagnostics) {
  if (diagnostics.empty()) return tr("invalid input");
  std::string out = diagnostics.front().to_string();
  if (diagnostics.size() > 1)
    out += message_n(" (and {n} more problem)", " (and {n} more problems)", diagnostics.size() - 1);
  return out;
}
}  // namespace

ValidationError::ValidationError(std::vector<Diagnostic> diagnostics)
    : Error(summarise(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace libaudit
