// Text normalisation: physical lines -> logical lines. See normalize.h and docs/extractor.md.
#include "libaudit/policy/normalize.h"

#include <algorithm>

#include "base/jtext.h"
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

bool is_hyphen(char32_t c) {
  return c == U'-' || c == 0xFF0D || c == 0x2015 || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 ||
         c == 0x2014 || c == 0x2212;
}

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

}  // namespace

std::optional<LabelMatch> match_label(std::string_view line) {
  std::size_t start = skip_spaces(line, 0);
  if (start >= line.size()) return std::nullopt;
  std::size_t i = start;
  char32_t c;
  std::size_t n = decode(line, i, c);
  Label label;
  auto finish = [&](std::size_t end, bool need_space) -> std::optional<LabelMatch> {
    // need_space: the label must be followed by white space or the end of the line.
    if (need_space && end < line.size()) {
      char32_t next;
      decode(line, end, next);
      if (!is_space(next)) return std::nullopt;
    }
    label.written = std::string(line.substr(start, end - start));
    if (label.parts.empty()) label.parts = {label.number};
    LabelMatch m;
    m.label = std::move(label);
    m.length = skip_spaces(line, end);
    return m;
  };

  // 第N条 / 第N章 / 第N節 / 第N編 (digits or kanji numerals, spaces allowed around N)
  if (c == U'第') {
    std::size_t j = skip_spaces(line, i + n);
    int count = 0;
    int value = read_number(line, j, count);
    if (count == 0) {  // kanji numerals: 一 … 九十九
      int tens = 0, unit = 0, k = 0;
      while (j < line.size()) {
        char32_t d;
        std::size_t m = decode(line, j, d);
        if (d == U'十') {
          tens += (unit == 0 ? 1 : unit) * 10;
          unit = 0;
        } else if (int kd = kanji_digit(d); kd >= 0) {
          unit = kd;
        } else {
          break;
        }
        ++k;
        j += m;
      }
      value = tens + unit;
      count = k;
    }
    if (count == 0 || value <= 0) return std::nullopt;
    j = skip_spaces(line, j);
    if (j >= line.size()) return std::nullopt;
    char32_t unit;
    std::size_t m = decode(line, j, unit);
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
    return finish(j + m, false);
  }

  // ① … ⑳
  if (c >= 0x2460 && c <= 0x2473) {
    label.style = LabelStyle::circled;
    label.number = static_cast<int>(c - 0x2460) + 1;
    jtext::append_utf8(label.normalized, c);
    return finish(i + n, false);
  }

  // (1) （１） (ア) （ア） (a) （ａ）
  if (c == U'(' || c == 0xFF08) {
    std::size_t j = i + n;
    if (j >= line.size()) return std::nullopt;
    char32_t d;
    std::size_t m = decode(line, j, d);
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
    return finish(end, false);
  }

  // 1 / １ / 1. / １． / 2-4-1 / ２―４―１
  if (jtext::is_digit(c)) {
    std::size_t j = i;
    int count = 0;
    label.number = read_number(line, j, count);
    if (count > 3 || label.number <= 0) return std::nullopt;
    label.parts = {label.number};
    while (j < line.size()) {
      char32_t h;
      std::size_t hm = decode(line, j, h);
      if (!is_hyphen(h)) break;
      std::size_t k = j + hm;
      int cnt = 0;
      int part = read_number(line, k, cnt);
      if (cnt == 0 || cnt > 3) break;
      label.parts.push_back(part);
      j = k;
    }
    // At most six components: the clause tree's depth (and the recursion over it) stays small
    // whatever the input.
    if (label.parts.size() > 6) return std::nullopt;
    if (label.parts.size() > 1) {
      label.style = LabelStyle::hyphenated;
      label.number = label.parts.back();
      for (std::size_t p = 0; p < label.parts.size(); ++p)
        label.normalized += jtext::cat({p ? "-" : "", ascii_number(label.parts[p])});
      return finish(j, true);
    }
    label.style = LabelStyle::number;
    label.normalized = ascii_number(label.number);
    if (j < line.size()) {
      char32_t dot;
      std::size_t dm = decode(line, j, dot);
      if (dot == U'.' || dot == 0xFF0E) {
        std::size_t after = j + dm;
        if (after < line.size()) {
          char32_t next;
          decode(line, after, next);
          if (jtext::is_digit(next)) return std::nullopt;  // 1.5
        }
        return finish(after, false);
      }
    }
    return finish(j, true);
  }

  // ア イ ウ … followed by white space (or a full stop and white space)
  if (int k = jtext::gojuon_index(c)) {
    label.style = LabelStyle::katakana;
    label.number = k;
    jtext::append_utf8(label.normalized, c);
    std::size_t end = i + n;
    if (end < line.size()) {
      char32_t dot;
      std::size_t dm = decode(line, end, dot);
      if (dot == U'.' || dot == 0xFF0E) end += dm;
    }
    if (end >= line.size()) return std::nullopt;  // a lone katakana is not a clause
    return finish(end, true);
  }

  // a b c / ａ ｂ ｃ followed by white space (or ". ")
  if (jtext::is_lower_latin(c)) {
    label.style = LabelStyle::latin;
    label.number = jtext::latin_value(c);
    label.normalized = std::string(1, static_cast<char>('a' + label.number - 1));
    std::size_t end = i + n;
    if (end < line.size()) {
      char32_t dot;
      std::size_t dm = decode(line, end, dot);
      if (dot == U'.' || dot == 0xFF0E || dot == U')') end += dm;
    }
    if (end >= line.size()) return std::nullopt;
    return finish(end, true);
  }
  return std::nullopt;
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

}  // namespace

NormalizedText normalize(std::string_view input, std::string_view source) {
  if (auto bad = text::find_invalid_utf8(input)) {
    throw ValidationError(
        {Diagnostic{std::string(source), bad->line, bad->column,
                    "invalid UTF-8 (byte offset " + std::to_string(bad->offset) + "); save the text as UTF-8"}});
  }
  NormalizedText result;
  std::vector<RawLine> raw;
  std::vector<std::size_t> widths;
  std::size_t nonblank = 0, blank_after = 0;
  bool prev_blank = false, prev_nonblank = false;
  int line_no = 0;
  std::size_t pos = 0;
  // BOM
  if (jtext::starts_with(input, "\xEF\xBB\xBF")) pos = 3;
  while (pos <= input.size()) {
    std::size_t eol = input.find('\n', pos);
    if (eol == std::string_view::npos) eol = input.size();
    std::string_view physical = input.substr(pos, eol - pos);
    ++line_no;
    pos = eol + 1;
    if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
    bool hard_break = jtext::ends_with(physical, "  ");
    std::string_view t = text::trim(physical);
    if (t.empty()) {
      if (prev_nonblank) ++blank_after;
      prev_blank = true;
      prev_nonblank = false;
      if (eol == input.size()) break;
      continue;
    }
    ++nonblank;
    prev_nonblank = true;
    RawLine r;
    r.line = line_no;
    r.blank_before = prev_blank;
    prev_blank = false;
    r.hard_break = hard_break;
    if (is_footer(t) || is_toc_line(t) || t == "---" || t == "***" || jtext::starts_with(t, "```")) {
      if (eol == input.size()) break;
      continue;
    }
    // Markdown heading marks, bold lines, bullets
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
    if (t.empty()) {
      if (eol == input.size()) break;
      continue;
    }
    r.label = match_label(t);
    if (r.label) {
      std::string body = collapse_spaces(t.substr(r.label->length));
      // one space after the label when the source has white space there, none otherwise
      const bool spaced = r.label->length > r.label->label.written.size();
      r.text = r.label->label.written + (body.empty() || !spaced ? "" : " ") + body;
      r.label->length = r.text.size() - body.size();
    } else {
      r.text = collapse_spaces(t);
    }
    widths.push_back(width_of(physical));
    raw.push_back(std::move(r));
    if (eol == input.size()) break;
  }
  result.source_lines = line_no;

  // Blank lines separate paragraphs unless nearly every line is followed by one (PDF
  // extractions that interleave blank lines).
  const bool blank_meaningful = nonblank == 0 || static_cast<double>(blank_after) / nonblank < 0.85;
  std::size_t full_width = 0;
  if (!widths.empty()) {
    std::vector<std::size_t> sorted = widths;
    std::sort(sorted.begin(), sorted.end());
    full_width = sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];
  }
  const std::size_t heading_width = full_width * 8 / 10;

  auto start_logical = [&](const RawLine& r, std::size_t width) {
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
    // A numbered line is a heading when it does not end a sentence and is clearly shorter
    // than a full line of the page (PDF text), or a little shorter and has no 、 either.
    l.heading = r.heading_level > 0 || r.bold ||
                (r.label && !ends_sentence(r.text) &&
                 (l.body.empty() || width < heading_width ||
                  (width < full_width * 9 / 10 && l.body.find("、") == std::string::npos)));
    return l;
  };

  // A numbered line that does not end a sentence is a heading when the next line starts a
  // sentence of its own: another numbered line, or a role name as subject (「ア 情報の収集、
  // 共有及び…の更新等」 then 「統括情報セキュリティ責任者、…は、」), unless the numbered line
  // ends in a particle or a comma and so must go on.
  auto continues = [](std::string_view t) {
    t = text::trim(t);
    for (std::string_view e :
         {"、", "の", "を", "に", "は", "が", "で", "と", "へ", "も", "及び", "又は", "並びに", "（", "("})
      if (jtext::ends_with(t, e)) return true;
    return false;
  };
  auto heading_before = [&](std::size_t k) {
    if (k + 1 >= raw.size()) return false;
    const RawLine& next = raw[k + 1];
    return next.label.has_value() || jtext::role_name_prefix(next.text) > 0;
  };

  bool open = false;
  bool cur_hard_break = false;
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const RawLine& r = raw[k];
    bool join = open && !result.lines.back().heading && !cur_hard_break && !ends_sentence(result.lines.back().text) &&
                !r.label && r.heading_level == 0 && !r.bold && !r.md_bullet && !jtext::starts_with(r.text, "・") &&
                !(blank_meaningful && r.blank_before && !long_open_line(raw[k - 1].text));
    if (join) {
      LogicalLine& l = result.lines.back();
      // PDF line breaks are removed; a space is kept only between non-CJK characters.
      // (only the last and first characters are decoded: a long paragraph stays linear)
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
    } else {
      result.lines.push_back(start_logical(r, widths[k]));
      LogicalLine& l = result.lines.back();
      if (l.label && !l.heading && !ends_sentence(l.text) && !continues(l.text) && heading_before(k)) l.heading = true;
      open = true;
    }
    cur_hard_break = blank_meaningful && r.hard_break;
  }
  return result;
}

}  // namespace libaudit
