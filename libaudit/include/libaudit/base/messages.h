// The message catalogue. Every sentence libaudit shows a person is written once, in English, in
// the code that raises it, marked with tr(), trn() or message(); a gettext catalogue (po/ja/*.po,
// compiled at build time into one libaudit.mo that the Python package shares) gives its Japanese.
// With no catalogue in use the English stands. Placeholders are named, in {fmt}'s syntax
// ("{tier}"), so that a translation may reorder them.
//
// Thread-safety: the catalogue in use is process-wide; use_catalog() swaps it atomically, and a
// lookup that overlaps the swap sees the old or the new catalogue, never a mix.
#pragma once

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace libaudit {

// Reads a compiled gettext catalogue (.mo, either byte order) and uses it from now on. Throws
// IoError when the file cannot be read and ValidationError when it is not a .mo file; the
// catalogue in use is then unchanged.
void use_catalog(const std::filesystem::path& mo_file);

// Back to the English of the code.
void use_no_catalog() noexcept;

// The language of the catalogue in use, from its header ("ja"), or "" for the code's English.
std::string catalog_language();

// The translation of `msgid`, or `msgid` itself when the catalogue has none.
std::string tr(std::string_view msgid);

// The singular or plural form for `n` (Japanese has one form; English: n == 1 is singular).
std::string trn(std::string_view singular, std::string_view plural, unsigned long long n);

// The translation of `msgid` with its named placeholders filled:
//   message("unknown tier '{tier}'", fmt::arg("tier", t))
// A translation whose placeholders do not fit the arguments (a catalogue error the build's
// check prevents) falls back to the English with the arguments.
template <class... Args>
std::string message(std::string_view msgid, Args&&... args) {
  const std::string pattern = tr(msgid);
  try {
    return fmt::vformat(pattern, fmt::make_format_args(args...));
  } catch (const fmt::format_error&) {
    return fmt::vformat(msgid, fmt::make_format_args(args...));
  }
}

// message() with a plural: the form is chosen by `n`, which is also the placeholder {n}.
template <class... Args>
std::string message_n(std::string_view singular, std::string_view plural, unsigned long long n, Args&&... args) {
  const std::string pattern = trn(singular, plural, n);
  try {
    return fmt::vformat(pattern, fmt::make_format_args(fmt::arg("n", n), args...));
  } catch (const fmt::format_error&) {
    return fmt::vformat(n == 1 ? singular : plural, fmt::make_format_args(fmt::arg("n", n), args...));
  }
}

}  // namespace libaudit
