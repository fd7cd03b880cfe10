// The obligation extractor: from a standard's text to a draft checklist. It finds the
// obligation sentences (〜しなければならない, 〜してはならない, 〜ものとする, 〜こと in duty
// lists, …), attaches each to its deepest clause and fills a draft item: id from the clause
// path, verbatim text, roles from the subject, tiers, a self-inspection question.
// docs/extractor.md states every rule and its limits.
//
// Pure functions; thread-safe. A draft is a starting point for a person, never a finished
// checklist: every item needs checking by hand.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/error.h"
#include "libaudit/checklist/checklist.h"
#include "libaudit/policy/clause.h"
#include "libaudit/policy/normalize.h"

namespace libaudit {

// Why a sentence was taken as an obligation.
enum class ObligationKind {
  must,       // 〜なければならない (なりません)
  must_not,   // 〜てはならない / 〜ではならない
  shall,      // 〜ものとする
  duty_item,  // 〜こと。 in a list item or a list of duties
  rule,       // 〜講じる。/ 〜実施する。… with the rule's subject, in a standard
};

struct Obligation {
  ObligationKind kind = ObligationKind::must;
  std::string text;                // the sentence verbatim (line breaks removed), with its ・ sub-list
  std::string question;            // self-inspection form: 「…しているか。」 / 「…していないか。」
  std::vector<std::string> roles;  // role ids (DOMAIN.md), never empty
  bool roles_inherited = false;    // no subject in the sentence: taken from context or the default
  std::vector<std::string> tiers;  // tier ids mentioned
  bool important_assets = false;   // mentions 重要な情報資産
  std::size_t part = 0;            // index into ClauseTree::parts
  const Clause* clause = nullptr;  // deepest clause holding the sentence (points into the tree)
  std::string clause_path;         // its path (set by extract_checklist)
  int sentence = 1;                // position among the sentences of the clause's own text (1-based)
  int first_line = 0;              // source lines
  int last_line = 0;
};

// Role ids named in `phrase`, longest name first (統括情報セキュリティ責任者 is not read as
// 情報セキュリティ責任者), in order of appearance, without repeats.
std::vector<std::string> roles_in(std::string_view phrase);

// The subject of a sentence: the role-naming phrase before its topic marker 「は」
// (「情報セキュリティ責任者及び情報システム管理者は、…」), or "" when there is none.
std::string subject_of(std::string_view sentence);

// The self-inspection question for an obligation sentence: the subject and a leading
// 「また、」 are dropped and the ending conjugated (…講じなければならない。→ …講じているか。,
// …してはならない。→ …していないか。, …報告するものとする。→ …報告しているか。,
// …こと。→ …しているか。). Returns "" when the ending is not one it knows.
std::string question_for(std::string_view sentence);

// The obligations in normalised, parsed text, in document order. `tier_aliases` adds the
// body's own tier names (e.g. {"業務系", "mynumber"}) to the shared ones.
struct TierAlias {
  std::string name;
  std::string tier;
};
std::vector<Obligation> find_obligations(const NormalizedText& text, const ClauseTree& tree,
                                         const std::vector<TierAlias>& tier_aliases = {},
                                         std::vector<Diagnostic>* warnings = nullptr,
                                         std::string_view source = "<text>");

struct ExtractOptions {
  std::string id;     // checklist id (a-z, 0-9, '-'); required
  std::string title;  // required
  std::string body;   // the body (団体); required
  std::string version = "draft";
  std::string source_document;  // file name, for source.document and the header comment
  std::string source_title;     // defaults to the document's title line, else `title`
  std::string part;             // extract only the part whose title contains this; "" = all
};

struct Extraction {
  Checklist checklist;  // validated by Checklist::from_yaml
  std::vector<Diagnostic> warnings;
  std::string yaml;    // the checklist as YAML with a "draft generated from" header
  ClauseTree clauses;  // the parsed clause tree (items point into it by path)
  // What the items were made from; their clause pointers point into `clauses`, so they are
  // valid as long as this Extraction is not copied (moving is fine).
  std::vector<Obligation> obligations;
};

// Normalises, parses and extracts `text`. Throws ValidationError for invalid UTF-8 or bad
// options, ChecklistError if no obligation is found (a checklist needs at least one item).
Extraction extract_checklist(std::string_view text, const ExtractOptions& options);

}  // namespace libaudit
