// Alignment of a body's checklist (a shipped one, a `checklist new` result or an extracted draft)
// with the model checklist (標準点検表), and the coverage that follows: which of the model's
// measures the body's standard lacks. The algorithm, its signals, weights and thresholds are in
// docs/alignment.md; the constants below are the ones it names.
//
// align() is a pure function of its arguments: it keeps no state, allocates everything it returns
// and may run on any number of threads at once. Errors: ValidationError when `model` is not a model
// checklist (kind: model) or `checklist` is one.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "libaudit/checklist/checklist.h"

namespace libaudit {

// A derived mapping at or above this confidence counts: the item implements that measure.
inline constexpr double kAlignThreshold = 0.30;
// Further candidates are accepted beside the best one when at or above the threshold and within
// this fraction of the best one's confidence (an item may implement two measures).
inline constexpr double kAlignSecondRatio = 0.90;

struct AlignOptions {
  // Take an item's stated `model:` as given (evidence "stated in the checklist", confidence 1).
  // false: derive every mapping from the texts, as for a draft.
  bool use_stated = true;
  double threshold = kAlignThreshold;
  std::size_t candidates = 3;  // candidates kept per item (best first)
  // Coverage only: the body's network model (alpha, alpha_prime, beta, beta_prime; empty: every
  // measure counts) and whether it runs its own server room (nullopt: every measure counts).
  // A model measure whose applies_to excludes the body is left out of the totals.
  std::string network_model;
  int server_room = -1;  // -1 unknown, 0 no, 1 yes
};

// One candidate model item for a checklist item, with its evidence.
struct AlignCandidate {
  std::string model_item;            // the model item's id, e.g. "M-6.2.3"
  double confidence = 0;             // [0, 1]
  bool stated = false;               // the item's own `model:` names it (the signals below are then 0)
  bool cited = false;                // the model item's `sources` cite the checklist's document at this clause
  double text = 0;                   // TF-IDF cosine of the character bigrams of text + question, [0, 1]
  double section = 0;                // bigram cosine of the section titles (item's vs model's), [0, 1]
  double roles = 0;                  // Jaccard of the role sets, [0, 1]
  std::vector<std::string> phrases;  // the longest phrases both texts share, longest first (≤ 3)
};

struct ItemAlignment {
  std::string item;                        // the checklist item's id
  std::string clause;                      // its clause reference
  std::string section;                     // the title of the section that holds it
  std::vector<AlignCandidate> candidates;  // best first
  // The model items the item implements: its stated ones (use_stated), else the accepted
  // candidates (threshold, kAlignSecondRatio). Empty: no measure of the model.
  std::vector<std::string> mapped;
  bool stated = false;  // `mapped` is the item's own `model:`
};

struct ChapterCoverage {
  std::string id;  // the model chapter's id, "M-6"
  std::string clause;
  std::string title;                 // 技術的セキュリティ
  std::size_t total = 0;             // measures of the chapter that apply to the body
  std::size_t covered = 0;           // of which some item implements
  std::vector<std::string> missing;  // model item ids no item implements, in model order
};

struct Alignment {
  std::vector<ItemAlignment> items;       // one per checklist item, in document order
  std::vector<ChapterCoverage> chapters;  // one per model chapter, in model order
  std::size_t total = 0;                  // applicable measures
  std::size_t covered = 0;                // of which covered
  double threshold = kAlignThreshold;     // the threshold used
};

// Maps every item of `checklist` to the items of `model` and computes the coverage.
Alignment align(const Checklist& checklist, const Checklist& model, const AlignOptions& options = {});

// True when `c` is a model checklist (kind: model).
bool is_model_checklist(const Checklist& c) noexcept;

}  // namespace libaudit
