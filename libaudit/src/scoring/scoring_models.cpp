// The built-in scoring models and the model registry. Formulas and worked examples are in
// docs/scoring.md; the XCCDF models follow NISTIR 7275r4 §3.3 as OpenSCAP implements it
// (src/XCCDF/result_scoring.c), with one libaudit result (課, item) per rule result.
#include <algorithm>
#include <mutex>

#include "libaudit/base/messages.h"
#include "libaudit/scoring/scoring.h"

namespace libaudit {

std::string ipa_band(double score) {
  if (std::isnan(score)) return {};
  const double r = std::round(score);
  if (r >= 100) return "100";
  if (r >= 70) return "70-99";
  if (r >= 50) return "50-69";
  return "0-49";
}

namespace {

// 100 × Σ w·points(k) / Σ w·most·answered(k) over the answered items (w the item's weight): the
// share of the most points the answers could have earned. kNoScore when nothing is answered.
template <class Points>
double weighted_percent(const Checklist& c, std::span<const Counts> items, double most, Points points) {
  const auto& it = c.items();
  double num = 0, den = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Counts& k = items[i];
    const std::size_t n = k.answered();
    if (!n) continue;
    const double w = it[i].weight;
    num += w * points(k);
    den += w * most * double(n);
  }
  return den > 0 ? 100.0 * num / den : kNoScore;
}

// 実施率: 100 × Σ w·v / Σ w over answered items, v = 1, p, 0, 0.
class RateModel final : public ScoringModel {
 public:
  std::string_view name() const noexcept override { return "rate"; }
  std::string title() const override { return tr("implementation rate"); }
  std::string_view description() const noexcept override {
    return "実施率: 100 × Σw·v / Σw (v = 1 implemented, p partial, 0 not implemented or unknown)";
  }
  ModelScore score(const Checklist& c, std::span<const Counts> items, const ScoreOptions& o) const override {
    return {
        weighted_percent(c, items, 1.0,
                         [&](const Counts& k) { return double(k.implemented) + o.partial_value * double(k.partial); }),
        100.0,
        {}};
  }
};

// IPA 自社診断: 4 / 2 / 0 / −1 points; 100 × Σ w·pts / (4 Σ w); band by the rounded score.
class IpaModel final : public ScoringModel {
 public:
  std::string_view name() const noexcept override { return "ipa"; }
  std::string title() const override { return tr("IPA points"); }
  std::string_view description() const noexcept override {
    return "IPA 自社診断: 100 × Σw·pts / (4Σw), pts = 4 implemented, 2 partial, 0 not implemented, -1 unknown";
  }
  ModelScore score(const Checklist& c, std::span<const Counts> items, const ScoreOptions&) const override {
    const double s = weighted_percent(c, items, 4.0, [](const Counts& k) {
      return 4.0 * double(k.implemented) + 2.0 * double(k.partial) - double(k.unknown);
    });
    return {s, 100.0, ipa_band(s)};
  }
};

// XCCDF default model (NISTIR 7275r4 Table 40). A rule counts when it has a result other than
// notapplicable / notchecked / notselected: here, when the item has answered, applicable
// results. Its score is 100 for pass, 0 for fail; pooled over several 課 it is the mean of
// its results, 100 × passes / results. A group's score is Σ (child score × child weight) /
// Σ child weight over children that count; sections weigh 1, as XCCDF groups by default.
class XccdfDefaultModel final : public ScoringModel {
 public:
  std::string_view name() const noexcept override { return "xccdf_default"; }
  std::string title() const override { return tr("XCCDF default model"); }
  std::string_view description() const noexcept override {
    return "XCCDF default: weighted mean of rule (100 pass / 0 fail) and group scores, recursively";
  }
  ModelScore score(const Checklist& c, std::span<const Counts> items, const ScoreOptions&) const override {
    // The benchmark is a group whose children are the chapters.
    Node root{0, 0};
    double accumulator = 0;
    add_groups(c, c.sections(), items, root, accumulator);
    if (root.count == 0) return {kNoScore, 100.0, {}};
    if (accumulator != 0) root.score /= accumulator;
    return {root.score, 100.0, {}};
  }

 private:
  static constexpr double kGroupWeight = 1.0;
  struct Node {
    double score;
    int count;
  };
  static Node group(const Checklist& c, const Section& s, std::span<const Counts> items) {
    Node g{0, 0};
    double accumulator = 0;
    for (std::size_t i : s.items) {
      const Counts& k = items[i];
      const std::size_t n = k.answered();
      if (!n) continue;  // no rule result that counts
      const double w = c.items()[i].weight;
      g.score += 100.0 * double(k.implemented) / double(n) * w;  // the rule's weighted score
      ++g.count;
      accumulator += w;
    }
    add_groups(c, s.sections, items, g, accumulator);
    if (g.count && accumulator != 0) g.score /= accumulator;
    return g;
  }
  // Adds the sections that count to g as children of weight kGroupWeight.
  static void add_groups(const Checklist& c, std::span<const Section> sections, std::span<const Counts> items, Node& g,
                         double& accumulator) {
    for (const Section& sub : sections) {
      const Node n = group(c, sub, items);
      if (n.count == 0) continue;
      g.score += n.score * kGroupWeight;
      ++g.count;
      accumulator += kGroupWeight;
    }
  }
};

// XCCDF flat models (Table 41): score = Σ weights of passing results, maximum = Σ weights of
// counted results (rules of weight 0 are skipped). Unweighted: every weight is 1.
// Absolute: 1 when score = maximum of the flat model, else 0.
class XccdfFlatModel final : public ScoringModel {
 public:
  enum class Kind { flat, unweighted, absolute };
  explicit XccdfFlatModel(Kind k) : kind_(k) {}
  std::string_view name() const noexcept override {
    switch (kind_) {
      case Kind::flat: return "xccdf_flat";
      case Kind::unweighted: return "xccdf_flat_unweighted";
      case Kind::absolute: return "xccdf_absolute";
    }
    return "";
  }
  std::string title() const override {
    switch (kind_) {
      case Kind::flat: return tr("XCCDF flat model");
      case Kind::unweighted: return tr("XCCDF flat unweighted model");
      case Kind::absolute: return tr("XCCDF absolute model");
    }
    return std::string(name());
  }
  std::string_view description() const noexcept override {
    switch (kind_) {
      case Kind::flat: return "XCCDF flat: Σw of passing rules, out of Σw of counted rules";
      case Kind::unweighted: return "XCCDF flat unweighted: passing rules, out of counted rules";
      case Kind::absolute: return "XCCDF absolute: 1 when every counted rule passes, else 0";
    }
    return "";
  }
  ModelScore score(const Checklist& c, std::span<const Counts> items, const ScoreOptions&) const override {
    const auto& it = c.items();
    double score = 0, weight = 0;
    bool counted = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Counts& k = items[i];
      const std::size_t n = k.answered();
      if (!n) continue;
      counted = true;
      const double w = kind_ == Kind::unweighted ? 1.0 : it[i].weight;
      if (w == 0) continue;
      score += w * double(k.implemented);
      weight += w * double(n);
    }
    if (!counted) return {kNoScore, kind_ == Kind::absolute ? 1.0 : 0.0, {}};
    if (kind_ == Kind::absolute) return {score == weight ? 1.0 : 0.0, 1.0, {}};
    return {score, weight, {}};
  }

 private:
  Kind kind_;
};

struct Registry {
  std::mutex mu;
  std::vector<std::shared_ptr<const ScoringModel>> models;
  Registry() {
    models.push_back(std::make_shared<RateModel>());
    models.push_back(std::make_shared<IpaModel>());
    models.push_back(std::make_shared<XccdfDefaultModel>());
    models.push_back(std::make_shared<XccdfFlatModel>(XccdfFlatModel::Kind::flat));
    models.push_back(std::make_shared<XccdfFlatModel>(XccdfFlatModel::Kind::unweighted));
    models.push_back(std::make_shared<XccdfFlatModel>(XccdfFlatModel::Kind::absolute));
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_model(std::shared_ptr<const ScoringModel> model) {
  if (!model || model->name().empty())
    throw ValidationError({Diagnostic{"<model>", 1, 1, tr("a scoring model needs a name")}});
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  for (const auto& m : r.models)
    if (m->name() == model->name())
      throw ValidationError({Diagnostic{
          "<model>", 1, 1,
          message("a scoring model named '{model}' is already registered", fmt::arg("model", model->name()))}});
  r.models.push_back(std::move(model));
}

std::shared_ptr<const ScoringModel> find_model(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  for (const auto& m : r.models)
    if (m->name() == name) return m;
  std::string known;
  for (const auto& m : r.models) known += (known.empty() ? "" : ", ") + std::string(m->name());
  throw NotFoundError(
      message("unknown scoring model '{model}': one of {models}", fmt::arg("model", name), fmt::arg("models", known)));
}

std::vector<std::string> model_names() {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  std::vector<std::string> out;
  for (const auto& m : r.models) out.emplace_back(m->name());
  return out;
}

std::string model_title(std::string_view name) { return find_model(name)->title(); }

}  // namespace libaudit
