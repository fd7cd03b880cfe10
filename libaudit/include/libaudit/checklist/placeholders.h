// The placeholders of a model checklist's texts ({{body}}, {{secretariat}}, {{role.<id>}},
// {{tier.<id>}}, docs/checklist-format.md): the one scanner of them. Loading a checklist checks
// them, `checklist new` fills them from a body profile, and the coverage report fills them from a
// body's checklist; each supplies only what a name stands for. Pure functions; no state.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace libaudit {

// `text` with every "{{name}}" replaced by value(name, whole), in order (`name` without the
// braces, `whole` with them). An opening "{{" without a closing "}}" ends the scan: the rest is
// copied as it is, and `*unclosed` (when given) is set to the byte offset of that "{{".
std::string fill_placeholders(std::string_view text,
                              const std::function<std::string(std::string_view name, std::string_view whole)>& value,
                              std::optional<std::size_t>* unclosed = nullptr);

}  // namespace libaudit
