// Scoring: reading a cycle (CycleData), applicability, per-group counts and the analyses built
// on them. The models themselves are in scoring_models.cpp.
#include "libaudit/scoring/scoring.h"

#include "libaudit/scoring/benchmark.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "libaudit/base/messages.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/followup/findings.h"
#include "scoring/publication_internal.h"

namespace libaudit {

namespace {
const bool kScoringSchemaRegistered = detail::register_scoring_schema();  // publication.cpp
}  // namespace

namespace {}  // namespace

// ---- CycleData ---------------------------------------------------------------------------

CycleData::CycleData(Cycle cycle, std::string body, Checklist checklist, std::vector<ScoredDepartment> departments)
    : cycle_(std::move(cycle)),
      body_(std::move(body)),
      checklist_(std::move(checklist)),
      departments_(std::move(departments)),
      answers_(departments_.size() * checklist_.size(), 0) {}

CycleData CycleData::load(const Store& store, std::int64_t id) { return load(store, id, store.trail_head()); }

namespace {
// The cycle `id` with its checklist and the 課 of `departments` / `systems` (as of some point),
// unanswered.
CycleData unanswered(const Store& store, Cycle cycle, const std::vector<Department>& departments,
                     const std::vector<System>& systems) {
  Checklist checklist = store.load_checklist(cycle.checklist);
  std::vector<ScoredDepartment> depts = department_profiles(departments, systems, cycle.departments);
  std::string body = store.body();
  if (body.empty()) body = checklist.body();
  return CycleData(std::move(cycle), std::move(body), std::move(checklist), std::move(depts));
}
}  // namespace

CycleData CycleData::organisation(const Store& store, std::int64_t id) {
  Cycle cycle = store.cycle(id);  // NotFoundError
  return unanswered(store, std::move(cycle), store.departments(), store.systems());
}

CycleData CycleData::load(const Store& store, std::int64_t id, const TrailPoint& point) {
  Cycle cycle = store.cycle(id);  // NotFoundError
  CycleData data = unanswered(store, std::move(cycle), store.departments_at(point.seq), store.systems_at(point.seq));
  const std::size_t n_items = data.checklist_.size(), n_depts = data.departments_.size();
  std::uint8_t* answers = data.answers_.data();
  store.scan_responses(id, [&](std::uint32_t d, std::uint32_t i, Answer a) {
    if (d < n_depts && i < n_items) answers[std::size_t(d) * n_items + i] = std::uint8_t(1 + int(a));
  });
  // Answers written after the point are taken back to what they were at it (none: unanswered).
  // A closed cycle takes no answers, so only an open one read as of a past day has any.
  std::set<std::pair<std::string, std::string>> later;
  for (const ResponseWrite& w : store.responses_written_after(id, point.seq)) later.emplace(w.department, w.item);
  if (later.empty()) return data;
  std::unordered_map<std::string, std::size_t> dept_index, item_index;
  for (std::size_t d = 0; d < n_depts; ++d) dept_index.emplace(data.departments_[d].code, d);
  for (std::size_t i = 0; i < n_items; ++i) item_index.emplace(data.checklist_.items()[i].id, i);
  for (const auto& [dept, item] : later) {
    const auto d = dept_index.find(dept);
    const auto i = item_index.find(item);
    if (d == dept_index.end() || i == item_index.end()) continue;
    std::uint8_t then = 0;
    for (const ResponseVersion& v : store.response_history(id, dept, item))
      if (v.seq <= point.seq) {
        const std::optional<Answer> a = parse_answer(v.answer);
        then = a ? std::uint8_t(1 + int(*a)) : 0;
      }
    answers[d->second * n_items + i->second] = then;
  }
  return data;
}

CycleAt CycleAt::load(const Store& store, std::int64_t cycle, const ScoreOptions& options,
                      std::optional<std::string> as_of_utc) {
  const TrailPoint point = store.cycle_point(cycle, std::move(as_of_utc));  // NotFoundError
  CycleAt out{point, CycleData::load(store, cycle, point), options};
  const std::set<std::pair<std::string, std::string>> counted = Exceptions(store).for_scoring(cycle, point);
  out.options.exceptions.insert(counted.begin(), counted.end());
  return out;
}

void CycleData::set_answer(std::size_t department, std::size_t item, Answer answer) {
  if (department >= departments_.size() || item >= checklist_.size())
    throw NotFoundError(message("set_answer: no department {department} or item {item}",
                                fmt::arg("department", department), fmt::arg("item", item)));
  answers_[department * checklist_.size() + item] = std::uint8_t(1 + int(answer));
}

void CycleData::set_answer(std::string_view code, std::string_view item_id, Answer answer) {
  const auto d = std::find_if(departments_.begin(), departments_.end(), [&](const auto& x) { return x.code == code; });
  if (d == departments_.end())
    throw NotFoundError(
        message("no department '{code}' in cycle {cycle}", fmt::arg("code", code), fmt::arg("cycle", cycle_.id)));
  const Item& it = checklist_.item(item_id);  // NotFoundError
  set_answer(std::size_t(d - departments_.begin()), std::size_t(&it - checklist_.items().data()), answer);
}

std::optional<Answer> CycleData::answer(std::size_t department, std::size_t item) const {
  const std::uint8_t a = answers_.at(department * checklist_.size() + item);
  if (!a) return std::nullopt;
  return Answer(a - 1);
}

std::size_t CycleData::answered() const noexcept {
  return std::size_t(std::count_if(answers_.begin(), answers_.end(), [](std::uint8_t a) { return a != 0; }));
}

bool CycleData::applies(std::size_t department, std::size_t item) const {
  return libaudit::applies(checklist_.items().at(item).applies_to, departments_.at(department));
}

bool CycleData::in_scope(std::size_t department, std::size_t item) const {
  const Item& it = checklist_.items().at(item);
  return in_audience(it, cycle_.kind) && answers_item(it, cycle_, departments_.at(department).code);
}

bool CycleData::body_level(std::size_t item) const { return libaudit::body_level(checklist_.items().at(item), cycle_); }

std::optional<std::size_t> CycleData::secretariat() const {
  if (cycle_.secretariat.empty()) return std::nullopt;
  for (std::size_t d = 0; d < departments_.size(); ++d)
    if (departments_[d].code == cycle_.secretariat) return d;
  return std::nullopt;
}

Counts& Counts::operator+=(const Counts& o) noexcept {
  pairs += o.pairs;
  not_applicable += o.not_applicable;
  excepted += o.excepted;
  unanswered += o.unanswered;
  implemented += o.implemented;
  partial += o.partial;
  not_implemented += o.not_implemented;
  unknown += o.unknown;
  return *this;
}

namespace {
constexpr EnumName<GroupBy> kGroupings[] = {{GroupBy::department, "department"},
                                            {GroupBy::parent, "parent"},
                                            {GroupBy::chapter, "chapter"},
                                            {GroupBy::section, "section"},
                                            {GroupBy::role, "role"},
                                            {GroupBy::tier, "tier"},
                                            {GroupBy::item, "item"},
                                            {GroupBy::body, "body"}};
}  // namespace

std::string_view to_string(GroupBy g) noexcept { return name_of(kGroupings, g, "?"); }

GroupBy parse_group_by(std::string_view s) {
  if (const auto g = value_of(kGroupings, s)) return *g;
  throw NotFoundError(
      message("unknown grouping '{grouping}': one of department, parent, chapter, section, role, tier, "
              "item, body",
              fmt::arg("grouping", s)));
}

std::vector<double> deviations(std::span<const double> scores) {
  const Distribution d = distribution_of(scores);
  std::vector<double> out;
  out.reserve(scores.size());
  for (double x : scores)
    out.push_back(std::isnan(x) ? kNoScore : (d.n >= 2 && d.sd > 0 ? 50 + 10 * (x - d.mean) / d.sd : 50.0));
  return out;
}

Distribution distribution_of(std::span<const double> scores) {
  std::vector<double> v;
  for (double x : scores)
    if (!std::isnan(x)) v.push_back(x);
  Distribution d;
  d.n = v.size();
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  d.mean = sum / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - d.mean) * (x - d.mean);
  d.sd = std::sqrt(ss / double(v.size()));
  d.min = v.front();
  d.max = v.back();
  const std::size_t m = v.size() / 2;
  d.median = v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  return d;
}

// ---- The engine --------------------------------------------------------------------------

namespace detail {

// Which of a 課's items add_department counts.
enum class Block {
  department,  // the department items: a 課's own figure (課, 部, matrix rows and cells)
  body,        // the body-level items (全庁共通事項): the secretariat's answers for the body
  all,         // both: the body's pooled figures (body, chapter, section, role, tier, item)
};

// Everything an analysis needs, prepared once per call: the model, applicability masks,
// profiles and exceptions as (課 index, item index) keys.
class ScoringEngine {
 public:
  ScoringEngine(const CycleData& data, const ScoreOptions& options)
      : data_(data), options_(options), model_(find_model(options.model)) {
    if (!(options.partial_value >= 0 && options.partial_value <= 1))
      throw ValidationError({Diagnostic{
          "<options>", 1, 1,
          message("partial_value must be between 0 and 1, not {value}", fmt::arg("value", options.partial_value))}});
    const auto& items = data.checklist().items();
    n_items_ = items.size();
    // Items outside the cycle's audience (self-inspection or audit) are not part of the cycle.
    const CycleKind kind = data.cycle().kind;
    for (const Item& it : items) masks_.push_back(in_audience(it, kind) ? applicability_mask(it.applies_to) : 0);
    for (const Item& it : items) in_scope_.push_back(in_audience(it, kind));
    for (const Item& it : items) body_.push_back(libaudit::body_level(it, data.cycle()) && in_audience(it, kind));
    has_body_ = std::any_of(body_.begin(), body_.end(), [](char b) { return b != 0; });
    secretariat_ = data.secretariat();
    for (const ScoredDepartment& d : data.departments()) profiles_.push_back(profile_bits(d));
    if (!options.exceptions.empty()) {
      std::unordered_map<std::string_view, std::size_t> dix;
      for (std::size_t k = 0; k < data.departments().size(); ++k) dix.emplace(data.departments()[k].code, k);
      for (const auto& [code, item] : options.exceptions) {
        const auto d = dix.find(code);
        const Item* it = data.checklist().find_item(item);
        if (d == dix.end() || !it) continue;
        excepted_.insert(std::uint64_t(d->second) * n_items_ + std::size_t(it - items.data()));
      }
    }
  }

  std::size_t items() const noexcept { return n_items_; }
  const ScoringModel& model() const noexcept { return *model_; }
  // Whether the cycle has body-level items in its audience (a 全庁共通事項 block).
  bool has_body_level() const noexcept { return has_body_; }
  const std::optional<std::size_t>& secretariat() const noexcept { return secretariat_; }

  // Adds 課 d's pairs to per-item counts: its department items, its body-level items (only the
  // secretariat has any), or both (docs/scoring.md, "Body-level items").
  void add_department(std::size_t d, std::span<Counts> out, Block block = Block::all) const {
    const unsigned p = profiles_[d];
    const std::uint8_t* a = answers_row(d);
    const bool any_exceptions = !excepted_.empty();
    const bool take_body = block != Block::department && secretariat_ == d;
    const bool take_department = block != Block::body;
    for (std::size_t i = 0; i < n_items_; ++i) {
      if (!in_scope_[i] || !(body_[i] ? take_body : take_department)) continue;
      Counts& c = out[i];
      ++c.pairs;
      const std::uint8_t x = a[i];
      if (!((masks_[i] >> p) & 1u) || x == 1 + int(Answer::not_applicable)) {
        ++c.not_applicable;
        continue;
      }
      if (any_exceptions && excepted_.count(std::uint64_t(d) * n_items_ + i)) {
        ++c.excepted;
        continue;
      }
      switch (x) {
        case 0: ++c.unanswered; break;
        case 1 + int(Answer::implemented): ++c.implemented; break;
        case 1 + int(Answer::partial): ++c.partial; break;
        case 1 + int(Answer::not_implemented): ++c.not_implemented; break;
        default: ++c.unknown; break;
      }
    }
  }

  // A group's score from per-item counts restricted to `members` (item indices; empty
  // optional: every item).
  GroupScore score(std::span<const Counts> per_item, const std::vector<std::size_t>* members,
                   std::vector<Counts>& scratch) const {
    GroupScore g;
    std::span<const Counts> in = per_item;
    if (members) {
      scratch.assign(n_items_, Counts{});
      for (std::size_t i : *members) scratch[i] = per_item[i];
      in = scratch;
    }
    for (const Counts& c : in) g.counts += c;
    const ModelScore m = model_->score(data_.checklist(), in, options_);
    g.score = g.counts.answered() ? m.score : kNoScore;
    g.maximum = m.maximum;
    g.band = std::isnan(g.score) ? std::string() : m.band;
    return g;
  }

 private:
  const std::uint8_t* answers_row(std::size_t d) const { return data_.answers_.data() + d * n_items_; }

  const CycleData& data_;
  const ScoreOptions& options_;
  std::shared_ptr<const ScoringModel> model_;
  std::size_t n_items_ = 0;
  std::vector<std::uint32_t> masks_;
  std::vector<char> in_scope_;
  std::vector<char> body_;  // a body-level item of this cycle, in its audience
  bool has_body_ = false;
  std::optional<std::size_t> secretariat_;
  std::vector<unsigned> profiles_;
  std::unordered_set<std::uint64_t> excepted_;
};

}  // namespace detail

namespace {

using Engine = detail::ScoringEngine;

// Item groups (chapter, section, role, tier, item): key, name, parent, member items.
struct ItemGroup {
  std::string key, name, parent;
  std::vector<std::size_t> items;
};

void collect_sections(const Checklist& c, const Section& s, const std::string& chapter, std::vector<ItemGroup>& out,
                      std::vector<std::size_t>& into) {
  const std::size_t at = out.size();
  out.push_back({s.id, s.title, chapter, {}});
  std::vector<std::size_t> mine(s.items.begin(), s.items.end());
  for (const Section& sub : s.sections) collect_sections(c, sub, chapter, out, mine);
  std::sort(mine.begin(), mine.end());
  out[at].items = mine;
  into.insert(into.end(), mine.begin(), mine.end());
}

std::vector<ItemGroup> item_groups(const CycleData& data, GroupBy by) {
  const Checklist& c = data.checklist();
  const auto& items = c.items();
  std::vector<ItemGroup> out;
  switch (by) {
    case GroupBy::chapter:
    case GroupBy::section: {
      for (const Section& ch : c.sections()) {
        std::vector<std::size_t> all;
        if (by == GroupBy::section) {
          collect_sections(c, ch, ch.id, out, all);
        } else {
          std::vector<ItemGroup> tmp;
          collect_sections(c, ch, ch.id, tmp, all);
          std::sort(all.begin(), all.end());
          out.push_back({ch.id, ch.title, "", all});
        }
      }
      if (by == GroupBy::section)
        for (ItemGroup& g : out)
          if (g.parent == g.key) g.parent.clear();  // a chapter has no parent chapter
      break;
    }
    case GroupBy::role: {
      std::vector<std::string> order;
      for (const RoleDefinition& r : c.roles()) order.push_back(r.id);
      std::map<std::string, std::vector<std::size_t>> members;
      for (std::size_t i = 0; i < items.size(); ++i)
        for (const std::string& r : items[i].roles) {
          members[r].push_back(i);
          if (std::find(order.begin(), order.end(), r) == order.end()) order.push_back(r);
        }
      for (const std::string& r : order) {
        auto it = members.find(r);
        if (it == members.end()) continue;
        std::string label = r;
        for (const RoleDefinition& d : c.roles())
          if (d.id == r) label = d.label;
        if (label == r)
          if (const Term* t = find_role(r)) label = std::string(t->label);
        out.push_back({r, label, "", it->second});
      }
      break;
    }
    case GroupBy::tier: {
      for (const Term& t : tiers()) {
        ItemGroup g{std::string(t.id), c.tier_name(t.id), "", {}};
        for (std::size_t i = 0; i < items.size(); ++i) {
          const auto& ts = items[i].applies_to.tiers;
          if (std::find(ts.begin(), ts.end(), t.id) != ts.end()) g.items.push_back(i);
        }
        if (!g.items.empty()) out.push_back(std::move(g));
      }
      ItemGroup common{"common", "共通", "", {}};
      for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].applies_to.tiers.empty()) common.items.push_back(i);
      if (!common.items.empty()) out.push_back(std::move(common));
      break;
    }
    case GroupBy::item:
      for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back({items[i].id, items[i].question, c.chapter_of(items[i]).id, {i}});
      break;
    default: break;
  }
  return out;
}

// The 全庁共通事項 row over `members` (nullptr: every item): the secretariat's body-level pairs;
// nullopt when the cycle has no body-level item.
std::optional<GroupScore> body_level_score(const Engine& e, const std::vector<std::size_t>* members,
                                           std::vector<Counts>& scratch) {
  if (!e.has_body_level()) return std::nullopt;
  std::vector<Counts> per_item(e.items());
  if (e.secretariat()) e.add_department(*e.secretariat(), per_item, detail::Block::body);
  GroupScore g = e.score(per_item, members, scratch);
  g.group = kBodyLevelGroup;
  g.name = label_of(Vocabulary::respondent, "body");
  return g;
}

void finish(ScoreTable& t) {
  std::vector<double> xs;
  for (const GroupScore& g : t.rows) xs.push_back(g.score);
  t.distribution = distribution_of(xs);
  const std::vector<double> dev = deviations(xs);
  for (std::size_t i = 0; i < t.rows.size(); ++i) t.rows[i].deviation = dev[i];
}

}  // namespace

ScoreTable score(const CycleData& data, GroupBy by, const ScoreOptions& options) {
  const Engine e(data, options);
  ScoreTable t;
  t.cycle = data.cycle().id;
  t.model = std::string(e.model().name());
  t.by = by;
  const auto& depts = data.departments();
  std::vector<Counts> per_item(e.items()), scratch;
  switch (by) {
    case GroupBy::department:
      for (std::size_t d = 0; d < depts.size(); ++d) {
        std::fill(per_item.begin(), per_item.end(), Counts{});
        e.add_department(d, per_item, detail::Block::department);
        GroupScore g = e.score(per_item, nullptr, scratch);
        g.group = depts[d].code;
        g.name = depts[d].name;
        g.parent = depts[d].parent_code;
        t.rows.push_back(std::move(g));
      }
      break;
    case GroupBy::parent: {
      std::map<std::string, std::vector<std::size_t>> parents;  // ordered by code
      for (std::size_t d = 0; d < depts.size(); ++d) parents[depts[d].parent_code].push_back(d);
      for (const auto& [code, members] : parents) {
        std::fill(per_item.begin(), per_item.end(), Counts{});
        for (std::size_t d : members) e.add_department(d, per_item, detail::Block::department);  // pooled
        GroupScore g = e.score(per_item, nullptr, scratch);
        g.group = code;
        g.name = depts[members.front()].parent_name;
        t.rows.push_back(std::move(g));
      }
      break;
    }
    case GroupBy::body: {
      for (std::size_t d = 0; d < depts.size(); ++d) e.add_department(d, per_item);
      GroupScore g = e.score(per_item, nullptr, scratch);
      g.group = data.body();
      g.name = data.body();
      t.rows.push_back(std::move(g));
      break;
    }
    default: {
      for (std::size_t d = 0; d < depts.size(); ++d) e.add_department(d, per_item);
      for (ItemGroup& ig : item_groups(data, by)) {
        GroupScore g = e.score(per_item, &ig.items, scratch);
        if (g.counts.pairs == 0) continue;  // none of its items is in this cycle's audience
        g.group = std::move(ig.key);
        g.name = std::move(ig.name);
        g.parent = std::move(ig.parent);
        t.rows.push_back(std::move(g));
      }
      break;
    }
  }
  finish(t);
  t.body_level = body_level_score(e, nullptr, scratch);
  return t;
}

ScoreMatrix score_matrix(const CycleData& data, const ScoreOptions& options) {
  const Engine e(data, options);
  ScoreMatrix m;
  m.cycle = data.cycle().id;
  m.model = std::string(e.model().name());
  const std::vector<ItemGroup> chapters = item_groups(data, GroupBy::chapter);
  const auto& depts = data.departments();
  std::vector<Counts> per_item(e.items()), body(e.items()), scratch;
  m.rows.reserve(depts.size());
  m.cells.reserve(depts.size());
  for (std::size_t d = 0; d < depts.size(); ++d) {
    std::fill(per_item.begin(), per_item.end(), Counts{});
    e.add_department(d, per_item, detail::Block::department);
    for (std::size_t i = 0; i < per_item.size(); ++i) body[i] += per_item[i];
    GroupScore row = e.score(per_item, nullptr, scratch);
    row.group = depts[d].code;
    row.name = depts[d].name;
    row.parent = depts[d].parent_code;
    std::vector<GroupScore> cells;
    cells.reserve(chapters.size());
    for (const ItemGroup& ch : chapters) {
      GroupScore c = e.score(per_item, &ch.items, scratch);
      c.group = ch.key;
      c.name = ch.name;
      c.parent = depts[d].code;
      cells.push_back(std::move(c));
    }
    m.rows.push_back(std::move(row));
    m.cells.push_back(std::move(cells));
  }
  if (e.secretariat()) e.add_department(*e.secretariat(), body, detail::Block::body);  // once, in the columns
  for (const ItemGroup& ch : chapters) {
    GroupScore c = e.score(body, &ch.items, scratch);
    c.group = ch.key;
    c.name = ch.name;
    m.columns.push_back(std::move(c));
  }
  m.body_level = body_level_score(e, nullptr, scratch);
  if (m.body_level)
    for (const ItemGroup& ch : chapters) {
      GroupScore c = *body_level_score(e, &ch.items, scratch);
      c.group = ch.key;
      c.name = ch.name;
      c.parent = std::string(kBodyLevelGroup);
      m.body_level_cells.push_back(std::move(c));
    }
  return m;
}

std::vector<GroupScore> weakest_items(const CycleData& data, std::size_t n, const ScoreOptions& options) {
  ScoreTable t = score(data, GroupBy::item, options);
  std::vector<GroupScore> rows;
  for (GroupScore& g : t.rows)
    if (!std::isnan(g.score)) rows.push_back(std::move(g));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const GroupScore& a, const GroupScore& b) { return a.score < b.score; });
  if (rows.size() > n) rows.resize(n);
  return rows;
}

Comparison compare(const CycleData& before, const CycleData& after, GroupBy by, const ScoreOptions& options) {
  return compare(before, options, after, options, by);
}

Comparison compare(const CycleAt& before, const CycleAt& after, GroupBy by) {
  return compare(before.data, before.options, after.data, after.options, by);
}

Comparison compare(const CycleData& before, const ScoreOptions& before_options, const CycleData& after,
                   const ScoreOptions& after_options, GroupBy by) {
  if (before_options.model != after_options.model)
    throw ValidationError(
        {Diagnostic{"<compare>", 1, 1,
                    message("the two cycles compared must be scored with the same model ({before} and {after})",
                            fmt::arg("before", before_options.model), fmt::arg("after", after_options.model))}});
  const ScoreOptions& options = after_options;
  Comparison c;
  c.before_cycle = before.cycle().id;
  c.after_cycle = after.cycle().id;
  c.before_year = before.cycle().fiscal_year;
  c.after_year = after.cycle().fiscal_year;
  c.by = by;
  ScoreTable a = score(before, by, before_options);
  ScoreTable b = score(after, by, options);
  c.model = b.model;
  std::unordered_map<std::string, std::size_t> in_a;
  for (std::size_t k = 0; k < a.rows.size(); ++k) in_a.emplace(a.rows[k].group, k);
  std::vector<bool> matched(a.rows.size(), false);
  for (GroupScore& g : b.rows) {
    ScoreChange ch;
    ch.group = g.group;
    ch.name = g.name;
    if (auto it = in_a.find(g.group); it != in_a.end()) {
      matched[it->second] = true;
      ch.before = a.rows[it->second];
      if (!std::isnan(g.score) && !std::isnan(ch.before->score)) ch.change = g.score - ch.before->score;
    }
    ch.after = std::move(g);
    c.rows.push_back(std::move(ch));
  }
  for (std::size_t k = 0; k < a.rows.size(); ++k)
    if (!matched[k]) c.rows.push_back({a.rows[k].group, a.rows[k].name, a.rows[k], std::nullopt, kNoScore});
  if (a.body_level || b.body_level) {
    ScoreChange ch{std::string(kBodyLevelGroup), std::string(label_of(Vocabulary::respondent, "body")), a.body_level,
                   b.body_level, kNoScore};
    if (ch.before && ch.after && !std::isnan(ch.before->score) && !std::isnan(ch.after->score))
      ch.change = ch.after->score - ch.before->score;
    c.body_level = std::move(ch);
  }

  std::unordered_set<std::string> ia, ib;
  for (const Item& it : before.checklist().items()) ia.insert(it.id);
  for (const Item& it : after.checklist().items()) ib.insert(it.id);
  for (const Item& it : after.checklist().items())
    if (!ia.count(it.id)) c.items_added.push_back(it.id);
  for (const Item& it : before.checklist().items())
    if (!ib.count(it.id)) c.items_removed.push_back(it.id);
  std::unordered_set<std::string> da, db;
  for (const auto& d : before.departments()) da.insert(d.code);
  for (const auto& d : after.departments()) db.insert(d.code);
  for (const auto& d : after.departments())
    if (!da.count(d.code)) c.departments_added.push_back(d.code);
  for (const auto& d : before.departments())
    if (!db.count(d.code)) c.departments_removed.push_back(d.code);
  return c;
}

}  // namespace libaudit
