// Reading CSV as spreadsheets write it: RFC 4180 quoting (commas, doubled quotes and line
// breaks inside quoted fields), CRLF or LF line ends, UTF-8 with or without a byte-order mark,
// or CP932 (Shift_JIS as Excel for Japanese Windows saves it). Pure functions; thread-safe.
//
// Errors: IoError when the file cannot be read; ValidationError listing every problem (bad
// bytes for the encoding, an unterminated quote, text after a closing quote, a record with the
// wrong number of fields) with the 1-based line it is on, up to kMaxDiagnostics: parsing stops
// there, so a hostile file costs a bounded list. Nothing is returned on error.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/error.h"

namespace libaudit::csv {

// The most problems a parse reports; one more diagnostic then says where it stopped.
inline constexpr std::size_t kMaxDiagnostics = 100;

enum class Encoding {
  detect,  // byte-order mark -> UTF-8; valid UTF-8 -> UTF-8 (but CP932 when it reads as Hangul
           // syllables and also decodes as CP932); otherwise CP932
  utf8,
  cp932,
};

// "detect", "utf-8" (also "utf8"), "cp932" (also "shift_jis", "sjis", "windows-31j").
// Throws ValidationError for anything else.
Encoding parse_encoding(std::string_view name);
std::string_view encoding_name(Encoding e) noexcept;  // "detect", "utf-8", "cp932"

struct Record {
  int line = 0;                     // line the record starts on (a quoted field may span several)
  std::vector<std::string> fields;  // UTF-8, exactly as in the file (no trimming)
};

struct Table {
  std::string source;                  // file name used in diagnostics
  Encoding encoding = Encoding::utf8;  // what the bytes were (never `detect`)
  std::vector<std::string> header;     // the first record
  std::vector<Record> records;         // the data records; blank lines are skipped
};

// Decodes `bytes` to UTF-8 (dropping a UTF-8 byte-order mark). `encoding_used`, if given,
// receives what was chosen. Throws ValidationError naming the line of the first bad byte.
std::string decode(std::string_view bytes, Encoding encoding, std::string_view source,
                   Encoding* encoding_used = nullptr);

// Parses decoded UTF-8 text. The first record is the header; every data record must have as
// many fields as the header.
Table parse(std::string_view utf8_text, std::string_view source);

// Reads, decodes and parses a file.
Table read(const std::filesystem::path& path, Encoding encoding = Encoding::detect);

// Index of `name` in `header` (compared after trimming white space and ignoring ASCII case),
// or -1.
int column(const std::vector<std::string>& header, std::string_view name);

// A field as one CSV value: quoted when it holds a comma, quote, CR or LF.
std::string quote(std::string_view field);

// Text that a spreadsheet opening the CSV would run as a formula (it starts with = + - @, TAB
// or CR) gets a leading ' and so stays text; other text is returned as it is. Every CSV the
// project writes passes its text fields through this (one rule: docs/exchange.md).
std::string neutralise_formula(std::string_view field);
// The inverse, for a field read back from a CSV the project wrote: one leading ' before such a
// character is removed.
std::string_view restore_formula(std::string_view field);

}  // namespace libaudit::csv
