// Many bodies compared (benchmark.h; docs/benchmark.md).
#include "libaudit/scoring/benchmark.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <span>
#include <string_view>
#include <utility>

#include "libaudit/base/messages.h"

namespace libaudit {

namespace {

// A problem with the inputs as a whole (file empty: the message alone).
ValidationError invalid(std::string message) { return ValidationError({Diagnostic{"", 1, 1, std::move(message)}}); }

// The compared items' counts of one body: one entry per item of the checklist compared on.
struct BodyCounts {
  std::vector<Counts> items;
  std::size_t unmapped = 0, covered = 0;
};

// The body's own per-item counts, one per checklist item (score by item: the scoring stage's
// counting; an item outside the cycle's audience has no row, so no counts).
std::vector<Counts> own_counts(const CycleAt& at) {
  const ScoreTable t = score(at.data, GroupBy::item, at.options);
  const Checklist& c = at.data.checklist();
  std::vector<Counts> out(c.items().size());
  for (const GroupScore& g : t.rows)
    if (const Item* it = c.find_item(g.group)) out[std::size_t(it - c.items().data())] = g.counts;
  return out;
}

// Each body item's counts added to every model item it names.
BodyCounts model_counts(const CycleAt& at, const Checklist& model, const std::map<std::string, std::size_t>& index) {
  const std::vector<Counts> own = own_counts(at);
  const auto& items = at.data.checklist().items();
  BodyCounts out;
  out.items.assign(model.items().size(), Counts{});
  std::vector<bool> seen(model.items().size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].model.empty()) {
      ++out.unmapped;
      continue;
    }
    for (const std::string& id : items[i].model) {
      const auto it = index.find(id);
      if (it == index.end())
        throw ValidationError(
            {Diagnostic{at.data.checklist().origin(), items[i].line, 1,
                        message("item '{item}' of checklist '{checklist}' names model item '{model}', which "
                                "the model checklist '{id}' does not have",
                                fmt::arg("item", items[i].id), fmt::arg("checklist", at.data.checklist().id()),
                                fmt::arg("model", id), fmt::arg("id", model.id()))}});
      out.items[it->second] += own[i];
      seen[it->second] = true;
    }
  }
  out.covered = std::size_t(std::count(seen.begin(), seen.end(), true));
  return out;
}

// The model's score of the items in `chapter` (every item when null).
double scored(const ScoringModel& m, const Checklist& c, const std::vector<Counts>& counts, const ScoreOptions& o,
              const Section* chapter) {
  if (!chapter) return m.score(c, counts, o).score;
  std::vector<Counts> part(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (&c.chapter_of(c.items()[i]) == chapter) part[i] = counts[i];
  return m.score(c, part, o).score;
}

const Checklist& compared_on(const std::vector<BenchmarkInput>& inputs, const BenchmarkOptions& options) {
  if (inputs.empty()) throw invalid(tr("benchmark needs at least one body"));
  if (options.model) {
    if (options.model->kind() != ChecklistKind::model)
      throw invalid(
          message("checklist '{id}' is not a model checklist (kind: model)", fmt::arg("id", options.model->id())));
    return *options.model;
  }
  const Checklist& first = inputs.front().at.data.checklist();
  for (const BenchmarkInput& in : inputs) {
    const Checklist& c = in.at.data.checklist();
    if (c.id() != first.id() || c.version() != first.version())
      throw invalid(
          message("the bodies answer different checklists ('{a}' and '{b}'): compare them on "
                  "the model checklist with --model-map",
                  fmt::arg("a", first.id() + "@" + first.version()), fmt::arg("b", c.id() + "@" + c.version())));
  }
  return first;
}

BenchmarkBody body_row(const BenchmarkInput& in) {
  BenchmarkBody b;
  b.label = in.body;
  b.kind = body_kind(in.body);
  b.cycle = in.at.data.cycle().id;
  b.cycle_name = in.at.data.cycle().name;
  b.fiscal_year = in.at.data.cycle().fiscal_year;
  b.closed = in.at.data.cycle().status == CycleStatus::closed;
  b.edition = in.publication ? in.publication->edition : 0;
  b.point = in.at.point;
  b.items = in.at.data.checklist().items().size();
  return b;
}

void anonymise(Benchmark& r, const std::string& key) {
  std::vector<std::string> names;
  for (const BenchmarkBody& b : r.bodies) names.push_back(b.label);
  const std::vector<std::string> labels = anonymous_labels(names, key);
  for (std::size_t i = 0; i < r.bodies.size(); ++i) {
    r.bodies[i].label = labels[i];
    r.bodies[i].cycle_name.clear();
  }
  // A body's own checklist is named after the body: left out (the model's name stays).
  if (!r.model_map) r.checklist_id.clear(), r.checklist_version.clear(), r.checklist_title.clear();
  // The letters' order, so that the rows' order says nothing of the inputs'.
  std::vector<std::size_t> order(r.bodies.size());
  std::iota(order.begin(), order.end(), 0);
  const auto rank = [](const std::string& l) {
    return std::pair(l.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), l);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rank(r.bodies[a].label) < rank(r.bodies[b].label); });
  std::vector<BenchmarkBody> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(r.bodies[i]));
  r.bodies = std::move(sorted);
}

std::string letters(std::size_t n) {  // 0 → A, 25 → Z, 26 → AA …
  std::string s;
  for (++n; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

BenchmarkInput BenchmarkInput::load(const Store& store, std::int64_t cycle, const ScoreOptions& options,
                                    std::optional<std::string> as_of_utc) {
  CycleAt at = CycleAt::load(store, cycle, options, std::move(as_of_utc));
  std::optional<Publication> pub;
  if (at.data.cycle().status == CycleStatus::closed) pub = Publications(store).latest(cycle);
  return {store.body(), std::move(at), std::move(pub)};
}

std::string body_kind(const std::string& name) {
  static const std::array<std::string_view, 15> kinds = {"市議会",       "町議会",   "村議会", "区議会", "議会",
                                                         "一部事務組合", "広域連合", "組合",   "都",     "道",
                                                         "府",           "県",       "市",     "町",     "村"};
  for (std::string_view k : kinds)
    if (ends_with(name, k)) return std::string(k);
  if (ends_with(name, "区")) return "区";
  return {};
}

std::vector<std::string> anonymous_labels(const std::vector<std::string>& names, const std::string& key) {
  std::vector<std::pair<std::string, std::size_t>> keyed;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string data = key;
    data.push_back('\0');
    data += names[i];
    std::array<unsigned char, 32> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
      throw Error(tr("SHA-256 failed"));
    keyed.emplace_back(std::string(md.begin(), md.end()) + names[i], i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out(names.size());
  for (std::size_t k = 0; k < keyed.size(); ++k) out[keyed[k].second] = letters(k) + body_kind(names[keyed[k].second]);
  return out;
}

Benchmark benchmark(const std::vector<BenchmarkInput>& inputs, const BenchmarkOptions& options) {
  const Checklist& c = compared_on(inputs, options);
  const std::string model_name = inputs.front().at.options.model;
  for (const BenchmarkInput& in : inputs)
    if (in.at.options.model != model_name)
      throw invalid(tr("every body of a benchmark must be scored with the same model"));
  const auto model = find_model(model_name);
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < c.items().size(); ++i) index.emplace(c.items()[i].id, i);

  Benchmark r;
  r.model = model_name;
  r.model_map = options.model != nullptr;
  r.checklist_id = c.id();
  r.checklist_version = c.version();
  r.checklist_title = c.title();
  for (const Section& s : c.sections()) r.chapters.push_back({s.id, s.title, {}});
  for (const BenchmarkInput& in : inputs) {
    BenchmarkBody b = body_row(in);
    BodyCounts k = r.model_map ? model_counts(in.at, c, index) : BodyCounts{own_counts(in.at), 0, 0};
    b.unmapped_items = k.unmapped;
    b.model_items = k.covered;
    for (const Counts& n : k.items) b.counts += n;
    b.score = scored(*model, c, k.items, in.at.options, nullptr);
    for (const Section& s : c.sections()) b.chapter_scores.push_back(scored(*model, c, k.items, in.at.options, &s));
    r.bodies.push_back(std::move(b));
  }
  std::vector<double> xs;
  for (const BenchmarkBody& b : r.bodies) xs.push_back(b.score);
  r.distribution = distribution_of(xs);
  const std::vector<double> dev = deviations(xs);
  for (std::size_t i = 0; i < r.bodies.size(); ++i) r.bodies[i].deviation = dev[i];
  for (std::size_t ch = 0; ch < r.chapters.size(); ++ch) {
    std::vector<double> col;
    for (const BenchmarkBody& b : r.bodies) col.push_back(b.chapter_scores[ch]);
    r.chapters[ch].distribution = distribution_of(col);
    const std::vector<double> d = deviations(col);
    for (std::size_t i = 0; i < r.bodies.size(); ++i) r.bodies[i].chapter_deviations.push_back(d[i]);
  }
  r.anonymised = options.anonymise;
  if (options.anonymise) anonymise(r, options.anonymise_key);
  return r;
}

}  // namespace libaudit
