// Clause parser: a stack of open clauses, one per numbering style in use. A label whose style
// is on the stack closes everything below it and becomes a sibling; a new style opens a level
// below the innermost clause. See clause.h and docs/extractor.md.
#include "libaudit/policy/clause.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/jtext.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"

namespace libaudit {

namespace {

// 2-4-1 and 3.2: a number with parts, written absolute (its parents' numbers first).
bool multi_part(const Label& l) { return l.style == LabelStyle::hyphenated || l.style == LabelStyle::dotted; }

// Dotted and hyphenated numbers of as many parts are one level, whichever separator a line uses.
bool same_level(const Label& a, const Label& b) {
  if (multi_part(a) || multi_part(b)) return multi_part(a) && multi_part(b) && a.parts.size() == b.parts.size();
  return a.style == b.style;
}

// 第N章 and 第N節 group what follows them; they stay open over a 2-4 or 3.2 inside them.
bool grouping(const Label& l) { return l.style == LabelStyle::chapter || l.style == LabelStyle::section; }

// The numbers a clause stands for when a multi-part number names it as its parent: 2 and 第2章
// for 2-4, 2-4 for 2-4-1; empty for other styles.
std::vector<int> absolute_numbers(const Label& l) {
  if (multi_part(l)) return l.parts;
  if (l.style == LabelStyle::number || l.style == LabelStyle::chapter) return {l.number};
  return {};
}

// Which earlier labels continue the numbering of a new level when nothing of its level is open:
// articles run through the document, 節 may, and 2-4-2 continues 2-4-1 under the same 2-4.
std::string sequence_key(const Label& l) {
  if (l.style == LabelStyle::article) return "article";
  if (l.style == LabelStyle::section) return "section";
  if (!multi_part(l)) return {};
  std::string key = "parts";
  for (std::size_t i = 0; i + 1 < l.parts.size(); ++i) key += "." + std::to_string(l.parts[i]);
  return key;
}

std::string style_name(const Label& l) {
  switch (l.style) {
    case LabelStyle::chapter: return "第N章";
    case LabelStyle::section: return "第N節";
    case LabelStyle::article: return "第N条";
    case LabelStyle::paragraph: return "項";
    case LabelStyle::number: return "N";
    case LabelStyle::paren_number: return "(N)";
    case LabelStyle::katakana: return "ア";
    case LabelStyle::paren_katakana: return "(ア)";
    case LabelStyle::latin: return "a";
    case LabelStyle::paren_latin: return "(a)";
    case LabelStyle::circled: return "①";
    case LabelStyle::hyphenated: return "N-N";
    case LabelStyle::dotted: return "N.N";
  }
  return "?";
}

// How the label with this number is written in the style, for messages ("イ", "(3)").
std::string label_for(const Label& style, int number) {
  std::string s;
  switch (style.style) {
    case LabelStyle::katakana: jtext::append_utf8(s, jtext::gojuon_char(number)); return s;
    case LabelStyle::paren_katakana:
      s = "(";
      jtext::append_utf8(s, jtext::gojuon_char(number));
      return s + ")";
    case LabelStyle::latin: return std::string(1, static_cast<char>('a' + std::clamp(number, 1, 26) - 1));
    case LabelStyle::paren_latin:
      return jtext::cat({"(", std::string(1, static_cast<char>('a' + std::clamp(number, 1, 26) - 1)), ")"});
    case LabelStyle::paren_number: return jtext::cat({"(", std::to_string(number), ")"});
    case LabelStyle::article: return jtext::cat({"第", std::to_string(number), "条"});
    case LabelStyle::chapter: return jtext::cat({"第", std::to_string(number), "章"});
    case LabelStyle::section: return jtext::cat({"第", std::to_string(number), "節"});
    case LabelStyle::paragraph: return jtext::cat({"第", std::to_string(number), "項"});
    case LabelStyle::circled:
      if (number >= 1 && number <= 20) jtext::append_utf8(s, 0x2460 + number - 1);
      return s;
    case LabelStyle::hyphenated:
    case LabelStyle::dotted: {
      for (std::size_t i = 0; i + 1 < style.parts.size(); ++i)
        s += jtext::cat({std::to_string(style.parts[i]), style.style == LabelStyle::dotted ? "." : "-"});
      return s + std::to_string(number);
    }
    default: return std::to_string(number);
  }
}

std::string path_segment(const Label& l) {
  switch (l.style) {
    case LabelStyle::paragraph: return jtext::cat({"第", std::to_string(l.number), "項"});
    default: return l.normalized;
  }
}

std::string id_segment(const Label& l) {
  switch (l.style) {
    case LabelStyle::katakana:
    case LabelStyle::latin:
    case LabelStyle::paren_latin:
      if (l.number >= 1 && l.number <= 26) return std::string(1, static_cast<char>('a' + l.number - 1));
      return jtext::cat({"k", std::to_string(l.number)});
    case LabelStyle::paragraph: return jtext::cat({"p", std::to_string(l.number)});
    case LabelStyle::hyphenated:
    case LabelStyle::dotted: {
      std::string s;
      for (std::size_t i = 0; i < l.parts.size(); ++i) s += jtext::cat({i ? "." : "", std::to_string(l.parts[i])});
      return s;
    }
    default: return std::to_string(l.number);
  }
}

bool ends_sentence(std::string_view t) {
  t = text::trim(t);
  return jtext::ends_with(t, "。") || jtext::ends_with(t, "｡");
}

// 「（目的）」: a bracketed caption line, as laws put above an article.
bool is_caption(const LogicalLine& l) {
  std::string_view t = text::trim(l.text);
  bool open = jtext::starts_with(t, "(") || jtext::starts_with(t, "（");
  bool close = jtext::ends_with(t, ")") || jtext::ends_with(t, "）");
  return open && close && text::char_count(t) <= 30;
}

std::string caption_text(const LogicalLine& l) {
  std::string_view t = text::trim(l.text);
  t.remove_prefix(jtext::starts_with(t, "(") ? 1 : 3);
  t.remove_suffix(jtext::ends_with(t, ")") ? 1 : 3);
  return std::string(text::trim(t));
}

// A line that can title a document: short, unnumbered, not a sentence.
bool is_title_line(const LogicalLine& l) {
  return !l.label && !l.bullet && !ends_sentence(l.text) && text::char_count(l.text) <= 40 &&
         l.text.find("、") == std::string::npos;
}

// The clause's path and id from its label and its parent's. A multi-part number (2-4-1, 3.2) is
// absolute; so is an article when `articles_through` (the document numbers its articles straight
// through its 章 and 節, and cites them without: 第3条(2)); there a 章 takes the id ch2, which
// no article's id can equal. A 節 is s1 within its parent (2.s1, ch2.s1).
void assign_path(Clause& c, const Clause* parent, bool articles_through) {
  const bool absolute = !parent || multi_part(c.label) || (articles_through && c.label.style == LabelStyle::article);
  const std::string seg = path_segment(c.label);
  c.path = text::squash_spaces(text::nfkc(absolute ? seg : parent->path + seg));
  c.id = absolute ? id_segment(c.label) : parent->id + "." + id_segment(c.label);
  if (articles_through && c.label.style == LabelStyle::chapter)
    c.id = (absolute ? "ch" : parent->id + ".ch") + std::to_string(c.label.number);
  if (c.label.style == LabelStyle::section)  // 第2章第1節 is ch2.s1 or 2.s1, never 2.1 (the id of 2-1)
    c.id = (absolute ? "s" : parent->id + ".s") + std::to_string(c.label.number);
}

void reassign_paths(Clause& c, const Clause* parent, bool articles_through) {
  assign_path(c, parent, articles_through);
  for (Clause& ch : c.children) reassign_paths(ch, &c, articles_through);
}

// The articles of a part, each with whether a 章 or 節 holds it.
void collect_articles(const std::vector<Clause>& cs, bool grouped, std::vector<std::pair<int, bool>>& out) {
  for (const Clause& c : cs) {
    if (c.label.style == LabelStyle::article) out.emplace_back(c.label.number, grouped);
    collect_articles(c.children, grouped || grouping(c.label), out);
  }
}

// Articles under 章 or 節 whose numbers never repeat in the part run straight through it.
bool articles_run_through(const ClausePart& p) {
  std::vector<std::pair<int, bool>> articles;
  collect_articles(p.clauses, false, articles);
  std::set<int> numbers;
  bool grouped = false;
  for (const auto& [number, under_group] : articles) {
    if (!numbers.insert(number).second) return false;  // numbered per 章: cited with the 章
    grouped = grouped || under_group;
  }
  return grouped;
}

void finish_ranges(Clause& c, const NormalizedText& t) {
  for (std::size_t k : c.lines) {
    c.first_line = c.first_line ? std::min(c.first_line, t.lines[k].first_line) : t.lines[k].first_line;
    c.last_line = std::max(c.last_line, t.lines[k].last_line);
  }
  for (Clause& ch : c.children) {
    finish_ranges(ch, t);
    c.last_line = std::max(c.last_line, ch.last_line);
  }
}

const Clause* find_in(const std::vector<Clause>& cs, const std::string& path) {
  for (const Clause& c : cs) {
    if (c.path == path) return &c;
    if (const Clause* f = find_in(c.children, path)) return f;
  }
  return nullptr;
}

void collect_paths(const std::vector<Clause>& cs, std::vector<std::string>& out) {
  for (const Clause& c : cs) {
    out.push_back(c.path);
    collect_paths(c.children, out);
  }
}

}  // namespace

const Clause* ClauseTree::find(std::string_view path, std::size_t part) const {
  if (part >= parts.size()) return nullptr;
  return find_in(parts[part].clauses, text::squash_spaces(text::nfkc(path)));
}

std::vector<std::string> ClauseTree::paths(std::size_t part) const {
  std::vector<std::string> out;
  if (part < parts.size()) collect_paths(parts[part].clauses, out);
  return out;
}

namespace {

// parse_clauses' state: the tree so far and the open clauses, outermost first. A labelled
// line goes through the phases of add(): restyle, new document?, close to its level, check its
// number, then attach.
class ClauseParser {
 public:
  ClauseParser(const NormalizedText& t, std::string_view source) : t_(t), source_(source) {
    tree_.parts.emplace_back();
  }

  ClauseTree run() && {
    for (std::size_t k = 0; k < t_.lines.size(); ++k) {
      if (t_.lines[k].label)
        labelled(k);
      else
        unlabelled(k);
    }
    finish();
    return std::move(tree_);
  }

 private:
  const NormalizedText& t_;
  std::string_view source_;
  ClauseTree tree_;
  std::vector<Clause*> stack_;
  std::string pending_caption_;
  // The last label of each running sequence of the part (sequence_key): articles, 節, 2-4-N.
  std::map<std::string, Label> last_;

  void warn(int line, std::string message) {
    tree_.warnings.push_back(Diagnostic{std::string(source_), line, 1, std::move(message)});
  }
  std::vector<std::size_t>& own_lines() { return stack_.empty() ? tree_.parts.back().lines : stack_.back()->lines; }

  // A caption before an article (（目的）), the document's title, or text of the open clause.
  void unlabelled(std::size_t k) {
    const LogicalLine& line = t_.lines[k];
    ClausePart& part = tree_.parts.back();
    if (k + 1 < t_.lines.size() && t_.lines[k + 1].label && t_.lines[k + 1].label->style == LabelStyle::article &&
        is_caption(line)) {
      pending_caption_ = caption_text(line);
      own_lines().push_back(k);
      return;
    }
    // The first short unnumbered line titles the document; a Markdown heading is preferred.
    if (part.clauses.empty() && is_title_line(line) &&
        (part.title.empty() || (line.heading_level > 0 && !part.title_is_heading))) {
      part.title = line.text;
      part.first_line = line.first_line;
      part.title_is_heading = line.heading_level > 0;
    }
    own_lines().push_back(k);
  }

  void labelled(std::size_t k) {
    const LogicalLine& line = t_.lines[k];
    Label label = *line.label;
    // A bare number inside an article is a 項.
    if (label.style == LabelStyle::number && std::any_of(stack_.begin(), stack_.end(), [](const Clause* c) {
          return c->label.style == LabelStyle::article;
        }))
      label.style = LabelStyle::paragraph;
    maybe_start_document(k, label);
    if (label.style == LabelStyle::paragraph) close_to_article();
    const std::size_t level = level_of(label);
    if (!in_sequence(k, label, level)) {
      own_lines().push_back(k);  // イメージ… in running text, or a stray letter: not a clause
      return;
    }
    if (level < stack_.size()) stack_.resize(level);
    attach(k, label);
  }

  // A new document: the top-level numbering restarts at 1 right after a title line.
  void maybe_start_document(std::size_t k, const Label& label) {
    const ClausePart& part = tree_.parts.back();
    if (part.clauses.empty() || label.number != 1 || !same_level(label, part.clauses.front().label) || k == 0 ||
        !is_title_line(t_.lines[k - 1]))
      return;
    std::vector<std::size_t>& prev_owner = own_lines();
    if (!prev_owner.empty() && prev_owner.back() == k - 1) prev_owner.pop_back();
    stack_.clear();
    last_.clear();
    ClausePart next;
    next.title = t_.lines[k - 1].text;
    next.first_line = t_.lines[k - 1].first_line;
    next.lines.push_back(k - 1);
    tree_.parts.push_back(std::move(next));
  }

  // A 項 belongs to its article: close what is open below the article.
  void close_to_article() {
    std::size_t article = stack_.size();
    for (std::size_t i = stack_.size(); i-- > 0;)
      if (stack_[i]->label.style == LabelStyle::article) {
        article = i;
        break;
      }
    bool open_paragraph = false;
    for (std::size_t i = article + 1; i < stack_.size(); ++i)
      if (stack_[i]->label.style == LabelStyle::paragraph) open_paragraph = true;
    if (!open_paragraph && article < stack_.size()) stack_.resize(article + 1);
  }

  // The open level with this numbering style, or stack_.size() for a new one. A multi-part
  // number goes below the deepest open clause its numbers start with (2-4-2 under 2-4, 2-5-1
  // under 2, 3.2 under 第3章), inside the 章 and 節 open there.
  std::size_t level_of(const Label& label) const {
    if (multi_part(label))
      for (std::size_t i = stack_.size(); i-- > 0;) {
        const std::vector<int> numbers = absolute_numbers(stack_[i]->label);
        if (numbers.empty() || numbers.size() >= label.parts.size() ||
            !std::equal(numbers.begin(), numbers.end(), label.parts.begin()))
          continue;
        std::size_t level = i + 1;
        while (level < stack_.size() && grouping(stack_[level]->label)) ++level;
        return level;
      }
    for (std::size_t i = stack_.size(); i-- > 0;)
      if (same_level(stack_[i]->label, label)) return i;
    return stack_.size();
  }

  // Whether the label opens a clause; warns of numbering that restarts, skips, runs out of
  // order or starts elsewhere than 1. A letter far out of sequence is text, unless the line is
  // a heading (a real skip).
  bool in_sequence(std::size_t k, const Label& label, std::size_t level) {
    const LogicalLine& line = t_.lines[k];
    const ClausePart& cur = tree_.parts.back();
    const bool top_sibling =
        level == stack_.size() && stack_.empty() && !cur.clauses.empty() && continues(cur.clauses.back().label, label);
    const Label* previous = level < stack_.size() && continues(stack_[level]->label, label) ? &stack_[level]->label
                            : top_sibling                                                   ? &cur.clauses.back().label
                                                                                            : nullptr;
    // Nothing of its level open: articles numbered through the document, 節 through 章, 2-4-2
    // after 2-4-1 continue their sequence, or restart at 1 under their new parent.
    const auto running = last_.find(sequence_key(label));
    if (!previous && running != last_.end()) {
      if (label.number == 1) return true;
      previous = &running->second;
    }
    const bool letter = label.style == LabelStyle::katakana || label.style == LabelStyle::latin;
    if (!previous) {
      if (letter && label.number != 1) return false;
      // 項 are numbered from 2 (the first has no number)
      if (label.number != 1 && !(label.style == LabelStyle::paragraph && label.number == 2))
        warn(line.first_line, message("numbering starts at '{label}' (expected {first}, style {style})",
                                      fmt::arg("label", label.written), fmt::arg("first", label_for(label, 1)),
                                      fmt::arg("style", style_name(label))));
      return true;
    }
    const int expected = previous->number + 1;
    if (letter && label.number != 1 && !line.heading && (label.number < expected || label.number > expected + 2))
      return false;
    if (label.number == expected) {
      // in order
    } else if (label.number == 1) {
      warn(line.first_line, message("numbering restarts: '{label}' after '{previous}'",
                                    fmt::arg("label", label.written), fmt::arg("previous", previous->written)));
    } else if (label.number > expected) {
      std::string missing = label_for(label, expected);
      if (label.number > expected + 1) missing += " … " + label_for(label, label.number - 1);
      warn(line.first_line,
           message("numbering skips {missing}: '{label}' after '{previous}'", fmt::arg("missing", missing),
                   fmt::arg("label", label.written), fmt::arg("previous", previous->written)));
    } else {
      warn(line.first_line, message("numbering out of order: '{label}' after '{previous}'",
                                    fmt::arg("label", label.written), fmt::arg("previous", previous->written)));
    }
    return true;
  }

  // Whether `next` continues the numbering of `previous`: the same level, and for 2-4-2 the
  // same 2-4.
  static bool continues(const Label& previous, const Label& next) {
    if (!same_level(previous, next)) return false;
    return !multi_part(next) || std::equal(next.parts.begin(), next.parts.end() - 1, previous.parts.begin());
  }

  // Opens the clause under the innermost open one (or at the top).
  void attach(std::size_t k, const Label& label) {
    const LogicalLine& line = t_.lines[k];
    Clause node;
    node.label = label;
    node.title = line.heading ? line.body : std::string();
    if (label.style == LabelStyle::article && !pending_caption_.empty()) node.title = pending_caption_;
    pending_caption_.clear();
    node.lines.push_back(k);
    Clause* parent = stack_.empty() ? nullptr : stack_.back();
    assign_path(node, parent, false);  // finish() redoes it for articles numbered through the part
    if (std::string key = sequence_key(label); !key.empty()) last_[key] = label;
    node.depth = parent ? parent->depth + 1 : 1;
    std::vector<Clause>& siblings = parent ? parent->children : tree_.parts.back().clauses;
    siblings.push_back(std::move(node));
    stack_.push_back(&siblings.back());
  }

  // Line ranges of every clause, and each part's first line.
  void finish() {
    for (ClausePart& p : tree_.parts) {
      if (articles_run_through(p))
        for (Clause& c : p.clauses) reassign_paths(c, nullptr, true);
      for (Clause& c : p.clauses) finish_ranges(c, t_);
      if (p.first_line == 0) {
        if (!p.lines.empty())
          p.first_line = t_.lines[p.lines.front()].first_line;
        else if (!p.clauses.empty())
          p.first_line = p.clauses.front().first_line;
      }
    }
  }
};

}  // namespace

ClauseTree parse_clauses(const NormalizedText& t, std::string_view source) { return ClauseParser(t, source).run(); }

}  // namespace libaudit
