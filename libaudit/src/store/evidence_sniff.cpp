// What an evidence file is, by its content (evidence.h, sniff_evidence; docs/evidence.md,
// "Accepted files"). Reads the head, and for a ZIP its central directory: nothing else.
#include <algorithm>
#include <cctype>

#include "libaudit/base/messages.h"
#include "store/evidence_io.h"

namespace libaudit::detail::evidence {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxCentralDirectory = std::size_t(16) << 20;

bool starts(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

std::uint32_t u16(std::string_view s, std::size_t at) {
  return std::uint32_t(std::uint8_t(s[at])) | std::uint32_t(std::uint8_t(s[at + 1])) << 8;
}
std::uint32_t u32(std::string_view s, std::size_t at) { return u16(s, at) | u16(s, at + 2) << 16; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

Sniffed refused(std::string why) { return {"", std::move(why)}; }

std::string archive() { return tr("an archive (ZIP or another); unpack it and attach its files one by one"); }

// An Office Open XML document by its central directory's names, else a refusal.
Sniffed sniff_zip(int fd, const fs::path& path, std::int64_t size) {
  const std::int64_t tail_at = std::max<std::int64_t>(0, size - 65557);
  const std::string tail = read_at(fd, path, tail_at, std::size_t(size - tail_at));
  const std::size_t end = tail.rfind(std::string_view("PK\x05\x06", 4));
  if (end == std::string::npos || end + 22 > tail.size()) return refused(archive());
  const std::uint32_t cd_size = u32(tail, end + 12), cd_at = u32(tail, end + 16);
  if (cd_at == 0xFFFFFFFFu || cd_size > kMaxCentralDirectory || std::int64_t(cd_at) + cd_size > size)
    return refused(archive());
  const std::string cd = read_at(fd, path, cd_at, cd_size);
  bool content_types = false, macros = false;
  std::string type;
  for (std::size_t at = 0; at + 46 <= cd.size() && cd.compare(at, 4, "PK\x01\x02", 4) == 0;) {
    const std::size_t name_len = u16(cd, at + 28), extra = u16(cd, at + 30), comment = u16(cd, at + 32);
    if (at + 46 + name_len > cd.size()) break;
    const std::string name = lower_ascii(std::string_view(cd).substr(at + 46, name_len));
    content_types = content_types || name == "[content_types].xml";
    macros = macros || name.ends_with("vbaproject.bin") || name.starts_with("xl/macrosheets/");
    if (name == "word/document.xml")
      type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    else if (name == "xl/workbook.xml")
      type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    else if (name == "ppt/presentation.xml")
      type = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    at += 46 + name_len + extra + comment;
  }
  if (!content_types || type.empty()) return refused(archive());
  if (macros) return refused(tr("an Office file with macros"));
  return {type, ""};
}

bool is_program(std::string_view h) {
  static constexpr std::string_view kMagic[] = {"MZ",
                                                "\x7f\x45LF",  // \x7f E L F
                                                "#!",
                                                "\xfe\xed\xfa\xce",
                                                "\xfe\xed\xfa\xcf",
                                                "\xce\xfa\xed\xfe",
                                                "\xcf\xfa\xed\xfe",
                                                "\xca\xfe\xba\xbe",
                                                std::string_view("\0asm", 4)};
  return std::any_of(std::begin(kMagic), std::end(kMagic), [&](std::string_view m) { return starts(h, m); });
}

bool is_archive(std::string_view h) {
  static constexpr std::string_view kMagic[] = {"\x1f\x8b",
                                                "7z\xbc\xaf\x27\x1c",
                                                "Rar!",
                                                "BZh",
                                                "\xfd\x37zXZ",  // \xfd 7 z X Z
                                                "\x28\xb5\x2f\xfd",
                                                "MSCF",
                                                "xar!"};
  if (h.size() > 262 && h.substr(257, 5) == "ustar") return true;
  return std::any_of(std::begin(kMagic), std::end(kMagic), [&](std::string_view m) { return starts(h, m); });
}

// Markup a browser would run (HTML, SVG, XML with its scripts), anywhere in the head.
bool has_markup(std::string_view h) {
  const std::string l = lower_ascii(h);
  std::size_t first = l.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && l[first] == '<') {
    const std::string_view start = std::string_view(l).substr(first + 1);
    for (std::string_view tag : {"!doctype", "html", "?xml", "svg", "script", "head", "body", "iframe", "!--"})
      if (start.starts_with(tag)) return true;
  }
  for (std::string_view tag : {"<script", "<html", "<svg", "<iframe", "javascript:"})
    if (l.find(tag) != std::string::npos) return true;
  return false;
}

// Text: no NUL and no control byte other than TAB, LF, FF, CR and the old EOF mark (0x1a).
bool is_text(std::string_view h) {
  return std::none_of(h.begin(), h.end(), [](char ch) {
    const auto c = std::uint8_t(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1a) || c == 0x7f;
  });
}

}  // namespace

Sniffed sniff_fd(int fd, const fs::path& path, std::int64_t size, std::string_view name) {
  if (size == 0) return refused(tr("an empty file"));
  const std::string head = read_at(fd, path, 0, kSniffBytes);
  const std::string_view h = head;
  if (starts(h, "%PDF-")) return {"application/pdf", ""};
  if (starts(h, "\x89PNG\r\n\x1a\n")) return {"image/png", ""};
  if (starts(h, "\xff\xd8\xff")) return {"image/jpeg", ""};
  if (starts(h, "GIF87a") || starts(h, "GIF89a")) return {"image/gif", ""};
  if (starts(h, std::string_view("II*\0", 4)) || starts(h, std::string_view("MM\0*", 4))) return {"image/tiff", ""};
  if (starts(h, "PK\x03\x04") || starts(h, "PK\x05\x06")) return sniff_zip(fd, path, size);
  if (starts(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
    return refused(tr("an old Office file (.doc, .xls, .ppt); save it as PDF, .docx or .xlsx"));
  if (is_program(h)) return refused(tr("a program (an executable or a script)"));
  if (is_archive(h)) return refused(archive());
  std::string_view text = h;
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  if (!is_text(text)) return refused(tr("a format not accepted as evidence"));
  if (has_markup(text)) return refused(tr("HTML, SVG or XML, which may hold script"));
  return {lower_ascii(name).ends_with(".csv") ? "text/csv" : "text/plain", ""};
}

}  // namespace libaudit::detail::evidence

namespace libaudit {

Sniffed sniff_evidence(const std::filesystem::path& path, std::string_view name) {
  std::int64_t size = 0;
  const detail::evidence::Fd fd = detail::evidence::open_read(path, size);
  return detail::evidence::sniff_fd(fd.get(), path, size, name);
}

}  // namespace libaudit
