// Many bodies compared (docs/benchmark.md): each body's implementation rate (実施率, or any
// registered model) overall and per chapter, and its 偏差値 among the bodies, either on the
// national model checklist's items (every answered item counted on the model item(s) it names
// in `model:`) or, without the model, on the one checklist the bodies share.
//
// The scores are the scoring stage's own: a body's per-item counts come from score(…, item)
// of its cycle read by the as-of rule (CycleAt: a closed cycle at its close, the point its
// publication was computed at, so its figures are the published ones), and every rate is the
// registered model's score() over those counts. No second formula.
//
// Plain values: a Benchmark and its inputs may be read from any number of threads. Errors:
// ValidationError (no body; bodies on different checklists without the model; a model
// checklist that is not kind: model; an item naming a model id the model does not have).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libaudit/checklist/checklist.h"
#include "libaudit/scoring/publication.h"
#include "libaudit/scoring/scoring.h"
#include "libaudit/store/store.h"

namespace libaudit {

// One body's cycle, read once from its store.
struct BenchmarkInput {
  std::string body;                        // Store::body() (empty: the store does not name it)
  CycleAt at;                              // the cycle by the as-of rule, with its exceptions
  std::optional<Publication> publication;  // a closed cycle's latest edition, if published
  // Reads cycle `cycle` of `store` (CycleAt::load with `options`, Publications::latest).
  // NotFoundError for an unknown cycle.
  static BenchmarkInput load(const Store& store, std::int64_t cycle, const ScoreOptions& options = {},
                             std::optional<std::string> as_of_utc = {});
};

struct BenchmarkOptions {
  // The model checklist (kind: model) to compare on; null: the bodies' shared checklist.
  const Checklist* model = nullptr;
  // Replace every body's name by a letter and its kind (A市, B町 …; anonymous_labels).
  bool anonymise = false;
  std::string anonymise_key;  // the key of the letters' order (empty allowed; see anonymous_labels)
};

struct BenchmarkChapter {
  std::string id, title;
  Distribution distribution;  // of the bodies' scores on this chapter
};

struct BenchmarkBody {
  std::string label;  // the body's name, or its anonymous label
  std::string kind;   // body_kind(name): 市, 町, 村, 区, 市議会 …, or empty
  std::int64_t cycle = 0;
  std::string cycle_name;  // empty when anonymised (a cycle's name often holds the body's)
  int fiscal_year = 0;
  bool closed = false;
  int edition = 0;  // the publication's 第N版 of a closed cycle; 0: none
  TrailPoint point;
  double score = kNoScore, deviation = kNoScore;
  Counts counts;  // over the compared items (model items: summed as counted, see docs)
  std::vector<double> chapter_scores, chapter_deviations;  // per Benchmark::chapters
  std::size_t items = 0;                                   // the body checklist's items
  std::size_t unmapped_items = 0;                          // of them, naming no model item (left out; with the model)
  std::size_t model_items = 0;  // model items at least one of its items names (with the model)
};

struct Benchmark {
  std::string model;  // the scoring model's name
  bool model_map = false;
  bool anonymised = false;
  std::string checklist_id, checklist_version, checklist_title;  // what the bodies are compared on
  std::vector<BenchmarkChapter> chapters;
  std::vector<BenchmarkBody> bodies;  // in the inputs' order, or by label when anonymised
  Distribution distribution;          // of the bodies' overall scores
};

// 偏差値 of each score among `scores` (population sd): 50 + 10 (x − mean) / sd; NaN for a NaN
// score; 50 for every score when sd = 0 or fewer than two scores exist. The one formula: the
// score tables' GroupScore::deviation (scoring.h) use it too.
std::vector<double> deviations(std::span<const double> scores);

// The comparison (docs/benchmark.md "Counting"). Every input must use the same scoring model.
Benchmark benchmark(const std::vector<BenchmarkInput>& inputs, const BenchmarkOptions& options);

// The kind a body's name ends in: 市議会/町議会/村議会/区議会, 議会, 一部事務組合, 広域連合, 組合,
// 都/道/府/県, 市, 町, 村, 区; empty when none.
std::string body_kind(const std::string& name);

// Anonymous labels for `names`, one per name in the same order: a letter (A … Z, AA, AB …)
// followed by body_kind(name). Letters go to the names in the order of SHA-256(key ‖ 0x00 ‖
// name), so the same key and names give the same labels in every run and format, and the
// order of the input or of the names (五十音, 団体コード) does not show. Whoever knows the key
// and the candidate names can redo the order: keep the key secret to keep it hidden.
std::vector<std::string> anonymous_labels(const std::vector<std::string>& names, const std::string& key);

}  // namespace libaudit
