// Small UTF-8 and Japanese-text helpers shared by normalize.cpp, clause.cpp and extract.cpp.
// Internal to the core; inputs are valid UTF-8 (checked once by normalize()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace libaudit::jtext {

// Decodes the code point at s[i] (valid UTF-8 assumed; an invalid byte decodes as itself,
// length 1) and returns its byte length.
inline std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) noexcept {
  unsigned char c = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) & 0x3Fu : 0u;
  };
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c >> 5) == 0x6 && i + 1 < s.size()) {
    cp = ((c & 0x1Fu) << 6) | cont(1);
    return 2;
  }
  if ((c >> 4) == 0xE && i + 2 < s.size()) {
    cp = ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
    return 3;
  }
  if ((c >> 3) == 0x1E && i + 3 < s.size()) {
    cp = ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
    return 4;
  }
  cp = c;
  return 1;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Code points of `s` with their byte offsets (offsets.size() == cps.size() + 1).
struct Decoded {
  std::vector<char32_t> cps;
  std::vector<std::size_t> offsets;
};
inline Decoded decode_all(std::string_view s) {
  Decoded d;
  d.cps.reserve(s.size());
  d.offsets.reserve(s.size() + 1);
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    d.cps.push_back(cp);
    d.offsets.push_back(i);
    i += n;
  }
  d.offsets.push_back(s.size());
  return d;
}

inline bool is_space(char32_t c) noexcept {
  return c == U' ' || c == U'\t' || c == U'\r' || c == U'\f' || c == U'\v' || c == 0x3000 || c == 0xA0;
}

// Japanese script or full-width form: kana, kanji, CJK punctuation, full-width letters.
inline bool is_cjk(char32_t c) noexcept {
  return (c >= 0x3001 && c <= 0x303F) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF01 && c <= 0xFF9F) ||
         (c >= 0xFFE0 && c <= 0xFFEF) || (c >= 0x2460 && c <= 0x24FF) || (c >= 0x2160 && c <= 0x217F) || c == 0x2015 ||
         c == 0x2010 || c == 0x2212 || c == 0x25CB || c == 0x25CF || c == 0x203B;
}

inline bool is_digit(char32_t c) noexcept { return (c >= U'0' && c <= U'9') || (c >= 0xFF10 && c <= 0xFF19); }
inline int digit_value(char32_t c) noexcept {
  return c <= U'9' ? static_cast<int>(c - U'0') : static_cast<int>(c - 0xFF10);
}
inline bool is_lower_latin(char32_t c) noexcept { return (c >= U'a' && c <= U'z') || (c >= 0xFF41 && c <= 0xFF5A); }
inline int latin_value(char32_t c) noexcept {
  return c <= U'z' ? static_cast<int>(c - U'a') + 1 : static_cast<int>(c - 0xFF41) + 1;
}
inline bool is_ascii_alnum(char32_t c) noexcept {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9');
}

// Position (1-based) of a katakana in 五十音 order (ア = 1 … ン = 46), 0 if not one.
inline int gojuon_index(char32_t c) noexcept {
  static constexpr char32_t kOrder[] =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
  for (int i = 0; kOrder[i]; ++i)
    if (kOrder[i] == c) return i + 1;
  return 0;
}
inline char32_t gojuon_char(int index) noexcept {
  static constexpr char32_t kOrder[] =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
  return index >= 1 && index <= 46 ? kOrder[index - 1] : U'?';
}

// Concatenation without `const char* + std::string` (GCC 12 warns wrongly about it at -O3,
// -Wrestrict, GCC bug 105651).
inline std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  std::size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

inline bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }
inline bool ends_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// A DOMAIN.md role as a body's text names it (role_names.cpp): 情報セキュリティ管理者 ->
// security_manager. Names are matched longest first, so 統括情報セキュリティ責任者 is never read
// as 情報セキュリティ責任者.
struct RoleName {
  std::string_view name;
  std::string_view id;
};
// The role name that `s` starts (ends) with, longest first; nullptr if none.
const RoleName* role_prefix(std::string_view s);
const RoleName* role_suffix(std::string_view s);
// Byte length of the role name that `s` starts with; 0 if none.
std::size_t role_name_prefix(std::string_view s) noexcept;

}  // namespace libaudit::jtext
