// Alignment with the model checklist (libaudit/checklist/align.h, docs/alignment.md): character
// bigrams of cleaned NFKC text weighted by TF-IDF over the model, section titles, roles and the
// model's own source citations, combined into one confidence; then the coverage by chapter.
#include "libaudit/checklist/align.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/jtext.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit {

namespace {

// Weights of the signals in a derived confidence (docs/alignment.md, "Confidence").
constexpr double kTextWeight = 0.60;
constexpr double kSectionWeight = 0.25;
constexpr double kRolesWeight = 0.15;
// The section signal is the larger of the title cosine and this share of how much of the model
// section's title the item's text contains.
constexpr double kContainedTitle = 0.60;
// A model item that cites the item's own clause closes this share of the gap between the weighted
// sum s and 1: s + 0.5 × (1 − s); one that cites a clause above or below it, kNestedCite of that.
constexpr double kCitedShare = 0.50;
constexpr double kNestedCite = 0.60;
constexpr std::size_t kMinPhrase = 3;  // characters
constexpr std::size_t kMaxPhrases = 3;

// Stock phrases of obligations and questions that say nothing about the measure.
constexpr std::string_view kStock[] = {"しなければならない", "なければならない", "するものとする", "ものとする",
                                       "されているか",       "しているか",       "ているか",       "すること"};

using Vec = std::vector<std::pair<std::uint64_t, double>>;  // sorted by key

struct Cleaner {
  std::vector<std::string> names;    // removed wherever they occur, longest first
  const Checklist* tiers = nullptr;  // fills {{tier.X}} with this checklist's tier names

  explicit Cleaner(const Checklist& c, const Checklist* tier_names = nullptr) : tiers(tier_names) {
    if (!c.body().empty()) names.push_back(text::nfkc(c.body()));
    for (const RoleDefinition& r : c.roles()) names.push_back(text::nfkc(r.label));
    for (const Term& t : terms(Vocabulary::role)) names.emplace_back(text::nfkc(t.label));
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::erase_if(names, [](const std::string& n) { return n.empty(); });
  }

  static bool kept(char32_t c) noexcept {
    if (c >= U'a' && c <= U'z') return true;
    if (c >= U'0' && c <= U'9') return true;
    return (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
  }

  // NFKC; {{tier.X}} filled with the body's tier name, other placeholders, the body's name,
  // role titles and stock endings removed; only letters, kana, kanji and digits kept (ASCII
  // lower-cased).
  std::u32string operator()(std::string_view raw) const {
    std::string s = text::nfkc(raw);
    for (std::size_t open; (open = s.find("{{")) != std::string::npos;) {
      const std::size_t close = s.find("}}", open);
      if (close == std::string::npos) {
        s.erase(open);
        break;
      }
      const std::string name = s.substr(open + 2, close - open - 2);
      // A tier is named as the body names it (業務系, 情報系): the words its text uses.
      const std::string tier = tiers && name.rfind("tier.", 0) == 0 ? text::nfkc(tiers->tier_name(name.substr(5))) : "";
      s.replace(open, close + 2 - open, tier.empty() ? std::string(" ") : tier);
    }
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      const std::string_view rest(s.data() + i, s.size() - i);
      std::size_t skip = jtext::role_name_prefix(rest);
      for (const std::string& n : names)
        if (!skip && jtext::starts_with(rest, n)) skip = n.size();
      if (skip) {
        out += ' ';
        i += skip;
        continue;
      }
      out += s[i++];
    }
    for (std::string_view p : kStock)
      for (std::size_t at; (at = out.find(p)) != std::string::npos;) {
        out[at] = ' ';  // erase, not replace(" "): GCC 12's -Wrestrict misfires on it (bug 105651)
        out.erase(at + 1, p.size() - 1);
      }
    std::u32string cps;
    for (char32_t c : jtext::decode_all(out).cps) {
      if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
      cps += kept(c) ? c : U' ';
    }
    return cps;
  }
};

std::map<std::uint64_t, double> bigrams(const std::u32string& s) {
  std::map<std::uint64_t, double> tf;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == U' ' || s[i + 1] == U' ') continue;
    tf[(static_cast<std::uint64_t>(s[i]) << 32) | s[i + 1]] += 1;
  }
  return tf;
}

struct Idf {
  std::unordered_map<std::uint64_t, double> df;
  double n = 0;
  double operator()(std::uint64_t k) const {
    auto it = df.find(k);
    return std::log((n + 1) / ((it == df.end() ? 0 : it->second) + 1)) + 1;
  }
};

Vec weigh(const std::map<std::uint64_t, double>& tf, const Idf& idf) {
  Vec v;
  double norm = 0;
  for (const auto& [k, f] : tf) {
    const double w = (1 + std::log(f)) * idf(k);
    v.emplace_back(k, w);
    norm += w * w;
  }
  if (norm > 0)
    for (auto& [k, w] : v) w /= std::sqrt(norm);
  return v;
}

double cosine(const Vec& a, const Vec& b) {
  double dot = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first) {
      ++i;
    } else if (b[j].first < a[i].first) {
      ++j;
    } else {
      dot += a[i++].second * b[j++].second;
    }
  }
  return std::clamp(dot, 0.0, 1.0);
}

// How much of `title` (its weight) `text` contains: a 基本方針 sentence that names a model
// section (「アクセス制御、不正プログラム対策…」) is about that section's measures.
double containment(const Vec& title, const Vec& text) {
  double both = 0, all = 0;
  for (std::size_t i = 0, j = 0; i < title.size(); ++i) {
    all += title[i].second * title[i].second;
    while (j < text.size() && text[j].first < title[i].first) ++j;
    if (j < text.size() && text[j].first == title[i].first) both += title[i].second * title[i].second;
  }
  return all > 0 ? both / all : 0;
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::size_t both = 0;
  for (const std::string& r : sa) both += sb.count(r);
  return static_cast<double>(both) / static_cast<double>(sa.size() + sb.size() - both);
}

std::string utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) jtext::append_utf8(out, c);
  return out;
}

// Fewer than two characters other than hiragana (る情報, において): no evidence of a measure.
bool too_plain(const std::u32string& s) {
  return std::count_if(s.begin(), s.end(), [](char32_t c) { return c < 0x3041 || c > 0x309F; }) < 2;
}

// The longest phrases (≥ kMinPhrase characters, no break) both texts share, longest first and
// each said once; a phrase with fewer than two characters other than hiragana is no evidence. Each phrase found is
// masked in both texts before the next is looked for.
std::vector<std::string> shared_phrases(std::u32string a, std::u32string b) {
  std::vector<std::string> out;
  for (int round = 0; round < 12 && out.size() < kMaxPhrases; ++round) {
    std::vector<std::size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
    std::size_t best = 0, end_a = 0, end_b = 0;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const bool same = a[i - 1] == b[j - 1] && a[i - 1] != U' ' && a[i - 1] != 0;
        cur[j] = same ? prev[j - 1] + 1 : 0;
        if (cur[j] > best) std::tie(best, end_a, end_b) = std::tuple(cur[j], i, j);
      }
      std::swap(prev, cur);
    }
    if (best < kMinPhrase) break;
    const std::u32string found = a.substr(end_a - best, best);
    std::fill_n(a.begin() + static_cast<std::ptrdiff_t>(end_a - best), best, U' ');
    std::fill_n(b.begin() + static_cast<std::ptrdiff_t>(end_b - best), best, char32_t{0});
    const std::string phrase = utf8(found);
    const bool known =
        std::any_of(out.begin(), out.end(), [&](const std::string& p) { return p.find(phrase) != std::string::npos; });
    if (!known && !too_plain(found)) out.push_back(phrase);
  }
  return out;
}

// Whether clause `a` lies within clause `b` (equal, or `b` followed by a deeper level): "6(2)ア"
// within "6(2)", never "12" within "1".
bool within(std::string_view a, std::string_view b) {
  if (b.empty() || a.size() < b.size() || a.substr(0, b.size()) != b) return false;
  return a.size() == b.size() || !jtext::is_digit(static_cast<unsigned char>(a[b.size()]));
}

// ---- the model's side -------------------------------------------------------------------------

struct Titles {
  std::map<std::string, std::string> of;  // section id → its title and its chapter's, cleaned text
};

void collect_titles(const std::vector<Section>& sections, const std::string& chapter, Titles& t) {
  for (const Section& s : sections) {
    const std::string ch = chapter.empty() ? s.title : chapter;
    t.of[s.id] = ch == s.title ? s.title : ch + " " + s.title;
    collect_titles(s.sections, ch, t);
  }
}

struct Prepared {
  std::u32string text;  // cleaned text + question
  Vec text_vec, title_vec;
  Vec own_title;  // the title of the item's own section alone
};

struct Side {
  Titles titles;
  std::vector<Prepared> items;
};

Side prepare(const Checklist& c, const Cleaner& clean, Idf* idf, const Idf* use) {
  Side side;
  collect_titles(c.sections(), "", side.titles);
  std::vector<std::map<std::uint64_t, double>> tfs, title_tfs, own_tfs;
  for (const Item& it : c.items()) {
    Prepared p;
    p.text = clean(it.text) + U" " + clean(it.question);
    tfs.push_back(bigrams(p.text));
    title_tfs.push_back(bigrams(clean(side.titles.of[it.section_id])));
    const Section* own = c.find_section(it.section_id);
    own_tfs.push_back(bigrams(clean(own ? own->title : "")));
    side.items.push_back(std::move(p));
  }
  if (idf) {
    idf->n = static_cast<double>(tfs.size());
    for (const auto& tf : tfs)
      for (const auto& kv : tf) idf->df[kv.first] += 1;
    use = idf;
  }
  for (std::size_t i = 0; i < side.items.size(); ++i) {
    side.items[i].text_vec = weigh(tfs[i], *use);
    side.items[i].title_vec = weigh(title_tfs[i], *use);
    side.items[i].own_title = weigh(own_tfs[i], *use);
  }
  return side;
}

bool applies(const Item& m, const AlignOptions& o) {
  const auto& nets = m.applies_to.network_models;
  if (!o.network_model.empty() && !nets.empty() && std::find(nets.begin(), nets.end(), o.network_model) == nets.end())
    return false;
  return !(o.server_room == 0 && m.applies_to.server_room);
}

bool is_model_kind(const Checklist& c) { return c.kind() == ChecklistKind::model; }

// How closely the model item's sources cite the checklist's own clause for `item`: 1 for the
// clause itself, kNestedCite for a clause above or below it, 0 when it is not cited.
double citation(const Item& model_item, const Checklist& checklist, const Item& item) {
  const std::string clause = text::nfkc(item.clause);
  double best = 0;
  for (const SourceClause& s : model_item.sources) {
    if (s.document != checklist.source().document) continue;
    if (!s.part.empty() && checklist.source().title.find(s.part) == std::string::npos) continue;
    const std::string cited = text::nfkc(s.clause);
    if (cited == clause) return 1;
    if (within(clause, cited) || within(cited, clause)) best = kNestedCite;
  }
  return best;
}

AlignCandidate score(const Checklist& checklist, const Item& item, const Prepared& p, const Item& m,
                     const Prepared& mp) {
  AlignCandidate c;
  c.model_item = m.id;
  c.text = cosine(p.text_vec, mp.text_vec);
  c.section = std::max(cosine(p.title_vec, mp.title_vec), kContainedTitle * containment(mp.own_title, p.text_vec));
  c.roles = jaccard(item.roles, m.roles);
  const double cite = citation(m, checklist, item);
  c.cited = cite > 0;
  const double sum = kTextWeight * c.text + kSectionWeight * c.section + kRolesWeight * c.roles;
  c.confidence = std::clamp(sum + kCitedShare * cite * (1 - sum), 0.0, 1.0);
  return c;
}

ItemAlignment align_item(const Checklist& checklist, const Checklist& model, std::size_t i, const Side& body,
                         const Side& mside, const AlignOptions& o) {
  const Item& item = checklist.items()[i];
  ItemAlignment a;
  a.item = item.id;
  a.clause = item.clause;
  if (const Section* s = checklist.find_section(item.section_id)) a.section = s->title;
  std::vector<AlignCandidate> all;
  for (std::size_t j = 0; j < model.items().size(); ++j)
    all.push_back(score(checklist, item, body.items[i], model.items()[j], mside.items[j]));
  const std::size_t keep = std::min(std::max<std::size_t>(o.candidates, 1), all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    [](const AlignCandidate& x, const AlignCandidate& y) {
                      return x.confidence != y.confidence ? x.confidence > y.confidence : x.model_item < y.model_item;
                    });
  all.resize(keep);
  for (AlignCandidate& c : all)
    c.phrases = shared_phrases(body.items[i].text, mside.items[&model.item(c.model_item) - model.items().data()].text);
  const std::vector<std::string> stated = o.use_stated ? item.model : std::vector<std::string>{};
  if (!stated.empty()) {
    a.stated = true;
    a.mapped = stated;
    std::vector<AlignCandidate> given;
    for (const std::string& id : stated) {
      AlignCandidate c;
      c.model_item = id;
      c.confidence = 1;
      c.stated = true;
      given.push_back(std::move(c));
    }
    for (AlignCandidate& c : all)
      if (std::find(stated.begin(), stated.end(), c.model_item) == stated.end()) given.push_back(std::move(c));
    a.candidates = std::move(given);
    return a;
  }
  for (const AlignCandidate& c : all)
    if (c.confidence >= o.threshold && c.confidence >= kAlignSecondRatio * all.front().confidence)
      a.mapped.push_back(c.model_item);
  a.candidates = std::move(all);
  return a;
}

void count_coverage(const Section& chapter, const std::vector<Item>& items, const std::set<std::string>& covered,
                    const AlignOptions& o, ChapterCoverage& out) {
  for (std::size_t k : chapter.items) {
    const Item& m = items[k];
    if (!applies(m, o)) continue;
    ++out.total;
    if (covered.count(m.id)) {
      ++out.covered;
    } else {
      out.missing.push_back(m.id);
    }
  }
  for (const Section& s : chapter.sections) count_coverage(s, items, covered, o, out);
}

}  // namespace

bool is_model_checklist(const Checklist& c) noexcept { return is_model_kind(c); }

Alignment align(const Checklist& checklist, const Checklist& model, const AlignOptions& options) {
  if (!is_model_kind(model))
    throw ValidationError({Diagnostic{
        model.origin(), 1, 1, message("not a model checklist (kind: model): give the 標準点検表 as the model")}});
  if (is_model_kind(checklist))
    throw ValidationError({Diagnostic{
        checklist.origin(), 1, 1, message("this is the model checklist itself: align a body's checklist with it")}});
  const Cleaner body_clean(checklist), model_clean(model, &checklist);
  Idf idf;
  const Side mside = prepare(model, model_clean, &idf, nullptr);
  const Side bside = prepare(checklist, body_clean, nullptr, &idf);
  Alignment out;
  out.threshold = options.threshold;
  std::set<std::string> covered;
  for (std::size_t i = 0; i < checklist.items().size(); ++i) {
    out.items.push_back(align_item(checklist, model, i, bside, mside, options));
    covered.insert(out.items.back().mapped.begin(), out.items.back().mapped.end());
  }
  for (const Section& ch : model.sections()) {
    ChapterCoverage c;
    c.id = ch.id;
    c.clause = ch.clause;
    c.title = ch.title;
    count_coverage(ch, model.items(), covered, options, c);
    out.total += c.total;
    out.covered += c.covered;
    out.chapters.push_back(std::move(c));
  }
  return out;
}

}  // namespace libaudit
