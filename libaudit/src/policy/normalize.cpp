// Text normalisation: physical lines -> logical lines. See normalize.h and docs/extractor.md.
#include "libaudit/policy/normalize.h"

#include <algorithm>

#include "base/jtext.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"

namespace libaudit {

using jtext::decode;
using jtext::is_space;

namespace {

// Particles and marks that, right after a bracketed number, show it is a reference in running
// text (（１）の分類に基づき…) rather than a clause label.
bool is_particle_start(std::string_view rest) {
  static constexpr std::string_view kParticles[] = {
      "の", "を", "に",   "が",   "は",     "で",   "と",   "や",   "へ",       "も",       "、", "。",
      "）", ")",  "及び", "又は", "並びに", "から", "まで", "より", "において", "について", "・"};
  for (std::string_view p : kParticles)
    if (jtext::starts_with(rest, p)) return true;
  return false;
}

// The dashes PDF text writes between the numbers of 2―4―1: - － ― ‐ ‑ ‒ – — −, the box-drawing
// ─, the long vowel marks ー ｰ and the small hyphen-minus ﹣.
bool is_hyphen(char32_t c) {
  return c == U'-' || c == 0xFF0D || c == 0x2015 || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 ||
         c == 0x2014 || c == 0x2212 || c == 0x2500 || c == 0x30FC || c == 0xFF70 || c == 0xFE63;
}

bool is_dot(char32_t c) { return c == U'.' || c == 0xFF0E; }

// Kanji numerals 一 … 九十九.
int kanji_digit(char32_t c) {
  static constexpr char32_t kDigits[] = U"〇一二三四五六七八九";
  for (int i = 0; i < 10; ++i)
    if (kDigits[i] == c) return i;
  return -1;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    char32_t c;
    std::size_t n = decode(s, i, c);
    if (!is_space(c)) break;
    i += n;
  }
  return i;
}

// Reads digits (half- or full-width) at s[i]; returns the value (capped) and advances i.
int read_number(std::string_view s, std::size_t& i, int& count) {
  int value = 0;
  count = 0;
  while (i < s.size()) {
    char32_t c;
    std::size_t n = decode(s, i, c);
    if (!jtext::is_digit(c)) break;
    value = std::min(100000, value * 10 + jtext::digit_value(c));
    ++count;
    i += n;
  }
  return value;
}

std::string ascii_number(int n) { return std::to_string(n); }

// Reads kanji numerals 一 … 九十九 at s[j]; returns the value and advances j; count = characters read.
int read_kanji_number(std::string_view s, std::size_t& j, int& count) {
  int tens = 0, unit = 0;
  count = 0;
  while (j < s.size()) {
    char32_t d;
    std::size_t m = decode(s, j, d);
    if (d == U'十') {
      tens += (unit == 0 ? 1 : unit) * 10;
      unit = 0;
    } else if (int kd = kanji_digit(d); kd >= 0) {
      unit = kd;
    } else {
      break;
    }
    ++count;
    j += m;
  }
  return tens + unit;
}

// A label recognised at the start of a line: where it ends, and whether white space (or the
// end of the line) must follow it.
struct Candidate {
  Label label;
  std::size_t end = 0;
  bool need_space = false;
};
using Match = std::optional<Candidate>;

Match candidate(Label label, std::size_t end, bool need_space) { return Candidate{std::move(label), end, need_space}; }

// The character at s[at] is '.' or '．'; its length in bytes, or 0.
std::size_t full_stop_at(std::string_view s, std::size_t at, bool or_paren = false) {
  if (at >= s.size()) return 0;
  char32_t dot;
  const std::size_t dm = decode(s, at, dot);
  return dot == U'.' || dot == 0xFF0E || (or_paren && dot == U')') ? dm : 0;
}

// 第N条 / 第N章 / 第N節 / 第N編 (digits or kanji numerals, spaces allowed around N); `i` is just
// past 第.
Match match_dai(std::string_view line, std::size_t i) {
  std::size_t j = skip_spaces(line, i);
  int count = 0;
  int value = read_number(line, j, count);
  if (count == 0) value = read_kanji_number(line, j, count);
  if (count == 0 || value <= 0) return std::nullopt;
  j = skip_spaces(line, j);
  if (j >= line.size()) return std::nullopt;
  char32_t unit;
  std::size_t m = decode(line, j, unit);
  Label label;
  if (unit == U'条')
    label.style = LabelStyle::article;
  else if (unit == U'章' || unit == U'編')
    label.style = LabelStyle::chapter;
  else if (unit == U'節')
    label.style = LabelStyle::section;
  else
    return std::nullopt;
  label.number = value;
  std::string u;
  jtext::append_utf8(u, unit);
  label.normalized = "第" + ascii_number(value) + u;
  return candidate(std::move(label), j + m, false);
}

// ① … ⑳ (c), ending at `end`.
Match match_circled(char32_t c, std::size_t end) {
  Label label;
  label.style = LabelStyle::circled;
  label.number = static_cast<int>(c - 0x2460) + 1;
  jtext::append_utf8(label.normalized, c);
  return candidate(std::move(label), end, false);
}

// (1) （１） (ア) （ア） (a) （ａ）; `j` is just past the opening bracket. A bracketed number
// followed at once by a particle is a reference in running text, not a label.
Match match_parenthesised(std::string_view line, std::size_t j) {
  if (j >= line.size()) return std::nullopt;
  char32_t d;
  std::size_t m = decode(line, j, d);
  Label label;
  std::string inner;
  if (jtext::is_digit(d)) {
    int count = 0;
    label.number = read_number(line, j, count);
    label.style = LabelStyle::paren_number;
    inner = ascii_number(label.number);
  } else if (int k = jtext::gojuon_index(d)) {
    label.number = k;
    label.style = LabelStyle::paren_katakana;
    jtext::append_utf8(inner, d);
    j += m;
  } else if (jtext::is_lower_latin(d)) {
    label.number = jtext::latin_value(d);
    label.style = LabelStyle::paren_latin;
    inner += static_cast<char>('a' + label.number - 1);
    j += m;
  } else {
    return std::nullopt;
  }
  if (j >= line.size()) return std::nullopt;
  char32_t close;
  std::size_t cm = decode(line, j, close);
  if (close != U')' && close != 0xFF09) return std::nullopt;
  if (label.number <= 0 || label.number > 999) return std::nullopt;
  std::size_t end = j + cm;
  std::size_t after = skip_spaces(line, end);
  if (after == end && is_particle_start(line.substr(end))) return std::nullopt;
  label.normalized = "(" + inner + ")";
  return candidate(std::move(label), end, false);
}

// 1 / １ / 1. / １． / 2-4-1 / ２―４―１ / 3.2 / ３．２ / 3.2.1, starting at `j`. A number with
// parts (hyphenated or dotted) must be followed by white space or the end of the line, so a
// decimal in running text (1.5倍) is not a label; a dotted one may end in a full stop (3.2.).
Match match_arabic(std::string_view line, std::size_t j) {
  Label label;
  int count = 0;
  label.number = read_number(line, j, count);
  if (count > 3 || label.number <= 0) return std::nullopt;
  label.parts = {label.number};
  bool dotted = false;
  while (j < line.size()) {
    char32_t h;
    std::size_t hm = decode(line, j, h);
    const bool dot = is_dot(h);
    if (!is_hyphen(h) && !dot) break;
    if (label.parts.size() > 1 && dot != dotted) break;  // one separator per label
    std::size_t k = j + hm;
    int cnt = 0;
    int part = read_number(line, k, cnt);
    if (cnt == 0 || cnt > 3) break;
    dotted = dot;
    label.parts.push_back(part);
    j = k;
  }
  // At most six components: the clause tree's depth (and the recursion over it) stays small
  // whatever the input.
  if (label.parts.size() > 6) return std::nullopt;
  if (label.parts.size() > 1) {
    label.style = dotted ? LabelStyle::dotted : LabelStyle::hyphenated;
    label.number = label.parts.back();
    for (std::size_t p = 0; p < label.parts.size(); ++p)
      label.normalized += jtext::cat({p ? (dotted ? "." : "-") : "", ascii_number(label.parts[p])});
    if (dotted) j += full_stop_at(line, j);
    return candidate(std::move(label), j, true);
  }
  label.style = LabelStyle::number;
  label.normalized = ascii_number(label.number);
  if (const std::size_t dm = full_stop_at(line, j)) {
    const std::size_t after = j + dm;
    if (after < line.size()) {
      char32_t next;
      decode(line, after, next);
      if (jtext::is_digit(next)) return std::nullopt;  // 1.5
    }
    return candidate(std::move(label), after, false);
  }
  return candidate(std::move(label), j, true);
}

// ア イ ウ … (c, of gojūon index k) followed by white space (or a full stop and white space);
// `end` is just past c.
Match match_katakana(std::string_view line, char32_t c, int k, std::size_t end) {
  Label label;
  label.style = LabelStyle::katakana;
  label.number = k;
  jtext::append_utf8(label.normalized, c);
  end += full_stop_at(line, end);
  if (end >= line.size()) return std::nullopt;  // a lone katakana is not a clause
  return candidate(std::move(label), end, true);
}

// a b c / ａ ｂ ｃ followed by white space (or ". " or ") "); `end` is just past c.
Match match_latin(std::string_view line, char32_t c, std::size_t end) {
  Label label;
  label.style = LabelStyle::latin;
  label.number = jtext::latin_value(c);
  label.normalized = std::string(1, static_cast<char>('a' + label.number - 1));
  end += full_stop_at(line, end, /*or_paren=*/true);
  if (end >= line.size()) return std::nullopt;
  return candidate(std::move(label), end, true);
}

// The candidate of whichever style the first character `c` (at `i`, `n` bytes) starts.
Match match_any(std::string_view line, std::size_t i, std::size_t n, char32_t c) {
  if (c == U'第') return match_dai(line, i + n);
  if (c >= 0x2460 && c <= 0x2473) return match_circled(c, i + n);
  if (c == U'(' || c == 0xFF08) return match_parenthesised(line, i + n);
  if (jtext::is_digit(c)) return match_arabic(line, i);
  if (int k = jtext::gojuon_index(c)) return match_katakana(line, c, k, i + n);
  if (jtext::is_lower_latin(c)) return match_latin(line, c, i + n);
  return std::nullopt;
}

}  // namespace

std::optional<LabelMatch> match_label(std::string_view line) {
  const std::size_t start = skip_spaces(line, 0);
  if (start >= line.size()) return std::nullopt;
  char32_t c;
  const std::size_t n = decode(line, start, c);
  Match found = match_any(line, start, n, c);
  if (!found) return std::nullopt;
  const std::size_t end = found->end;
  if (found->need_space && end < line.size()) {
    char32_t next;
    decode(line, end, next);
    if (!is_space(next)) return std::nullopt;
  }
  Label& label = found->label;
  label.written = std::string(line.substr(start, end - start));
  if (label.parts.empty()) label.parts = {label.number};
  LabelMatch m;
  m.label = std::move(label);
  m.length = skip_spaces(line, end);
  return m;
}

int LogicalLine::line_at(std::size_t offset) const {
  int line = first_line;
  for (const auto& [start, source_line] : line_map) {
    if (start > offset) break;
    line = source_line;
  }
  return line;
}

namespace text {
std::string squash_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c;
    std::size_t n = decode(s, i, c);
    if (!is_space(c) && c != U'\n') out.append(s.substr(i, n));
    i += n;
  }
  return out;
}
}  // namespace text

namespace {

// One physical line after Markdown marks are stripped.
struct RawLine {
  std::string text;  // trimmed, marks stripped
  int line = 0;
  int heading_level = 0;
  bool bold = false;
  bool md_bullet = false;
  bool hard_break = false;  // Markdown: two trailing spaces
  bool blank_before = false;
  std::optional<LabelMatch> label;
};

bool is_footer(std::string_view t) {
  // - 12 -, －12－, ― 3 ―
  auto d = jtext::decode_all(t);
  std::size_t k = 0, e = d.cps.size();
  auto skip_sp = [&](std::size_t& p) {
    while (p < e && is_space(d.cps[p])) ++p;
  };
  if (k >= e || !is_hyphen(d.cps[k])) return false;
  ++k;
  skip_sp(k);
  std::size_t digits = 0;
  while (k < e && jtext::is_digit(d.cps[k])) ++k, ++digits;
  if (digits == 0 || digits > 4) return false;
  skip_sp(k);
  if (k >= e || !is_hyphen(d.cps[k])) return false;
  ++k;
  skip_sp(k);
  return k == e;
}

bool is_toc_line(std::string_view t) {
  // "目 的 ..... 1", "第1章 … 3": leader dots followed by a page number
  std::size_t dots = t.find("....");
  if (dots == std::string_view::npos) dots = t.find("…");
  if (dots == std::string_view::npos) dots = t.find("・・・");
  if (dots == std::string_view::npos) return false;
  std::string_view tail = text::trim(t.substr(dots));
  std::size_t i = tail.size();
  while (i > 0 && ((tail[i - 1] >= '0' && tail[i - 1] <= '9'))) --i;
  return i < tail.size();
}

bool ends_sentence(std::string_view t) {
  t = text::trim(t);
  return jtext::ends_with(t, "。") || jtext::ends_with(t, "｡");
}

// Removes spaces between CJK characters and inside spaced-out letters (L G W A N); collapses
// other runs of white space to one space. `t` is trimmed.
std::string collapse_spaces(std::string_view t) {
  auto d = jtext::decode_all(t);
  const auto& cps = d.cps;
  std::size_t n = cps.size();
  std::vector<char> drop(n, 0);
  // spaced-out single letters or digits: X Y Z (at least three, single spaces)
  for (std::size_t i = 0; i < n;) {
    if (jtext::is_ascii_alnum(cps[i]) && (i == 0 || !jtext::is_ascii_alnum(cps[i - 1]))) {
      std::size_t j = i;
      std::size_t letters = 1;
      // every token a single character: X Y Z
      while (j + 2 < n && cps[j + 1] == U' ' && jtext::is_ascii_alnum(cps[j + 2]) &&
             (j + 3 >= n || !jtext::is_ascii_alnum(cps[j + 3]))) {
        j += 2;
        ++letters;
      }
      if (letters >= 3)
        for (std::size_t k = i + 1; k < j; k += 2) drop[k] = 1;
      i = j + 1;
    } else {
      ++i;
    }
  }
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < n;) {
    if (!is_space(cps[i])) {
      if (!drop[i]) jtext::append_utf8(out, cps[i]);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && is_space(cps[j])) ++j;
    bool all_dropped = true;
    for (std::size_t k = i; k < j; ++k) all_dropped = all_dropped && drop[k];
    bool cjk_both = i > 0 && j < n && jtext::is_cjk(cps[i - 1]) && jtext::is_cjk(cps[j]);
    if (!all_dropped && !cjk_both && i > 0 && j < n) jtext::append_utf8(out, cps[i]);
    i = j;
  }
  return out;
}

std::size_t width_of(std::string_view t) { return text::display_width(t); }

// A long line cut off mid-sentence: it continues even across a blank line (PDF text pasted
// into Markdown: 「…情報システ」, blank, 「ム全体に対し…」).
bool long_open_line(std::string_view t) {
  t = text::trim(t);
  if (ends_sentence(t) || jtext::ends_with(t, "）") || jtext::ends_with(t, ")") || jtext::ends_with(t, "：") ||
      jtext::ends_with(t, ":"))
    return false;
  return text::display_width(t) >= 60;
}

// ---- normalize, phase 1: physical lines -> RawLines ----------------------------------------

// The physical lines kept (blank lines, footers, tables of contents and rules dropped), with
// what the later phases measure over the whole text.
struct RawText {
  std::vector<RawLine> lines;
  std::vector<std::size_t> widths;  // display width of each kept line as printed
  std::size_t nonblank = 0;         // non-blank physical lines
  std::size_t blank_after = 0;      // of which followed by a blank line
  int source_lines = 0;
};

// Page furniture no sentence is made of: page footers, table-of-contents lines, rules, fences.
bool is_furniture(std::string_view t) {
  return is_footer(t) || is_toc_line(t) || t == "---" || t == "***" || jtext::starts_with(t, "```");
}

// Strips the Markdown marks of a trimmed line (heading #s, **bold**, a bullet) into r.
std::string_view strip_markdown(std::string_view t, RawLine& r) {
  std::size_t hashes = 0;
  while (hashes < t.size() && t[hashes] == '#') ++hashes;
  if (hashes > 0 && hashes <= 6 && (hashes == t.size() || t[hashes] == ' ' || t[hashes] == '\t')) {
    r.heading_level = static_cast<int>(hashes);
    t = text::trim(t.substr(hashes));
  }
  if (t.size() > 4 && jtext::starts_with(t, "**") && jtext::ends_with(t, "**")) {
    r.bold = true;
    t = text::trim(t.substr(2, t.size() - 4));
  }
  if (t.size() > 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t')) {
    r.md_bullet = true;
    t = text::trim(t.substr(2));
  }
  return t;
}

// r.label and r.text of an unmarked line: spaces collapsed, one space after the label when
// the source has white space there, none otherwise.
void set_text(RawLine& r, std::string_view t) {
  r.label = match_label(t);
  if (!r.label) {
    r.text = collapse_spaces(t);
    return;
  }
  std::string body = collapse_spaces(t.substr(r.label->length));
  const bool spaced = r.label->length > r.label->label.written.size();
  r.text = r.label->label.written + (body.empty() || !spaced ? "" : " ") + body;
  r.label->length = r.text.size() - body.size();
}

RawText read_lines(std::string_view input) {
  RawText out;
  bool prev_blank = false, prev_nonblank = false;
  std::size_t pos = jtext::starts_with(input, "\xEF\xBB\xBF") ? 3 : 0;  // BOM
  while (pos <= input.size()) {
    std::size_t eol = input.find('\n', pos);
    if (eol == std::string_view::npos) eol = input.size();
    std::string_view physical = input.substr(pos, eol - pos);
    ++out.source_lines;
    pos = eol + 1;
    if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
    std::string_view t = text::trim(physical);
    if (t.empty()) {
      if (prev_nonblank) ++out.blank_after;
      prev_blank = true;
      prev_nonblank = false;
      continue;
    }
    ++out.nonblank;
    prev_nonblank = true;
    RawLine r;
    r.line = out.source_lines;
    r.blank_before = prev_blank;
    prev_blank = false;
    r.hard_break = jtext::ends_with(physical, "  ");
    if (is_furniture(t)) continue;
    t = strip_markdown(t, r);
    if (t.empty()) continue;
    set_text(r, t);
    out.widths.push_back(width_of(physical));
    out.lines.push_back(std::move(r));
  }
  return out;
}

// ---- normalize, phase 2: the page's shape --------------------------------------------------

struct PageShape {
  bool blank_meaningful = true;   // blank lines separate paragraphs
  std::size_t full_width = 0;     // a full printed line (the 90th percentile width)
  std::size_t heading_width = 0;  // clearly shorter than a full line
};

// Blank lines separate paragraphs unless nearly every line is followed by one (PDF
// extractions that interleave blank lines).
PageShape measure(const RawText& raw) {
  PageShape p;
  p.blank_meaningful = raw.nonblank == 0 || static_cast<double>(raw.blank_after) / raw.nonblank < 0.85;
  if (!raw.widths.empty()) {
    std::vector<std::size_t> sorted = raw.widths;
    std::sort(sorted.begin(), sorted.end());
    p.full_width = sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];
  }
  p.heading_width = p.full_width * 8 / 10;
  return p;
}

// ---- normalize, phase 3: RawLines -> logical lines ------------------------------------------

// A logical line started by r (printed `width` wide). A numbered line is a heading when it
// does not end a sentence and is clearly shorter than a full line of the page (PDF text), or
// a little shorter and has no 、 either.
LogicalLine start_logical(const RawLine& r, std::size_t width, const PageShape& page) {
  LogicalLine l;
  l.text = r.text;
  l.first_line = l.last_line = r.line;
  l.line_map.emplace_back(0, r.line);
  l.heading_level = r.heading_level;
  l.bullet = r.md_bullet || jtext::starts_with(r.text, "・");
  if (r.label) {
    l.label = r.label->label;
    l.body = r.text.substr(r.label->length);
  } else {
    l.body = r.text;
  }
  l.heading = r.heading_level > 0 || r.bold ||
              (r.label && !ends_sentence(r.text) &&
               (l.body.empty() || width < page.heading_width ||
                (width < page.full_width * 9 / 10 && l.body.find("、") == std::string::npos)));
  return l;
}

// The line ends in a particle or a comma and so must go on.
bool must_continue(std::string_view t) {
  t = text::trim(t);
  for (std::string_view e :
       {"、", "の", "を", "に", "は", "が", "で", "と", "へ", "も", "及び", "又は", "並びに", "（", "("})
    if (jtext::ends_with(t, e)) return true;
  return false;
}

// A numbered line that does not end a sentence is a heading when the next line starts a
// sentence of its own: another numbered line, or a role name as subject (「ア 情報の収集、
// 共有及び…の更新等」 then 「統括情報セキュリティ責任者、…は、」), unless it must go on.
bool heading_by_next(const LogicalLine& l, const RawText& raw, std::size_t k) {
  if (!l.label || l.heading || ends_sentence(l.text) || must_continue(l.text)) return false;
  if (k + 1 >= raw.lines.size()) return false;
  const RawLine& next = raw.lines[k + 1];
  return next.label.has_value() || jtext::role_name_prefix(next.text) > 0;
}

// r continues the open logical line l: neither ends the sentence or the paragraph, and r
// starts nothing of its own.
bool joins(const LogicalLine& l, bool hard_break, const RawLine& r, const RawLine& prev, const PageShape& page) {
  return !l.heading && !hard_break && !ends_sentence(l.text) && !r.label && r.heading_level == 0 && !r.bold &&
         !r.md_bullet && !jtext::starts_with(r.text, "・") &&
         !(page.blank_meaningful && r.blank_before && !long_open_line(prev.text));
}

// Appends r to l. PDF line breaks are removed; a space is kept only between non-CJK characters
// (only the last and first characters are decoded: a long paragraph stays linear).
void append_line(LogicalLine& l, const RawLine& r) {
  bool space = false;
  if (!l.text.empty() && !r.text.empty()) {
    std::size_t back = l.text.size() - 1;
    while (back > 0 && (static_cast<unsigned char>(l.text[back]) & 0xC0) == 0x80) --back;
    char32_t last, first;
    jtext::decode(l.text, back, last);
    jtext::decode(r.text, 0, first);
    space = !jtext::is_cjk(last) && !jtext::is_cjk(first);
  }
  l.text += (space ? " " : "");
  l.line_map.emplace_back(l.text.size(), r.line);
  l.text += r.text;
  l.body += (space ? " " : "") + r.text;
  l.last_line = r.line;
}

std::vector<LogicalLine> join_lines(const RawText& raw, const PageShape& page) {
  std::vector<LogicalLine> lines;
  bool hard_break = false;
  for (std::size_t k = 0; k < raw.lines.size(); ++k) {
    const RawLine& r = raw.lines[k];
    if (!lines.empty() && joins(lines.back(), hard_break, r, raw.lines[k - 1], page)) {
      append_line(lines.back(), r);
    } else {
      lines.push_back(start_logical(r, raw.widths[k], page));
      if (heading_by_next(lines.back(), raw, k)) lines.back().heading = true;
    }
    hard_break = page.blank_meaningful && r.hard_break;
  }
  return lines;
}

}  // namespace

NormalizedText normalize(std::string_view input, std::string_view source) {
  if (auto bad = text::find_invalid_utf8(input)) {
    throw ValidationError({Diagnostic{
        std::string(source), bad->line, bad->column,
        message("invalid UTF-8 (byte offset {offset}); save the text as UTF-8", fmt::arg("offset", bad->offset))}});
  }
  const RawText raw = read_lines(input);
  NormalizedText result;
  result.source_lines = raw.source_lines;
  result.lines = join_lines(raw, measure(raw));
  return result;
}

}  // namespace libaudit
