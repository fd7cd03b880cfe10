// Closing a cycle publishes it (docs/scoring.md, "Publication"). The close and its results are
// one transaction and two trail records: the cycle's close, then a "publication" record holding
// every registered model's scores by body, 部, 課 and chapter as computed at the close
// (CycleAt), and the trail head it was computed at (the close record's seq and hash). A closed
// cycle may be reopened, with a reason, by the chief auditor or the CISO, to take a late 課;
// closing it again publishes the next edition (第2版, …), which lists what changed.
//
// Publications is a light facade over a Store: it borrows it (the Store must outlive it) and
// shares its thread-safety (none). Built from a const Store it is read-only. Errors:
// CycleStateError (closing a cycle that is not open, reopening one that is not closed),
// RoleError (reopening without the role), NotFoundError (unknown cycle or person),
// ValidationError (an empty reason), StoreError (read-only, or the database). A failed call
// changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/scoring/scoring.h"
#include "libaudit/store/store.h"

namespace libaudit {

struct Publication {
  std::int64_t cycle = 0;
  int edition = 1;  // 第N版: 1 at the first close, one more at each close after a reopening
  std::string closed_by, closed_at;
  TrailPoint close;   // the record that closed the cycle: the point this edition is computed at
  TrailPoint record;  // the publication record itself: the anchor its reports print
  // Canonical JSON. results: {"models":{"<model>":{"body":[…],"parent":[…],"department":[…],
  // "chapter":[…]}}}, each row {"group","name","score","maximum","band","counts":{…}} (score
  // null when nothing is scored); a cycle with body-level items also "body_level":[…] (its one
  // 全庁共通事項 row, ScoreTable::body_level). changes: {} for edition 1; later {"reopening":{…},
  // "late_answers":[[課, item, before, after], …], "exceptions":[[課, item], …] (those that count
  // now and did not at the previous close), "scores":[{"by","group","name","before","after"}]}
  // (rate model; by: body or department, whose score moved).
  std::string results, changes;
};

struct Reopening {
  std::int64_t cycle = 0;
  int number = 1;  // 1 for the first reopening of the cycle
  std::string reason, by, at;
};

class Publications {
 public:
  explicit Publications(Store& store) : store_(store) {}
  explicit Publications(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // Closes an open cycle and publishes its results (above). `by` is the actor, as for every
  // write. Returns the new edition.
  Publication close(std::string_view by, std::int64_t cycle);
  // Reopens a closed cycle: `by` must be a person of the register holding chief_auditor or
  // ciso, `reason` is recorded in the trail with them.
  Reopening reopen(std::string_view by, std::int64_t cycle, std::string_view reason);

  std::vector<Publication> list(std::int64_t cycle) const;  // editions, oldest first
  std::optional<Publication> latest(std::int64_t cycle) const;
  std::vector<Reopening> reopenings(std::int64_t cycle) const;  // oldest first

 private:
  Store& writable() const;
  Store& store_;
  bool read_only_ = false;
};

}  // namespace libaudit
