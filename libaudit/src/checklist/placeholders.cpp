#include "libaudit/checklist/placeholders.h"

namespace libaudit {

std::string fill_placeholders(std::string_view text,
                              const std::function<std::string(std::string_view name, std::string_view whole)>& value,
                              std::optional<std::size_t>* unclosed) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t open; (open = text.find("{{", pos)) != std::string_view::npos;) {
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      if (unclosed != nullptr) *unclosed = open;
      pos = open;
      break;
    }
    out += value(text.substr(open + 2, close - open - 2), text.substr(open, close + 2 - open));
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace libaudit
