#include "libaudit/base/csv.h"

#include <iconv.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>

#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit::csv {

namespace {

[[noreturn]] void fail(std::string_view source, int line, std::string message) {
  throw ValidationError({Diagnostic{std::string(source), line, 1, std::move(message)}});
}

int line_at(std::string_view bytes, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i)
    if (bytes[i] == '\n') ++line;
  return line;
}

std::string from_cp932(std::string_view bytes, std::string_view source) {
  iconv_t cd = iconv_open("UTF-8", "CP932");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw Error(tr("CP932 decoding is not available (iconv_open failed)"));
  std::string out(bytes.size() * 3 / 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  std::size_t done = 0;
  while (in_left > 0) {
    char* out_p = out.data() + done;
    std::size_t out_left = out.size() - done;
    const std::size_t r = iconv(cd, &in, &in_left, &out_p, &out_left);
    done = out.size() - out_left;
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const std::size_t offset = bytes.size() - in_left;
    iconv_close(cd);
    fail(source, line_at(bytes, offset),
         message("the file is neither UTF-8 nor CP932 (Shift_JIS): invalid byte sequence at byte {offset}",
                 fmt::arg("offset", offset + 1)));
  }
  iconv_close(cd);
  out.resize(done);
  return out;
}

// Whether valid UTF-8 holds a Hangul syllable (U+AC00–U+D7A3: lead byte EA–ED). Short CP932
// text can be valid UTF-8 by chance, and then it reads as Hangul: 﨑① (CP932 ED 95 87 40) is
// "핇@" in UTF-8. A Japanese body's CSV holds no Hangul, so such text is read as CP932.
bool has_hangul_syllable(std::string_view utf8) noexcept {
  for (std::size_t i = 0; i + 2 < utf8.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    if (b0 < 0xEA || b0 > 0xED) continue;
    const unsigned cp = ((b0 & 0x0FU) << 12) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3FU) << 6) |
                        (static_cast<unsigned char>(utf8[i + 2]) & 0x3FU);
    if (cp >= 0xAC00 && cp <= 0xD7A3) return true;
  }
  return false;
}

// detect: a byte-order mark or valid UTF-8 without Hangul syllables is UTF-8; valid UTF-8 with
// them is CP932 when it also decodes as CP932; anything else is CP932.
Encoding detect_encoding(std::string_view bytes, bool bom) {
  if (bom) return Encoding::utf8;
  if (text::find_invalid_utf8(bytes)) return Encoding::cp932;
  if (!has_hangul_syllable(bytes)) return Encoding::utf8;
  try {
    from_cp932(bytes, "");
    return Encoding::cp932;
  } catch (const Error&) {
    return Encoding::utf8;
  }
}

}  // namespace

namespace {
// The first name of each encoding is the one printed; the others are accepted.
constexpr EnumName<Encoding> kEncodings[] = {
    {Encoding::detect, "detect"},     {Encoding::detect, "auto"},     {Encoding::detect, ""},
    {Encoding::utf8, "utf-8"},        {Encoding::utf8, "utf8"},       {Encoding::utf8, "utf-8-sig"},
    {Encoding::cp932, "cp932"},       {Encoding::cp932, "shift-jis"}, {Encoding::cp932, "sjis"},
    {Encoding::cp932, "windows-31j"}, {Encoding::cp932, "ms932"},
};
}  // namespace

Encoding parse_encoding(std::string_view name) {
  std::string n;
  for (char c : name) n += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : (c == '_' ? '-' : c);
  if (const auto e = value_of(kEncodings, n)) return *e;
  throw ValidationError({Diagnostic{
      "<encoding>", 1, 1, message("unknown encoding '{name}' (use utf-8, cp932 or detect)", fmt::arg("name", name))}});
}

std::string_view encoding_name(Encoding e) noexcept { return name_of(kEncodings, e, "detect"); }

std::string decode(std::string_view bytes, Encoding encoding, std::string_view source, Encoding* used) {
  const bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
  if (encoding == Encoding::detect) encoding = detect_encoding(bytes, bom);
  if (used) *used = encoding;
  if (encoding == Encoding::utf8) {
    if (bom) bytes.remove_prefix(3);
    if (auto bad = text::find_invalid_utf8(bytes))
      throw ValidationError({Diagnostic{std::string(source), bad->line, bad->column,
                                        tr("invalid UTF-8 (is the file CP932? try --encoding cp932)")}});
    return std::string(bytes);
  }
  return from_cp932(bytes, source);
}

Table parse(std::string_view s, std::string_view source) {
  Table t;
  t.source = std::string(source);
  std::vector<Diagnostic> diags;
  std::size_t i = 0;
  int line = 1;
  bool first = true;
  const std::size_t n = s.size();
  while (i < n) {
    if (diags.size() >= kMaxDiagnostics) {
      diags.push_back({t.source, line, 1,
                       message("stopped after {n} problems: the rest of the file was not read; is it the right file?",
                               fmt::arg("n", kMaxDiagnostics))});
      break;
    }
    Record rec;
    rec.line = line;
    std::string field;
    bool bad = false;
    // One record: fields up to an unquoted line break or the end.
    for (;;) {
      field.clear();
      if (i < n && s[i] == '"') {
        const int open_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = s[i];
          if (c == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {  // CRLF inside a field -> LF
            ++i;
            continue;
          }
          field += c;
          ++i;
        }
        if (!closed) {
          diags.push_back({t.source, open_line, 1, tr("unterminated quoted field (a '\"' is missing)")});
          i = n;
          bad = true;
        } else if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
          diags.push_back(
              {t.source, line, 1, tr("text after a closing quote (write a quote inside a quoted field as \"\")")});
          bad = true;
          while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') ++i;
        }
      } else {
        while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') field += s[i++];
      }
      rec.fields.push_back(field);
      if (i < n && s[i] == ',') {
        ++i;
        continue;
      }
      // End of record.
      if (i < n && s[i] == '\r') ++i;
      if (i < n && s[i] == '\n') ++i;
      ++line;
      break;
    }
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (blank || bad) continue;
    if (first) {
      t.header = std::move(rec.fields);
      first = false;
      continue;
    }
    if (rec.fields.size() != t.header.size()) {
      diags.push_back({t.source, rec.line, 1,
                       message("expected {expected} fields as in the header, found {found}",
                               fmt::arg("expected", t.header.size()), fmt::arg("found", rec.fields.size()))});
      continue;
    }
    t.records.push_back(std::move(rec));
  }
  if (first && diags.empty()) diags.push_back({t.source, 1, 1, tr("empty file: a header line is expected")});
  if (!diags.empty()) throw ValidationError(std::move(diags));
  return t;
}

Table read(const std::filesystem::path& path, Encoding encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(message("cannot read {file}", fmt::arg("file", path.string())));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(message("cannot read {file}", fmt::arg("file", path.string())));
  Encoding used = Encoding::utf8;
  const std::string source = path.string();
  std::string utf8 = decode(bytes, encoding, source, &used);
  Table t = parse(utf8, source);
  t.encoding = used;
  return t;
}

int column(const std::vector<std::string>& header, std::string_view name) {
  auto lower = [](std::string_view v) {
    std::string out(text::trim(v));
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
  };
  const std::string want = lower(name);
  for (std::size_t k = 0; k < header.size(); ++k)
    if (lower(header[k]) == want) return int(k);
  return -1;
}

std::string quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {
bool starts_formula(std::string_view s) {
  return !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}
}  // namespace

std::string neutralise_formula(std::string_view field) {
  return starts_formula(field) ? "'" + std::string(field) : std::string(field);
}

std::string_view restore_formula(std::string_view field) {
  return field.size() >= 2 && field[0] == '\'' && starts_formula(field.substr(1)) ? field.substr(1) : field;
}

}  // namespace libaudit::csv
