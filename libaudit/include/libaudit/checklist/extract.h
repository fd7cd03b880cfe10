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
  bool roles_defaulted = false;    // no subject and no context: the default 情報セキュリティ管理者
  bool important_assets = false;   // about a system that holds 重要な情報資産 (important_assets_rule)
  // "body" when the sentence is the body's own commitment although its roles alone would send
  // it to every 課 (respondent_rule); "" = the loader's default from the roles.
  std::string respondent;
  std::vector<std::string> audience;  // e.g. {"audit"} (audience_rule); empty = both
  std::size_t part = 0;               // index into ClauseTree::parts
  const Clause* clause = nullptr;     // deepest clause holding the sentence (points into the tree)
  std::string clause_path;            // its path (set by extract_checklist)
  int sentence = 1;                   // position among the sentences of the clause's own text (1-based)
  int first_line = 0;                 // source lines
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
// A topic the subject leaves dangling is rewritten (「情報資産は、…分類しているか。」 →
// 「情報資産を…分類しているか。」; docs/extractor.md has the table).
std::string question_for(std::string_view sentence);

// The question for a sentence whose ending question_for does not know:
// 「「…」を遵守しているか。」.
std::string fallback_question(std::string_view sentence);

// What makes a question read unnaturally, one sentence each (empty: none): it does not end in
// 「か。」, a particle is doubled (をを, はは, のの, がが, にに, 、、, 。。), or a noun topic
// 「Xは、」 is left dangling. The extractor warns of every problem; docs/extractor.md.
std::vector<std::string> question_problems(std::string_view question);

// Whether an obligation is restricted to 課 holding 重要な情報資産: only when it is about an
// information system, server, network, line or 管理区域 that holds them (「重要な情報資産を
// 格納している情報システム装置」, 「機密性の高い情報を取り扱うネットワーク」), never about
// documents or media people handle (「重要な情報資産を運搬する者」, 「重要な情報資産が記載された
// 書類」), which every 課 has. The extractor also gives a sentence that continues the one before
// it in its clause (また、…) that sentence's value.
bool important_assets_rule(std::string_view sentence);

// The audience of an item from its roles: {"audit"} when every role is a contractor's or the
// audit's own (contractor, auditor, chief_auditor, auditee): a 課's self-inspection cannot
// answer for them; empty (both) otherwise.
std::vector<std::string> audience_rule(const std::vector<std::string>& roles);

// The explicit respondent of an obligation, or "" for the loader's default from its roles
// (body when every role is ciso, chief_security_officer, security_committee, csirt or
// chief_auditor): "body" when the sentence names no actor, none is found in its context, and
// it is the body's own commitment — the body named as actor (本市は、) or a plain-form rule
// (〜を講じる。, 〜を策定する。) as a 基本方針 writes them.
std::string respondent_rule(std::string_view sentence, ObligationKind kind, bool roles_defaulted);

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
