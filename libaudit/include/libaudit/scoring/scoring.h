// Scoring and analysis of a cycle's responses (docs/scoring.md): implementation rates (実施率),
// IPA 自社診断 points and the four XCCDF 1.2 scoring models, per 課, 部, chapter, section, role,
// tier, item and for the whole body; a 課 × chapter matrix; distribution statistics with
// 偏差値; year-on-year comparison.
//
// Data flows one way: the store knows nothing of scoring. CycleData::load reads a cycle once
// through the Store's public API (Store::scan_responses for the answers); every analysis then
// runs on that immutable snapshot. CycleData and the result types are plain values: a
// CycleData may be read from any number of threads at once. Models are registered in one
// process-wide, thread-safe registry.
//
// Errors: NotFoundError (unknown cycle, model or group-by name), ValidationError (bad options,
// e.g. a partial value outside [0, 1]).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libaudit/base/error.h"
#include "libaudit/checklist/checklist.h"
#include "libaudit/store/applicability.h"
#include "libaudit/store/store.h"

namespace libaudit {

inline constexpr double kNoScore = std::numeric_limits<double>::quiet_NaN();

// ---- Input -------------------------------------------------------------------------------

// What applicability needs to know of a 課 (applicability.h, shared with findings and the
// questionnaire export).
using ScoredDepartment = DepartmentProfile;

// One cycle, read once: its checklist, its target 課 and every answer, as a dense 課 × item
// matrix. Copies share nothing; build one per cycle and reuse it for every analysis.
namespace detail {
class ScoringEngine;
}

class CycleData {
 public:
  // Reads the cycle from the store (Store::cycle, departments, systems, load_checklist,
  // scan_responses). Throws NotFoundError for an unknown cycle.
  static CycleData load(const Store& store, std::int64_t cycle);
  // The cycle, its checklist and its 課 as they stand now, with no answer read (all
  // unanswered): for what needs the organisation alone (the questionnaires), at a cost that does
  // not grow with the answers stored. NotFoundError for an unknown cycle.
  static CycleData organisation(const Store& store, std::int64_t cycle);
  // The same as the store stood at `point`: the organisation (departments, systems:
  // applicability; Store::departments_at) and the answers (one written after the point counts
  // as it was then, or unanswered; Store::responses_written_after, response_history).
  static CycleData load(const Store& store, std::int64_t cycle, const TrailPoint& point);

  // For tests and other sources: no answers yet (all unanswered).
  CycleData(Cycle cycle, std::string body, Checklist checklist, std::vector<ScoredDepartment> departments);

  // Records (or replaces) an answer; indices as departments() and checklist().items().
  void set_answer(std::size_t department, std::size_t item, Answer answer);
  void set_answer(std::string_view department_code, std::string_view item_id, Answer answer);  // NotFoundError
  std::optional<Answer> answer(std::size_t department, std::size_t item) const;

  const Cycle& cycle() const noexcept { return cycle_; }
  const std::string& body() const noexcept { return body_; }
  const Checklist& checklist() const noexcept { return checklist_; }
  const std::vector<ScoredDepartment>& departments() const noexcept { return departments_; }
  std::size_t answered() const noexcept;  // responses held (of any answer)

  // The applicability rule, without answers or exceptions: false when the item's applies_to
  // excludes the 課 (docs/scoring.md, "Applicability").
  bool applies(std::size_t department, std::size_t item) const;
  // Whether the item is part of this 課's cycle at all: in the cycle's audience and answered by
  // the 課 (a body-level item only by the secretariat: applicability.h, answers_item).
  bool in_scope(std::size_t department, std::size_t item) const;
  // Whether the item is one of the cycle's body-level items (全庁共通事項; applicability.h).
  bool body_level(std::size_t item) const;
  // The index of the cycle's secretariat 課 in departments(); nullopt when it has none.
  std::optional<std::size_t> secretariat() const;

 private:
  Cycle cycle_;
  std::string body_;
  Checklist checklist_;
  std::vector<ScoredDepartment> departments_;
  std::vector<std::uint8_t> answers_;  // departments × items; 0 = none, else 1 + int(Answer)
  friend class detail::ScoringEngine;  // reads answers_ a row at a time
};

// ---- Options and counts ------------------------------------------------------------------

struct ScoreOptions {
  std::string model = "rate";  // a registered model's name
  double partial_value = 0.5;  // rate: the value of 一部実施 (partial), in [0, 1]
  // The seam for exceptions (例外措置): (課 code, item id) pairs covered by an approved,
  // unexpired exception. They are counted as excepted and left out of every score. Unknown
  // codes or ids are ignored.
  std::set<std::pair<std::string, std::string>> exceptions;
};

// (課, item) pairs of a group, by what became of them. Every pair is exactly one of
// not_applicable (applies_to excludes it, or answered 該当しない), excepted, unanswered, or
// answered (implemented + partial + not_implemented + unknown).
struct Counts {
  std::size_t pairs = 0;
  std::size_t not_applicable = 0;
  std::size_t excepted = 0;
  std::size_t unanswered = 0;
  std::size_t implemented = 0;
  std::size_t partial = 0;
  std::size_t not_implemented = 0;
  std::size_t unknown = 0;

  std::size_t answered() const noexcept { return implemented + partial + not_implemented + unknown; }
  std::size_t applicable() const noexcept { return answered() + unanswered; }
  // 回答率 in percent: answered / applicable; NaN when nothing applies.
  double response_rate() const noexcept {
    return applicable() ? 100.0 * double(answered()) / double(applicable()) : kNoScore;
  }
  Counts& operator+=(const Counts& o) noexcept;
  bool operator==(const Counts&) const = default;
};

// A cycle read by the as-of rule (docs/scoring.md, "As of"): at Store::cycle_point (a closed
// cycle at its close, another at `as_of_utc`, default now), with the organisation as it stood
// then and `options` plus the exceptions that count for it then (Exceptions::for_scoring).
// The one way score, compare and every report read a cycle, so that they give one figure.
struct CycleAt {
  TrailPoint point;
  CycleData data;
  ScoreOptions options;
  // NotFoundError for an unknown cycle.
  static CycleAt load(const Store& store, std::int64_t cycle, const ScoreOptions& options = {},
                      std::optional<std::string> as_of_utc = {});
};

// ---- Models ------------------------------------------------------------------------------

struct ModelScore {
  double score = kNoScore;    // NaN when nothing in the group is scored
  double maximum = kNoScore;  // the model's best possible score for this group
  std::string band;           // a label for the score, or empty (ipa: "100", "70-99", …)
};

// A scoring model: a pure function of one group's per-item counts. `items` has one entry per
// checklist item (Checklist::items() order); items outside the group have all-zero counts.
// Implementations must be thread-safe (score() is const and may run concurrently).
class ScoringModel {
 public:
  virtual ~ScoringModel() = default;
  virtual std::string_view name() const noexcept = 0;
  virtual std::string_view description() const noexcept = 0;
  // The model's name as a person reads it, in the language of the catalogue in use (rate:
  // 実施率); a body's own model that gives none is shown by its name().
  virtual std::string title() const { return std::string(name()); }
  virtual ModelScore score(const Checklist& checklist, std::span<const Counts> items,
                           const ScoreOptions& options) const = 0;
};

// The registry. Built in: rate, ipa, xccdf_default, xccdf_flat, xccdf_flat_unweighted,
// xccdf_absolute. register_model adds a body's own (ValidationError if the name is taken).
void register_model(std::shared_ptr<const ScoringModel> model);
std::shared_ptr<const ScoringModel> find_model(std::string_view name);  // NotFoundError
std::vector<std::string> model_names();                                 // registration order
std::string model_title(std::string_view name);                         // find_model(name)->title()

// The IPA band of a score (by its rounded value): "100", "70-99", "50-69", "0-49".
std::string ipa_band(double score);

// ---- Results -----------------------------------------------------------------------------

enum class GroupBy { department, parent, chapter, section, role, tier, item, body };
std::string_view to_string(GroupBy g) noexcept;
GroupBy parse_group_by(std::string_view s);  // NotFoundError

// The key of the 全庁共通事項 row (ScoreTable::body_level); its name is the respondent
// vocabulary's label of "body" (vocabulary.h).
inline constexpr std::string_view kBodyLevelGroup = "body_level";

struct GroupScore {
  std::string group;   // key: 課/部 code, section or item id, role or tier id, body name
  std::string name;    // for people: 課 name, section title, role label, question, …
  std::string parent;  // 課: its 部 code; section, item: its chapter id; otherwise empty
  double score = kNoScore;
  double maximum = kNoScore;
  std::string band;
  Counts counts;
  double deviation = kNoScore;  // 偏差値 among the table's rows: 50 + 10 (x − mean) / sd
};

// Over the rows that have a score. sd is the population standard deviation.
struct Distribution {
  std::size_t n = 0;
  double mean = kNoScore, sd = kNoScore, min = kNoScore, median = kNoScore, max = kNoScore;
};
Distribution distribution_of(std::span<const double> scores);  // NaNs are skipped

struct ScoreTable {
  std::int64_t cycle = 0;
  std::string model;
  GroupBy by = GroupBy::department;
  std::vector<GroupScore> rows;  // in the group's natural order (codes, document order)
  Distribution distribution;
  // 全庁共通事項 (docs/scoring.md, "Body-level items"): the cycle's body-level items as its
  // secretariat answered them, once for the body, in every table; absent when the cycle has
  // none. A 課 or 部 row leaves them out; a body, chapter, section, role, tier or item row
  // counts them once.
  std::optional<GroupScore> body_level;
};

// Rows: the cycle's 課; columns: the checklist's chapters; cells[r][c] is 課 r on chapter c.
struct ScoreMatrix {
  std::int64_t cycle = 0;
  std::string model;
  std::vector<GroupScore> rows;     // per 課 over the whole checklist
  std::vector<GroupScore> columns;  // per chapter over every 課
  std::vector<std::vector<GroupScore>> cells;
  // 全庁共通事項: the body-level items over the whole checklist and per chapter (columns'
  // order); absent, and body_level_cells empty, when the cycle has none. Rows and cells leave
  // them out, columns count them once (as score(…, GroupBy::chapter)).
  std::optional<GroupScore> body_level;
  std::vector<GroupScore> body_level_cells;
};

struct ScoreChange {
  std::string group;
  std::string name;
  std::optional<GroupScore> before;  // absent: the group is only in the later cycle
  std::optional<GroupScore> after;   // absent: only in the earlier cycle
  double change = kNoScore;          // after.score − before.score when both have a score
};

struct Comparison {
  std::int64_t before_cycle = 0, after_cycle = 0;
  int before_year = 0, after_year = 0;
  std::string model;
  GroupBy by = GroupBy::department;
  std::vector<ScoreChange> rows;                        // the later cycle's order, then groups only in the earlier
  std::vector<std::string> items_added, items_removed;  // between checklist versions
  std::vector<std::string> departments_added, departments_removed;  // 課 in one cycle only
  // The 全庁共通事項 rows (ScoreTable::body_level) of the two cycles; absent when neither has one.
  std::optional<ScoreChange> body_level;
};

// ---- Analyses ----------------------------------------------------------------------------

ScoreTable score(const CycleData& data, GroupBy by, const ScoreOptions& options = {});
ScoreMatrix score_matrix(const CycleData& data, const ScoreOptions& options = {});
// The n items with the lowest score across the body (ties: document order); unscored items last
// are left out.
std::vector<GroupScore> weakest_items(const CycleData& data, std::size_t n, const ScoreOptions& options = {});
// Groups matched by key (item id, 課 code, chapter id, …) between two cycles, each scored with
// its own options (its exceptions: CycleAt); ValidationError when the models differ.
Comparison compare(const CycleData& before, const ScoreOptions& before_options, const CycleData& after,
                   const ScoreOptions& after_options, GroupBy by);
Comparison compare(const CycleAt& before, const CycleAt& after, GroupBy by);
// Both cycles with the same options (no exceptions of their own).
Comparison compare(const CycleData& before, const CycleData& after, GroupBy by, const ScoreOptions& options = {});

}  // namespace libaudit
