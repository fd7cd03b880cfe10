// UTF-8 text utilities used across libaudit. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace libaudit::text {

// Position of the first invalid UTF-8 sequence in `s`, or nullopt when `s` is valid.
struct Position {
  std::size_t offset = 0;  // byte offset
  int line = 1;            // 1-based
  int column = 1;          // 1-based, in characters
};
std::optional<Position> find_invalid_utf8(std::string_view s) noexcept;

// Unicode NFKC normalisation (full-width digits and brackets become ASCII, etc.).
// Throws libaudit::Error on invalid UTF-8.
std::string nfkc(std::string_view s);

// Number of characters (code points) in valid UTF-8 `s`.
std::size_t char_count(std::string_view s) noexcept;

// Terminal display width: East Asian wide and full-width characters count 2.
std::size_t display_width(std::string_view s) noexcept;

// `s` with ASCII and ideographic (U+3000) white space removed from both ends.
std::string_view trim(std::string_view s) noexcept;

}  // namespace libaudit::text
