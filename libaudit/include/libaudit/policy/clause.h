// The clause tree of a standard, built from its numbering (第N条, 1, （1）, ア, （ア）, a, ①,
// 2-4-1, and Markdown headings carrying any of them). docs/extractor.md gives the rules.
//
// Parsing never fails on well-formed UTF-8: odd numbering (a restart, a skip, a number out of
// order) is kept as written and reported as a warning with its source line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/error.h"
#include "libaudit/policy/normalize.h"

namespace libaudit {

struct Clause {
  Label label;         // the number as written; a part (document) has none
  std::string title;   // heading text after the number, empty when the clause starts with its text
  std::string path;    // NFKC reference within its part, e.g. "4(2)イ(ア)", "第3条第2項(1)"
  std::string id;      // checklist id form of `path`, e.g. "4.2.b.1" (ア=a, (ア)=1)
  int depth = 0;       // 1 for chapters (top level of a part); 0 for a part
  int first_line = 0;  // source lines covered by the clause and its children
  int last_line = 0;
  std::vector<std::size_t> lines;  // indices into NormalizedText::lines: the label line and the clause's own text
  std::vector<Clause> children;
};

// A document within the text: most texts hold one; 小牧市's holds the 基本方針 and then the
// 対策基準, each numbered from 1. A new part starts where the top-level numbering restarts
// at 1 right after an unnumbered title line.
struct ClausePart {
  std::string title;  // the title line, or "" when the text has none
  int first_line = 0;
  std::vector<std::size_t> lines;  // lines before the first clause (title, preamble)
  std::vector<Clause> clauses;     // top-level clauses (depth 1)
  bool title_is_heading = false;   // the title came from a Markdown heading
};

struct ClauseTree {
  std::vector<ClausePart> parts;
  std::vector<Diagnostic> warnings;

  // The clause with this path (NFKC-normalised first) in part `part` (0-based), or nullptr.
  const Clause* find(std::string_view path, std::size_t part = 0) const;
  // Every clause path of part `part`, in document order.
  std::vector<std::string> paths(std::size_t part = 0) const;
};

// Builds the tree from normalised text. `source` names the text in warnings.
ClauseTree parse_clauses(const NormalizedText& text, std::string_view source = "<text>");

}  // namespace libaudit
