#include "libaudit/base/text.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "libaudit/base/error.h"
#include "libaudit/base/messages.h"

namespace libaudit::text {

std::optional<Position> find_invalid_utf8(std::string_view s) noexcept {
  // Most of what passes through here (codes, ids, answers) is ASCII: skip that part eight bytes
  // at a time, and decode characters only from the first byte with its high bit set.
  std::size_t ascii = 0;
  for (std::uint64_t w; ascii + 8 <= s.size(); ascii += 8) {
    std::memcpy(&w, s.data() + ascii, 8);
    if (w & 0x8080808080808080u) break;
  }
  while (ascii < s.size() && static_cast<unsigned char>(s[ascii]) < 0x80) ++ascii;
  if (ascii == s.size()) return std::nullopt;
  Position pos;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      pos.offset = i;
      return pos;
    }
    if (cp == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
    i += static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

std::string nfkc(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                        &out, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) throw Error(message("text is not valid UTF-8: {reason}", fmt::arg("reason", utf8proc_errmsg(n))));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::size_t char_count(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::size_t display_width(std::string_view s) noexcept {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {  // invalid byte: count it as one column and go on
      ++width;
      ++i;
      continue;
    }
    int w = utf8proc_charwidth(cp);
    width += static_cast<std::size_t>(w < 0 ? 0 : w);
    i += static_cast<std::size_t>(n);
  }
  return width;
}

std::string_view trim(std::string_view s) noexcept {
  auto is_space_at_front = [](std::string_view v) -> std::size_t {
    if (v.empty()) return 0;
    unsigned char c = static_cast<unsigned char>(v[0]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (v.size() >= 3 && v.substr(0, 3) == "\xE3\x80\x80") return 3;  // U+3000
    return 0;
  };
  auto is_space_at_back = [](std::string_view v) -> std::size_t {
    if (v.empty()) return 0;
    unsigned char c = static_cast<unsigned char>(v.back());
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (v.size() >= 3 && v.substr(v.size() - 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  while (std::size_t n = is_space_at_front(s)) s.remove_prefix(n);
  while (std::size_t n = is_space_at_back(s)) s.remove_suffix(n);
  return s;
}

}  // namespace libaudit::text
