// Text normalisation for policy documents: PDF extractions and Markdown conversions become
// logical lines (one paragraph, heading or list entry each) that remember the source lines
// they came from. docs/extractor.md describes the rules.
//
// Pure functions; thread-safe. Text is kept as written (full-width digits stay full-width) so
// that it can be quoted; NFKC is used only for recognising numbering and for matching.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libaudit/base/error.h"

namespace libaudit {

// The numbering styles of municipal standards (DOMAIN.md, "Standard").
enum class LabelStyle {
  chapter,         // 第N章 (also 第N編)
  section,         // 第N節
  article,         // 第N条
  paragraph,       // 項: a bare number inside an article (set by the clause parser)
  number,          // 1 / １ / 1. / １．
  paren_number,    // (1) / （１）
  katakana,        // ア イ ウ … in 五十音 order
  paren_katakana,  // (ア) / （ア）
  latin,           // a b c / ａ ｂ ｃ
  paren_latin,     // (a) / （ａ）
  circled,         // ① ② ③
  hyphenated,      // 2-4-1 / ２―４―１ (any dash PDF text uses: ― － ‐ – — − ー)
  dotted,          // 3.2 / ３．２ / 3.2.1
};

// A clause number at the start of a line.
struct Label {
  LabelStyle style = LabelStyle::number;
  int number = 0;          // 1-based position: ア = 1, イ = 2, (3) = 3, c = 3, ③ = 3
  std::string written;     // as in the source, e.g. "（ア）" or "２―４―１"
  std::string normalized;  // NFKC with spaces removed, e.g. "(ア)" or "2-4-1"
  std::vector<int> parts;  // hyphenated, dotted: every component (2, 4, 1); else {number}
};

// The label at the start of `line` (leading white space allowed), with the byte length it
// takes including the white space after it, or nullopt. A katakana or latin letter counts only
// when white space follows it (イメージ… is not a label); a bracketed number followed by a
// particle (（１）の分類…) is not one either.
struct LabelMatch {
  Label label;
  std::size_t length = 0;
};
std::optional<LabelMatch> match_label(std::string_view line);

// One logical line: a paragraph joined from the PDF lines it was broken into, a heading, or a
// list entry.
struct LogicalLine {
  std::string text;            // verbatim text (label included), line breaks removed, stray spaces collapsed
  std::optional<Label> label;  // clause number at the start, if any
  std::string body;            // `text` after the label
  int first_line = 0;          // 1-based source lines covered
  int last_line = 0;
  int heading_level = 0;  // Markdown '#' count; 0 when not a Markdown heading
  bool heading = false;   // a heading: Markdown heading, bold line, or a short numbered line without a sentence end
  bool bullet = false;    // a list entry: "・…", "- …", "* …"
  // Where each joined source line starts: (byte offset into `text`, 1-based source line).
  std::vector<std::pair<std::size_t, int>> line_map;

  // The source line holding byte `offset` of `text`.
  int line_at(std::size_t offset) const;
};

struct NormalizedText {
  std::vector<LogicalLine> lines;
  std::vector<Diagnostic> warnings;  // e.g. dropped page footers are not warnings; odd input is
  int source_lines = 0;
};

// Normalises `text`. Throws ValidationError (one Diagnostic at the first bad byte) when `text`
// is not valid UTF-8; `source` names the text in diagnostics.
//
// Rules: page footers (`- 12 -`, `－12－`) and table-of-contents lines (`目的 ..... 1`) are
// dropped; Markdown heading marks, bold marks and bullets are stripped (the heading level is
// kept); a line that does not end a sentence continues on the next unless the next starts a
// new numbered clause, a list entry or a heading, or a blank line separates them in a file
// whose blank lines are meaningful; spaces between CJK characters and between spaced-out
// letters (`L G W A N`) are removed.
NormalizedText normalize(std::string_view text, std::string_view source = "<text>");

namespace text {
// `s` with every ASCII and ideographic space, tab and line break removed: the comparison used
// for "occurs verbatim modulo white space".
std::string squash_spaces(std::string_view s);
}  // namespace text

}  // namespace libaudit
