// Obligation extractor. See extract.h and docs/extractor.md for the rules.
#include "libaudit/checklist/extract.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_set>

#include "base/jtext.h"
#include "checklist/question.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit {

using jtext::ends_with;
using jtext::role_prefix;
using jtext::role_suffix;
using jtext::RoleName;
using jtext::starts_with;

namespace {}  // namespace

namespace {

void add_unique(std::vector<std::string>& v, std::string_view s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

// Strips one trailing bracket group （…） / (…) / 「…」 from `s`.
std::string_view strip_trailing_bracket(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kPairs[] = {{"（", "）"}, {"(", ")"}};
  for (auto [open, close] : kPairs) {
    if (!ends_with(s, close)) continue;
    int depth = 0;
    std::size_t i = s.size();
    while (i > 0) {
      if (ends_with(s.substr(0, i), close)) {
        ++depth;
        i -= close.size();
      } else if (ends_with(s.substr(0, i), open)) {
        --depth;
        i -= open.size();
        if (depth == 0) return s.substr(0, i);
      } else {
        --i;
        while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
      }
    }
  }
  return s;
}

// `s` with trailing 等 / bracket groups removed.
std::string_view strip_role_tail(std::string_view s) {
  for (;;) {
    std::string_view before = s;
    s = strip_trailing_bracket(s);
    if (ends_with(s, "等")) s.remove_suffix(std::string_view("等").size());
    s = text::trim(s);
    if (s == before) return s;
  }
}

// True when `seg` consists only of role names and connectors (及び, 又は, 並びに, 、, 等, brackets).
bool only_roles(std::string_view seg) {
  seg = text::trim(seg);
  if (seg.empty()) return false;
  while (!seg.empty()) {
    seg = text::trim(seg);
    if (seg.empty()) break;
    if (const RoleName* r = role_prefix(seg)) {
      seg.remove_prefix(r->name.size());
      continue;
    }
    bool progressed = false;
    for (std::string_view c : {"及び", "又は", "並びに", "、", "等", "・"}) {
      if (starts_with(seg, c)) {
        seg.remove_prefix(c.size());
        progressed = true;
        break;
      }
    }
    if (progressed) continue;
    if (starts_with(seg, "（") || starts_with(seg, "(")) {
      std::string_view close = starts_with(seg, "（") ? "）" : ")";
      std::size_t e = seg.find(close);
      if (e == std::string_view::npos) return false;
      seg.remove_prefix(e + close.size());
      continue;
    }
    return false;
  }
  return true;
}

struct Subject {
  std::size_t begin = 0;  // byte range of the subject phrase
  std::size_t end = 0;    // just before は
  std::size_t after = 0;  // after は and a following 、
  std::vector<std::string> roles;
  bool found = false;
};

Subject find_subject(std::string_view s) {
  Subject out;
  const std::string_view wa = "は";
  std::size_t limit = std::min<std::size_t>(s.size(), 400);
  int depth = 0;
  for (std::size_t i = 0; i < limit;) {
    char32_t c;
    std::size_t n = jtext::decode(s, i, c);
    if (c == U'（' || c == U'(' || c == U'「') ++depth;
    if (c == U'）' || c == U')' || c == U'」') depth = std::max(0, depth - 1);
    if (c == U'。' && depth == 0) break;
    if (depth == 0 && s.substr(i, n) == wa) {
      std::string_view before = s.substr(0, i);
      std::string_view core = strip_role_tail(before);
      bool role_end = role_suffix(core) != nullptr;
      bool person_end = ends_with(core, "者") || ends_with(core, "部門");
      if (role_end || person_end) {
        // the phrase: back over 、-separated segments (outside brackets) while they are role lists
        std::vector<std::size_t> commas;  // byte offsets just after each top-level 、
        {
          int d = 0;
          for (std::size_t j = 0; j < before.size();) {
            char32_t cj;
            std::size_t nj = jtext::decode(before, j, cj);
            if (cj == U'（' || cj == U'(' || cj == U'「')
              ++d;
            else if (cj == U'）' || cj == U')' || cj == U'」')
              d = std::max(0, d - 1);
            else if (cj == U'、' && d == 0)
              commas.push_back(j + nj);
            j += nj;
          }
        }
        std::size_t seg_start = commas.empty() ? 0 : commas.back();
        for (std::size_t c = commas.size(); role_end && c-- > 0;) {
          std::size_t prev_start = c == 0 ? 0 : commas[c - 1];
          std::size_t prev_end = commas[c] - std::string_view("、").size();
          if (!only_roles(before.substr(prev_start, prev_end - prev_start))) break;
          seg_start = prev_start;
        }
        out.begin = seg_start;
        out.end = i;
        out.after = i + n;
        if (starts_with(s.substr(out.after), "、")) out.after += std::string_view("、").size();
        out.roles = roles_in(s.substr(seg_start, i - seg_start));
        // 「情報システム管理者等が違反を確認した場合は、違反を確認した者は」: the role named
        // earlier; 「…する者は」 with no role anywhere: any member of staff
        if (out.roles.empty()) out.roles = roles_in(before);
        if (out.roles.empty()) out.roles.emplace_back("staff");
        out.found = true;
        return out;
      }
    }
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Conjugation. Verb forms before the endings are told apart by their last kana.

bool in(std::string_view set, std::string_view ch) {
  for (std::size_t i = 0; i < set.size();) {
    char32_t c;
    std::size_t n = jtext::decode(set, i, c);
    if (set.substr(i, n) == ch) return true;
    i += n;
  }
  return false;
}

std::string_view last_char(std::string_view s) {
  if (s.empty()) return s;
  std::size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return s.substr(i);
}

bool is_kanji(std::string_view ch) {
  char32_t c;
  jtext::decode(ch, 0, c);
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

constexpr std::string_view kERowIRow = "えけげせぜてでねへべめれいきぎしじちにひびみりエケゲセゼテデネヘベメレ";

// 未然形 (the form before ない / なければ) -> て形. "" when unknown.
// 講じ->講じて, 実施し->実施して, 行わ->行って, 保た->保って, 図ら->図って, 仰が->仰いで,
// 減らさ->減らして, 書か->書いて (行か->行って), 読ま->読んで, 選ば->選んで, 定め->定めて.
std::string te_from_mizen(std::string_view stem) {
  std::string_view c = last_char(stem);
  std::string_view head = stem.substr(0, stem.size() - c.size());
  std::string h(head);
  if (c == "わ" || c == "た" || c == "ら") return h + "って";
  if (c == "か") return ends_with(head, "行") ? h + "って" : h + "いて";
  if (c == "が") return h + "いで";
  if (c == "さ") return h + "して";
  if (c == "ま" || c == "ば" || c == "な") return h + "んで";
  if (c == "こ" && ends_with(head, "来")) return h + "て";               // unusual spelling
  if (in(kERowIRow, c) || is_kanji(c)) return std::string(stem) + "て";  // 一段, する (し), 得, 見
  return {};
}

// 終止形 (dictionary form) -> て形. "" when unknown.
// 実施する->実施して, 講ずる->講じて, 講じる->講じて, 定める->定めて, 図る->図って,
// 行う->行って, 保つ->保って, 渡す->渡して, 含む->含んで, 選ぶ->選んで, 書く->書いて.
std::string te_from_dictionary(std::string_view verb) {
  if (ends_with(verb, "ておく")) return std::string(verb.substr(0, verb.size() - 9)) + "て";  // 定めておく -> 定めて
  if (ends_with(verb, "する")) return std::string(verb.substr(0, verb.size() - 6)) + "して";
  if (ends_with(verb, "ずる")) return std::string(verb.substr(0, verb.size() - 6)) + "じて";
  std::string_view c = last_char(verb);
  std::string_view head = verb.substr(0, verb.size() - c.size());
  std::string h(head);
  if (c == "る") {
    std::string_view p = last_char(head);
    static const std::set<std::string_view> kIchidanKanji = {"得", "見", "出", "寝", "経", "着", "似", "居"};
    if (in(kERowIRow, p)) return h + "て";
    if (is_kanji(p) && kIchidanKanji.count(p) && head.size() == p.size()) return h + "て";
    if (is_kanji(p) && kIchidanKanji.count(p) && !is_kanji(last_char(head.substr(0, head.size() - p.size()))))
      return h + "て";
    return h + "って";
  }
  if (c == "う" || c == "つ") return h + "って";
  if (c == "く") return ends_with(head, "行") ? h + "って" : h + "いて";
  if (c == "ぐ") return h + "いで";
  if (c == "す") return h + "して";
  if (c == "む" || c == "ぶ" || c == "ぬ") return h + "んで";
  return {};
}

// て形 + いる/いない: "…て" -> "…ている", "…で" -> "…でいる".
std::string progressive(const std::string& te, bool negative) { return te + (negative ? "いないか。" : "いるか。"); }

std::string_view strip_sentence_end(std::string_view s) {
  s = text::trim(s);
  for (;;) {
    if (ends_with(s, "。"))
      s.remove_suffix(3);
    else if (ends_with(s, "｡"))
      s.remove_suffix(3);
    else if (ends_with(s, "."))
      s.remove_suffix(1);
    else
      break;
    s = text::trim(s);
  }
  return s;
}

// Plain-form verbs that state a rule when the sentence ends with them (講じる。/実施する。).
constexpr std::array<std::string_view, 10> kRuleVerbs = {"講じる",   "講ずる",   "実施する", "禁止する", "確立する",
                                                         "策定する", "整備する", "行う",     "決定する", "義務を負う"};
// …of which these need a role subject to count (CSIRTは、…報告する。).
constexpr std::array<std::string_view, 6> kSubjectRuleVerbs = {"報告する", "提供する", "管理する",
                                                               "保管する", "指示する", "構築する"};

std::optional<ObligationKind> classify(std::string_view sentence, bool has_subject) {
  std::string_view s = strip_sentence_end(sentence);
  if (ends_with(s, "なければならない") || ends_with(s, "なければなりません")) return ObligationKind::must;
  if (ends_with(s, "てはならない") || ends_with(s, "ではならない") || ends_with(s, "てはなりません"))
    return ObligationKind::must_not;
  if (ends_with(s, "ものとする") || ends_with(s, "ものとします")) {
    // 「…次のものとする。」 designates; only a verb before ものとする makes a duty
    std::string_view verb = text::trim(s.substr(0, s.size() - std::string_view("ものとする").size()));
    if (ends_with(s, "目的とするものとする") || te_from_dictionary(verb).empty()) return std::nullopt;
    return ObligationKind::shall;
  }
  if (ends_with(s, "こと")) {
    if (ends_with(s, "ということ") || ends_with(s, "をいうこと")) return std::nullopt;
    return ObligationKind::duty_item;
  }
  if (ends_with(s, "目的とする") || ends_with(s, "施行する") || ends_with(s, "をいう") || ends_with(s, "という"))
    return std::nullopt;
  for (std::string_view v : kRuleVerbs)
    if (ends_with(s, v)) return ObligationKind::rule;
  if (has_subject)
    for (std::string_view v : kSubjectRuleVerbs)
      if (ends_with(s, v)) return ObligationKind::rule;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Tiers

struct TierName {
  std::string name;  // NFKC, no spaces
  std::string tier;
};

// The tiers' labels (vocabulary.h), the other name of マイナンバー利用事務系, then the body's
// aliases; longest first.
std::vector<TierName> tier_names(const std::vector<TierAlias>& aliases) {
  std::vector<TierName> v;
  for (const Term& t : tiers()) v.push_back({std::string(t.label), std::string(t.id)});
  v.push_back({"個人番号利用事務系", "mynumber"});
  for (const TierAlias& a : aliases) v.push_back({text::squash_spaces(text::nfkc(a.name)), a.tier});
  std::stable_sort(v.begin(), v.end(),
                   [](const TierName& a, const TierName& b) { return a.name.size() > b.name.size(); });
  return v;
}

std::vector<std::string> tiers_in(std::string_view sentence, const std::vector<TierName>& names) {
  std::string key = text::squash_spaces(text::nfkc(sentence));
  std::vector<std::string> found;
  std::vector<char> used(key.size(), 0);
  for (const TierName& t : names) {
    std::size_t p = 0;
    while ((p = key.find(t.name, p)) != std::string::npos) {
      if (!used[p]) {
        std::fill(used.begin() + static_cast<std::ptrdiff_t>(p),
                  used.begin() + static_cast<std::ptrdiff_t>(p + t.name.size()), 1);
        add_unique(found, t.tier);
      }
      p += t.name.size();
    }
  }
  std::vector<std::string> ordered;
  for (const Term& t : tiers())
    if (std::find(found.begin(), found.end(), t.id) != found.end()) ordered.emplace_back(t.id);
  return ordered;
}

// The body's own tier names, from definitions such as 「業務系（マイナンバー利用事務系）」.
std::vector<TierAlias> detect_tier_aliases(const NormalizedText& t) {
  std::vector<TierAlias> out;
  const std::vector<TierName> shared = tier_names({});
  for (const LogicalLine& l : t.lines) {
    if (!l.label) continue;
    std::string key = text::squash_spaces(text::nfkc(l.body));
    for (const TierName& tn : shared) {
      std::string tail = "(" + tn.name + ")";
      if (!ends_with(key, tail)) continue;
      std::string alias = key.substr(0, key.size() - tail.size());
      if (alias.empty() || alias == tn.name || !ends_with(alias, "系") || text::char_count(alias) > 8) continue;
      if (std::any_of(shared.begin(), shared.end(), [&](const TierName& s) { return s.name == alias; })) continue;
      if (std::none_of(out.begin(), out.end(), [&](const TierAlias& a) { return a.name == alias; }))
        out.push_back({alias, tn.tier});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Sentences

struct Sentence {
  std::string text;
  std::size_t offset = 0;  // in the paragraph
};

std::vector<Sentence> split_sentences(std::string_view p) {
  std::vector<Sentence> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < p.size();) {
    char32_t c;
    std::size_t n = jtext::decode(p, i, c);
    if (c == U'（' || c == U'(' || c == U'「' || c == U'『' || c == U'【' || c == U'［')
      ++depth;
    else if (c == U'）' || c == U')' || c == U'」' || c == U'』' || c == U'】' || c == U'］')
      depth = std::max(0, depth - 1);
    i += n;
    if ((c == U'。' || c == U'｡') && depth == 0) {
      std::string_view s = text::trim(p.substr(start, i - start));
      if (!s.empty()) out.push_back({std::string(s), start});
      start = i;
    }
  }
  std::string_view rest = text::trim(p.substr(start));
  if (!rest.empty()) out.push_back({std::string(rest), start});
  return out;
}

bool introduces_list(std::string_view s) {
  return s.find("次の") != std::string_view::npos || s.find("以下") != std::string_view::npos ||
         s.find("下記") != std::string_view::npos;
}

bool is_definition_or_purpose(std::string_view title) {
  return title.find("定義") != std::string_view::npos || title.find("用語") != std::string_view::npos ||
         title == "目的" || ends_with(title, "の目的") || title.find("改定履歴") != std::string_view::npos;
}

// Roles from a clause title that names who acts: a role name alone (「ＣＳＩＲＴ」,
// 「最高情報セキュリティ責任者（ＣＩＳＯ）」) or a role's duties (「統括情報セキュリティ責任者の
// 措置事項」, 「職員等の遵守事項」). 「委託事業者の利用」 names no actor.
std::vector<std::string> title_roles(std::string_view title) {
  title = text::trim(title);
  const RoleName* r = role_prefix(title);
  if (!r) return {};
  std::string_view after = title.substr(r->name.size());
  while (starts_with(after, "等")) after.remove_prefix(std::string_view("等").size());
  after = text::trim(after);
  if (starts_with(after, "（") || starts_with(after, "(")) {
    std::string_view close = starts_with(after, "（") ? "）" : ")";
    std::size_t e = after.find(close);
    if (e != std::string_view::npos) after = text::trim(after.substr(e + close.size()));
  }
  bool duties = false;
  if (starts_with(after, "の"))
    for (std::string_view d : {"措置事項", "遵守事項", "責務", "役割", "義務", "報告義務", "権限"})
      if (ends_with(after, d)) duties = true;
  if (after.empty() || duties) return roles_in(title.substr(0, r->name.size()));
  return {};
}

// 「職員等が外部から…アクセスする場合は、…」: the role acting in a leading condition.
std::vector<std::string> conditional_actor(std::string_view s) {
  const RoleName* first = role_prefix(s);
  if (!first) return {};
  std::string_view rest = s.substr(first->name.size());
  while (starts_with(rest, "等")) rest.remove_prefix(std::string_view("等").size());
  if (!starts_with(rest, "が")) return {};
  std::size_t comma = rest.find("、");
  std::string_view cond = rest.substr(0, comma);
  if (ends_with(cond, "場合は") || ends_with(cond, "場合には") || ends_with(cond, "ときは"))
    return roles_in(first->name);
  return {};
}

// 「また、上限を超えた場合には職員等が自らメールを削除しなければならない。」: a role marked with
// が in the last 、-segment is the actor of the main clause.
std::vector<std::string> main_clause_actor(std::string_view s) {
  std::size_t comma = s.rfind("、");
  std::string_view last = comma == std::string_view::npos ? s : s.substr(comma + std::string_view("、").size());
  for (std::size_t i = 0; i < last.size();) {
    if (const RoleName* r = role_prefix(last.substr(i))) {
      std::string_view rest = last.substr(i + r->name.size());
      while (starts_with(rest, "等")) rest.remove_prefix(std::string_view("等").size());
      if (starts_with(rest, "が")) return roles_in(r->name);
      i += r->name.size();
      continue;
    }
    char32_t c;
    i += jtext::decode(last, i, c);
  }
  return {};
}

// 「職員等は、…次の事項を遵守しなければならない。」: a sentence that only introduces the duties
// listed as its clause's sub-clauses — 次の/以下の + a noun + を/で/に + the ending.
bool is_list_intro(std::string_view sentence) {
  std::string_view s = strip_sentence_end(sentence);
  std::size_t p = s.rfind("次の");
  std::size_t len = std::string_view("次の").size();
  if (p == std::string_view::npos) {
    p = s.rfind("以下の");
    len = std::string_view("以下の").size();
  }
  if (p == std::string_view::npos) return false;
  std::string_view rest = s.substr(p + len);
  if (text::char_count(rest) > 24 || rest.find("、") != std::string_view::npos) return false;
  for (std::string_view noun : {"事項", "措置", "手段", "対応", "組織体制", "各号"}) {
    if (!starts_with(rest, noun)) continue;
    std::string_view after = rest.substr(noun.size());
    return starts_with(after, "を") || starts_with(after, "で") || starts_with(after, "に");
  }
  return false;
}

bool has_obligation_below(const Clause& c, const std::set<const Clause*>& with) {
  for (const Clause& ch : c.children)
    if (with.count(&ch) || has_obligation_below(ch, with)) return true;
  return false;
}

struct Walker {
  const NormalizedText& text;
  const ClauseTree& tree;
  std::vector<TierName> tiers;
  std::vector<Diagnostic>* warnings;
  std::string source;
  std::vector<Obligation> out;

  void warn(int line, std::string message) {
    if (warnings) warnings->push_back(Diagnostic{source, line, 1, std::move(message)});
  }

  // Paragraphs of a clause: (logical line index, byte offset into its text where the
  // paragraph starts). The label line counts unless it is a heading.
  std::vector<std::pair<std::size_t, std::size_t>> paragraphs(const Clause& c) {
    std::vector<std::pair<std::size_t, std::size_t>> ps;
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      const LogicalLine& l = text.lines[c.lines[i]];
      if (i == 0 && l.label) {
        if (l.heading || l.body.empty()) continue;
        ps.emplace_back(c.lines[i], l.text.size() - l.body.size());
      } else {
        ps.emplace_back(c.lines[i], 0);
      }
    }
    return ps;
  }

  // Walks clause `c`; returns the roles of the first subject written in its own text.
  std::vector<std::string> clause(std::size_t part, const Clause& c, const std::vector<std::string>& inherited,
                                  bool excluded, const std::vector<std::string>& inherited_tiers,
                                  const std::vector<std::string>& sibling) {
    std::vector<std::string> first_subject;
    excluded = excluded || is_definition_or_purpose(c.title);
    // A heading that names a tier (3(1) マイナンバー利用事務系) scopes the sentences below it.
    std::vector<std::string> heading_tiers = tiers_in(c.title, tiers);
    if (heading_tiers.empty()) heading_tiers = inherited_tiers;
    std::vector<std::string> context = title_roles(c.title);
    std::vector<std::string> last_subject;
    Obligation* list_owner = nullptr;  // the obligation whose 「次の…」 list is open
    int sentence_no = 0;               // position of the sentence in the clause's own text
    for (auto [k, offset] : paragraphs(c)) {
      const LogicalLine& l = text.lines[k];
      std::string_view para = std::string_view(l.text).substr(offset);
      if (l.bullet && list_owner) {
        list_owner->text += std::string(text::trim(para));
        list_owner->last_line = std::max(list_owner->last_line, l.last_line);
        continue;
      }
      list_owner = nullptr;
      for (const Sentence& s : split_sentences(para)) {
        ++sentence_no;
        Subject subj = find_subject(s.text);
        if (subj.found && context.empty()) context = subj.roles;
        if (subj.found && first_subject.empty()) first_subject = subj.roles;
        if (subj.found) last_subject = subj.roles;
        if (excluded) continue;
        auto kind = classify(s.text, subj.found);
        if (!kind) continue;
        Obligation o;
        o.kind = *kind;
        o.text = s.text;
        o.part = part;
        o.clause = &c;
        o.sentence = sentence_no;
        o.first_line = l.line_at(offset + s.offset);
        o.last_line = l.line_at(offset + s.offset + s.text.size() - 1);
        if (subj.found) {
          o.roles = subj.roles;
        } else {
          o.roles_inherited = true;
          // 「職員等が…場合は、」: the actor named first
          if (auto r = conditional_actor(s.text); !r.empty())
            o.roles = std::move(r);
          else if (auto m = main_clause_actor(s.text); !m.empty())
            o.roles = std::move(m);
          else if (!last_subject.empty())
            o.roles = last_subject;
          else if (!context.empty())
            o.roles = context;
          else if (!sibling.empty())
            o.roles = sibling;
          else if (!inherited.empty())
            o.roles = inherited;
          else {
            o.roles = {"security_manager"};
            o.roles_defaulted = true;
          }
        }
        o.tiers = tiers_in(s.text, tiers);
        if (o.tiers.empty()) o.tiers = heading_tiers;
        o.important_assets = important_assets_rule(s.text);
        // 「また、必要に応じ、…暗号化を行わなければならない。」 continues the sentence before it
        if (!o.important_assets && !out.empty() && out.back().clause == &c &&
            (starts_with(s.text, "また、") || starts_with(s.text, "なお、") || starts_with(s.text, "更に、") ||
             starts_with(s.text, "さらに、")))
          o.important_assets = out.back().important_assets;
        o.respondent = respondent_rule(s.text, o.kind, o.roles_defaulted);
        o.audience = audience_rule(o.roles);
        o.question = question_for(s.text);
        if (o.question.empty())
          warn(o.first_line, message("no question form for the ending of: {sentence}",
                                     fmt::arg("sentence", s.text.substr(0, std::min<std::size_t>(s.text.size(), 90)))));
        for (const std::string& problem : question_problems(o.question))
          warn(o.first_line, message("the question reads unnaturally ({problem}): {question}",
                                     fmt::arg("problem", problem), fmt::arg("question", o.question)));
        out.push_back(std::move(o));
        if (introduces_list(s.text))
          list_owner = &out.back();
        else
          list_owner = nullptr;
      }
      // the list stays open only when the intro is the paragraph's last sentence
    }
    std::vector<std::string> next = context.empty() ? inherited : context;
    std::vector<std::string> previous;  // the subject of the nearest earlier sibling that has one
    for (const Clause& child : c.children) {
      std::vector<std::string> r = clause(part, child, next, excluded, heading_tiers, previous);
      if (!r.empty()) previous = std::move(r);
    }
    return first_subject;
  }
};

}  // namespace

std::vector<std::string> roles_in(std::string_view phrase) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < phrase.size()) {
    if (const RoleName* r = role_prefix(phrase.substr(i))) {
      add_unique(out, r->id);
      i += r->name.size();
      continue;
    }
    char32_t c;
    i += jtext::decode(phrase, i, c);
  }
  return out;
}

std::string subject_of(std::string_view sentence) {
  Subject s = find_subject(sentence);
  return s.found ? std::string(sentence.substr(s.begin, s.end - s.begin)) : std::string();
}

namespace {

// The question before its topics are rewritten: the subject and a leading connective dropped,
// the ending conjugated; "" for an ending the rules do not know.
std::string conjugated_question(std::string_view sentence) {
  std::string_view s = strip_sentence_end(sentence);
  // drop the subject and a leading connective
  Subject subj = find_subject(s);
  std::string body;
  if (subj.found)
    body = std::string(s.substr(0, subj.begin)) + std::string(s.substr(subj.after));
  else
    body = std::string(s);
  for (std::string_view c : {"また、", "なお、", "更に、", "さらに、", "ただし、", "但し、"})
    if (starts_with(body, c)) body = body.substr(c.size());
  // 「その所管する…」: その pointed at the dropped subject
  if (starts_with(body, "その所管") || starts_with(body, "その所属"))
    body = body.substr(std::string_view("その").size());
  std::string_view b = body;
  auto cut = [&](std::string_view ending) { return b.substr(0, b.size() - ending.size()); };

  if (ends_with(b, "でなければならない")) return std::string(cut("でなければならない")) + "であるか。";
  for (std::string_view e : {"なければならない", "なければなりません"}) {
    if (ends_with(b, e)) {
      std::string te = te_from_mizen(cut(e));
      return te.empty() ? std::string() : progressive(te, false);
    }
  }
  for (std::string_view e : {"てはならない", "てはなりません"})
    if (ends_with(b, e)) return std::string(cut(e)) + "ていないか。";
  if (ends_with(b, "ではならない")) return std::string(cut("ではならない")) + "でいないか。";
  for (std::string_view e : {"ものとする", "ものとします"}) {
    if (ends_with(b, e)) {
      std::string_view verb = text::trim(cut(e));
      if (ends_with(verb, "である")) return std::string(verb) + "か。";
      std::string te = te_from_dictionary(verb);
      return te.empty() ? std::string() : progressive(te, false);
    }
  }
  if (ends_with(b, "ないこと")) {
    std::string te = te_from_mizen(cut("ないこと"));
    return te.empty() ? std::string() : progressive(te, true);
  }
  if (ends_with(b, "こと")) {
    std::string te = te_from_dictionary(cut("こと"));
    return te.empty() ? std::string() : progressive(te, false);
  }
  if (ends_with(b, "する義務を負う")) {  // 守秘する義務を負う -> 守秘しているか
    std::string te = te_from_dictionary(cut("義務を負う"));
    return te.empty() ? std::string() : progressive(te, false);
  }
  std::string te = te_from_dictionary(b);
  return te.empty() ? std::string() : progressive(te, false);
}

}  // namespace

bool important_assets_rule(std::string_view sentence) {
  // what holds them: the noun the phrase 「重要な情報資産を…する」 qualifies, before the next 、 or 。
  static constexpr std::array<std::string_view, 9> kHolders = {
      "情報システム", "システム", "サーバ", "ネットワーク", "装置", "通信回線", "管理区域", "データベース", "機器"};
  for (std::string_view assets : {"重要な情報資産", "機密性の高い情報"}) {
    for (std::size_t p = sentence.find(assets); p != std::string_view::npos; p = sentence.find(assets, p + 1)) {
      std::string_view phrase = sentence.substr(p + assets.size());
      phrase = phrase.substr(0, std::min(phrase.find("、"), phrase.find("。")));
      if (!starts_with(phrase, "を")) continue;  // 重要な情報資産の…, …が記載された書類: handled by people
      for (std::string_view h : kHolders)
        if (phrase.find(h) != std::string_view::npos) return true;
    }
  }
  return false;
}

std::vector<std::string> audience_rule(const std::vector<std::string>& roles) {
  static const std::set<std::string_view> kAuditSide = {"contractor", "auditor", "chief_auditor", "auditee"};
  if (roles.empty()) return {};
  for (const std::string& r : roles)
    if (!kAuditSide.count(r)) return {};
  return {"audit"};
}

std::string respondent_rule(std::string_view sentence, ObligationKind kind, bool roles_defaulted) {
  if (!roles_defaulted) return {};
  for (std::string_view body : {"本市は", "当市は", "本町は", "当町は", "本村は", "当村は", "本市議会は", "市は"})
    if (starts_with(sentence, body)) return "body";
  return kind == ObligationKind::rule ? "body" : "";
}

std::string question_for(std::string_view sentence) {
  std::string q = conjugated_question(sentence);
  return q.empty() ? q : question::rewrite_topics(std::move(q));
}

std::string fallback_question(std::string_view sentence) {
  return "「" + std::string(strip_sentence_end(sentence)) + "」を遵守しているか。";
}

std::vector<Obligation> find_obligations(const NormalizedText& text, const ClauseTree& tree,
                                         const std::vector<TierAlias>& tier_aliases, std::vector<Diagnostic>* warnings,
                                         std::string_view source) {
  Walker w{text, tree, tier_names(tier_aliases), warnings, std::string(source), {}};
  for (std::size_t p = 0; p < tree.parts.size(); ++p) {
    const ClausePart& part = tree.parts[p];
    // Obligations before the first clause (a preamble) have no clause to hang on.
    for (std::size_t k : part.lines) {
      const LogicalLine& l = text.lines[k];
      for (const Sentence& s : split_sentences(l.text)) {
        if (classify(s.text, find_subject(s.text).found) && warnings)
          warnings->push_back(
              Diagnostic{std::string(source), l.line_at(s.offset), 1,
                         message("obligation outside any numbered clause, not extracted: {sentence}",
                                 fmt::arg("sentence", s.text.substr(0, std::min<std::size_t>(s.text.size(), 90))))});
      }
    }
    for (const Clause& c : part.clauses) w.clause(p, c, {}, false, {}, {});  // chapters inherit nothing
  }
  // A list intro is not an item when the duties it introduces are sub-clauses with items.
  std::set<const Clause*> with;
  for (const Obligation& o : w.out) with.insert(o.clause);
  std::vector<Obligation> kept;
  kept.reserve(w.out.size());
  for (Obligation& o : w.out)
    if (!(is_list_intro(o.text) && has_obligation_below(*o.clause, with))) kept.push_back(std::move(o));
  return kept;
}

// ---------------------------------------------------------------------------------------
// The draft checklist

namespace {

bool is_lower_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string fallback_title(const Clause& c, const NormalizedText& t) {
  if (!text::trim(c.title).empty()) return std::string(text::trim(c.title));
  if (!c.lines.empty()) {
    const LogicalLine& l = t.lines[c.lines.front()];
    std::string_view b = text::trim(l.body);
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < b.size() && chars < 24;) {
      char32_t cp;
      std::size_t n = jtext::decode(b, i, cp);
      out.append(b.substr(i, n));
      i += n;
      ++chars;
    }
    if (chars >= 24) out += "…";
    if (!out.empty()) return out;
  }
  return c.label.written.empty() ? c.path : c.label.written;
}

struct ItemOut {
  const Obligation* o;
  std::string id;
};

struct SectionOut {
  const Clause* clause;
  std::string id;
  std::vector<ItemOut> items;
  std::vector<SectionOut> sections;
};

// A small YAML writer: every string double-quoted with JSON escapes (JSON strings are YAML
// double-quoted scalars), so no text can break the document. yaml-cpp's emitter spent over
// 90% of the extraction time checking which scalars may be written plain.
std::string q(std::string_view v) { return nlohmann::json(std::string(v)).dump(); }

std::string flow_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + q(v[i]);
  return out + "]";
}

const char* kind_name(ObligationKind k) {
  switch (k) {
    case ObligationKind::must: return "なければならない";
    case ObligationKind::must_not: return "てはならない";
    case ObligationKind::shall: return "ものとする";
    case ObligationKind::duty_item: return "こと";
    case ObligationKind::rule: return "plain-form rule";
  }
  return "";
}

void emit_subsections(std::string& y, const SectionOut& s, const NormalizedText& t, const std::string& in);

void emit_section(std::string& y, const SectionOut& s, const NormalizedText& t, const std::string& indent) {
  const std::string in = indent + "  ";
  y += indent + "- id: " + q(s.id) + "\n";
  y += in + "clause: " + q(s.clause->label.written) + "\n";
  y += in + "title: " + q(fallback_title(*s.clause, t)) + "\n";
  // The loader keeps the order of the keys: items first when the first item comes before the
  // first sub-section in the standard.
  const bool items_first =
      s.sections.empty() || (!s.items.empty() && s.items.front().o->first_line < s.sections.front().clause->first_line);
  if (!items_first) emit_subsections(y, s, t, in);
  if (!s.items.empty()) {
    y += in + "items:\n";
    const std::string ii = in + "  ";
    for (const ItemOut& io : s.items) {
      const Obligation& o = *io.o;
      y += in + "- id: " + q(io.id) + "\n";
      y += ii + "clause: " + q(o.clause->path) + "\n";
      y += ii + "text: " + q(o.text) + "\n";
      y += ii + "question: " + q(o.question.empty() ? fallback_question(o.text) : o.question) + "\n";
      y += ii + "roles: " + flow_list(o.roles) + "\n";
      bool owners = std::all_of(o.roles.begin(), o.roles.end(), [](const std::string& r) {
        return r == "system_administrator" || r == "system_staff";
      });
      if (!o.tiers.empty() || owners || o.important_assets) {
        std::string a;
        if (!o.tiers.empty()) a += "tiers: " + flow_list(o.tiers);
        if (owners) a += std::string(a.empty() ? "" : ", ") + "departments: system_owners";
        if (o.important_assets) a += std::string(a.empty() ? "" : ", ") + "important_assets: true";
        y += ii + "applies_to: {" + a + "}\n";
      }
      if (!o.audience.empty()) y += ii + "audience: " + flow_list(o.audience) + "\n";
      // only where it differs from the loader's default from the roles (docs/checklist-format.md)
      if (!o.respondent.empty() && o.respondent != to_string(default_respondent(o.roles)))
        y += ii + "respondent: " + q(o.respondent) + "\n";
      std::string note = "draft: source lines " + std::to_string(o.first_line) +
                         (o.last_line != o.first_line ? "-" + std::to_string(o.last_line) : "") + "; ending " +
                         kind_name(o.kind) + (o.roles_inherited ? "; no subject, roles inherited from context" : "");
      y += ii + "note: " + q(note) + "\n";
    }
  }
  if (items_first) emit_subsections(y, s, t, in);
}

void emit_subsections(std::string& y, const SectionOut& s, const NormalizedText& t, const std::string& in) {
  if (s.sections.empty()) return;
  y += in + "sections:\n";
  for (const SectionOut& sub : s.sections) emit_section(y, sub, t, in);
}

// ---- extract_checklist's phases -------------------------------------------------------------

void check_options(const ExtractOptions& options) {
  std::vector<Diagnostic> problems;
  auto need = [&](const std::string& v, const char* what) {
    if (text::trim(v).empty())
      problems.push_back(Diagnostic{"<options>", 1, 1, message("{option} is required", fmt::arg("option", what))});
  };
  need(options.id, "id");
  need(options.title, "title");
  need(options.body, "body");
  if (!options.id.empty() && !is_lower_id(options.id))
    problems.push_back(Diagnostic{"<options>", 1, 1,
                                  message("id '{id}' may contain only a-z, 0-9 and '-'", fmt::arg("id", options.id))});
  if (!problems.empty()) throw ValidationError(std::move(problems));
}

// The parts (documents) to extract: those with clauses, and with `part` in their title when
// given (none is an error). Several documents get a warning.
std::vector<std::size_t> select_parts(const ClauseTree& tree, std::string_view part, const std::string& source,
                                      std::vector<Diagnostic>& warnings) {
  std::vector<std::size_t> parts;
  const std::string wanted = text::squash_spaces(text::nfkc(part));
  for (std::size_t p = 0; p < tree.parts.size(); ++p) {
    const ClausePart& cp = tree.parts[p];
    if (cp.clauses.empty()) continue;
    if (part.empty() || text::squash_spaces(text::nfkc(cp.title)).find(wanted) != std::string::npos) parts.push_back(p);
  }
  if (!part.empty() && parts.empty())
    throw ValidationError({Diagnostic{
        source, 1, 1, message("no document in the text has a title containing '{part}'", fmt::arg("part", part))}});
  if (part.empty() && parts.size() > 1) {
    std::string titles;
    for (std::size_t p : parts) titles += (titles.empty() ? "" : ", ") + std::string("'") + tree.parts[p].title + "'";
    warnings.push_back(
        Diagnostic{source, tree.parts[parts[1]].first_line, 1,
                   message("the text holds {n} documents ({titles}); ids of the second and later are prefixed p2., "
                           "p3. and so on; pass part= to extract one",
                           fmt::arg("n", parts.size()), fmt::arg("titles", titles))});
  }
  return parts;
}

// Sections (docs/checklist-format.md, "Ids"): the chapters, and the second-level clauses that
// have sub-clauses; every other clause's sentences are items of the nearest section, in
// document order. Ids are unique: a repeat gets _N (items) or _sN (sections), with a warning.
class SectionBuilder {
 public:
  SectionBuilder(const std::vector<Obligation>& obligations, const std::vector<std::size_t>& parts,
                 const std::string& source, std::vector<Diagnostic>& warnings)
      : source_(source), warnings_(warnings) {
    for (const Obligation& o : obligations)
      if (std::find(parts.begin(), parts.end(), o.part) != parts.end()) by_clause_[o.clause].push_back(&o);
  }

  // The chapters of the parts, the second and later prefixed p2., p3., … when there are several.
  std::vector<SectionOut> build(const ClauseTree& tree, const std::vector<std::size_t>& parts) && {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string pre = parts.size() > 1 && i > 0 ? "p" + std::to_string(i + 1) + "." : "";
      for (const Clause& c : tree.parts[parts[i]].clauses) walk(c, nullptr, pre);
    }
    for (SectionOut& s : chapters_) unique_section_ids(s);  // section ids must not clash with item ids
    return std::move(chapters_);
  }

 private:
  const std::string& source_;
  std::vector<Diagnostic>& warnings_;
  std::map<const Clause*, std::vector<const Obligation*>> by_clause_;  // in document order
  std::set<std::string> used_;
  // Where the numbering repeats, the next _N to try per id (keeps many repeats linear).
  std::map<std::string, int> next_suffix_;
  std::vector<SectionOut> chapters_;

  // A chapter; a clause with sub-clauses at the second level, or right inside a 章 or 節, or
  // an article (第3条 under 第1節 of 第2章).
  static bool is_section(const Clause& c, const Clause* parent) {
    if (c.depth == 1) return true;
    if (c.children.empty()) return false;
    return c.depth == 2 || c.label.style == LabelStyle::article ||
           (parent && (parent->label.style == LabelStyle::chapter || parent->label.style == LabelStyle::section));
  }

  void walk(const Clause& c, SectionOut* section, const std::string& pre, const Clause* parent = nullptr) {
    SectionOut* target = section;
    SectionOut mine;
    const bool here = is_section(c, parent) || !section;
    if (here) {
      mine.clause = &c;
      mine.id = pre + c.id;
      target = &mine;
    }
    if (auto it = by_clause_.find(&c); it != by_clause_.end()) add_items(c, it->second, here, pre, *target);
    for (const Clause& ch : c.children) walk(ch, target, pre, &c);
    if (here && (!mine.items.empty() || !mine.sections.empty())) {
      if (section)
        section->sections.push_back(std::move(mine));
      else
        chapters_.push_back(std::move(mine));
    }
  }

  // The clause's first sentence takes its id, the k-th sentence (counting every sentence of the
  // clause's text, obligation or not) adds -k; a clause that is a section keeps its id for the
  // section, so its sentences are -1, -2, …
  void add_items(const Clause& c, const std::vector<const Obligation*>& obs, bool here, const std::string& pre,
                 SectionOut& target) {
    for (const Obligation* o : obs) {
      std::string id = pre + c.id;
      if (o->sentence > 1 || here) id += "-" + std::to_string(o->sentence);
      std::string unique = id;
      for (int& n = next_suffix_.try_emplace(id, 2).first->second; used_.count(unique); ++n)
        unique = id + "_" + std::to_string(n);
      if (unique != id)
        warnings_.push_back(Diagnostic{source_, o->first_line, 1,
                                       message("item id '{id}' is taken (the numbering repeats); using '{unique}'",
                                               fmt::arg("id", id), fmt::arg("unique", unique))});
      used_.insert(unique);
      target.items.push_back({o, unique});
    }
  }

  void unique_section_ids(SectionOut& s) {
    std::string id = s.id;
    for (int& n = next_suffix_.try_emplace("s:" + s.id, 2).first->second; used_.count(id); ++n)
      id = s.id + "_s" + std::to_string(n);
    s.id = id;
    used_.insert(id);
    for (SectionOut& sub : s.sections) unique_section_ids(sub);
  }
};

// The draft checklist as YAML, with its "draft generated from" header.
std::string draft_yaml(const ExtractOptions& options, const std::string& source, const std::string& doc_title,
                       const std::vector<TierAlias>& aliases, const std::vector<SectionOut>& chapters,
                       const NormalizedText& norm, std::size_t size_hint) {
  const std::string header = "DRAFT checklist generated by `libaudit checklist extract` from " + source +
                             ".\nEvery item needs checking by hand before use: questions, roles, tiers, weights, "
                             "evidence.\nSee docs/extractor.md for the rules the extractor follows.";
  std::string y;
  y.reserve(size_hint);
  {
    std::istringstream lines(header);
    for (std::string line; std::getline(lines, line);) y += "# " + line + "\n";
  }
  y += "format: 1\n";
  y += "id: " + q(options.id) + "\n";
  y += "title: " + q(options.title) + "\n";
  y += "version: " + q(options.version.empty() ? "draft" : options.version) + "\n";
  y += "body: " + q(options.body) + "\n";
  y += "description: " +
       q("Draft generated by the libaudit extractor from " + source +
         "; every item needs checking by hand (questions, roles, tiers, weights, evidence).") +
       "\n";
  y += "source: {document: " + q(source) + ", title: " + q(doc_title) + "}\n";
  std::map<std::string, std::string> tn;
  for (const TierAlias& a : aliases) tn.emplace(a.tier, a.name);
  if (!tn.empty()) {
    y += "tier_names: {";
    bool first = true;
    for (const auto& [k, v] : tn) {
      y += std::string(first ? "" : ", ") + k + ": " + q(v);
      first = false;
    }
    y += "}\n";
  }
  y += "sections:\n";
  for (const SectionOut& s : chapters) emit_section(y, s, norm, "  ");
  return y;
}

}  // namespace

Extraction extract_checklist(std::string_view input, const ExtractOptions& options) {
  check_options(options);
  const std::string source = options.source_document.empty() ? "<text>" : options.source_document;
  NormalizedText norm = normalize(input, source);
  ClauseTree tree = parse_clauses(norm, source);
  std::vector<Diagnostic> warnings = norm.warnings;
  warnings.insert(warnings.end(), tree.warnings.begin(), tree.warnings.end());
  std::vector<TierAlias> aliases = detect_tier_aliases(norm);
  std::vector<Obligation> obligations = find_obligations(norm, tree, aliases, &warnings, source);

  const std::vector<std::size_t> parts = select_parts(tree, options.part, source, warnings);
  const std::vector<SectionOut> chapters = SectionBuilder(obligations, parts, source, warnings).build(tree, parts);
  if (chapters.empty())
    throw ChecklistError(
        {Diagnostic{source, 1, 1,
                    message("no obligation sentence found ({endings}); nothing to put in a checklist",
                            fmt::arg("endings", "しなければならない, してはならない, ものとする, …"))}});

  std::string doc_title = options.source_title;
  if (doc_title.empty() && !parts.empty()) doc_title = tree.parts[parts.front()].title;
  if (doc_title.empty()) doc_title = options.title;
  std::string yaml = draft_yaml(options, source, doc_title, aliases, chapters, norm, input.size() * 2);

  // Validated by the loader: a draft that does not load is a bug in the extractor.
  Checklist checklist = Checklist::from_yaml(yaml, "<extracted from " + source + ">");
  for (Obligation& o : obligations) o.clause_path = o.clause ? o.clause->path : std::string();
  // Moving the tree keeps its clauses where they are, so the obligations' pointers stay valid.
  return Extraction{std::move(checklist), std::move(warnings), std::move(yaml), std::move(tree),
                    std::move(obligations)};
}

}  // namespace libaudit
