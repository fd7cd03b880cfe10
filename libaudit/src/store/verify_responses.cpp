// verify's check of the responses table (verify.h, check_responses): the "responses" batch
// records streamed into compact expectations, key range by key range within a fixed budget,
// each range sorted and merged with the table's primary-key order.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "libaudit/base/messages.h"
#include "store/batch_reader.h"
#include "store/verify.h"

namespace libaudit::detail::verify {

namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using Dictionary = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;

// What the trail says one responses row is (40 bytes).
struct Entry {
  std::int64_t cycle, department;  // departments.id (a code the table lacks: near INT64_MAX)
  std::uint32_t item, index;       // item: its id in Items, then its rank in the pass
  std::int64_t seq;
  std::uint64_t digest;
};

struct Point {
  std::int64_t cycle, department;
  bool operator<(const Point& o) const { return cycle != o.cycle ? cycle < o.cycle : department < o.department; }
  bool operator<=(const Point& o) const { return !(o < *this); }
};
constexpr Point kLowest{INT64_MIN, INT64_MIN}, kHighest{INT64_MAX, INT64_MAX};

class Departments {
 public:
  explicit Departments(sql::Db& db) {
    sql::Stmt s = db.prepare("SELECT id, code FROM departments");
    while (s.step()) {
      id_of_.emplace(s.str(1), s.i64(0));
      code_of_.emplace(s.i64(0), s.str(1));
    }
  }
  std::int64_t id(std::string_view code) {
    if (auto it = id_of_.find(code); it != id_of_.end()) return it->second;
    const std::int64_t id = INT64_MAX - std::int64_t(1 + unknown_++);
    id_of_.emplace(std::string(code), id);
    code_of_.emplace(id, std::string(code));
    return id;
  }
  // The code of a departments.id; empty for one the table lacks (as the row reader's LEFT JOIN).
  std::string_view code(std::int64_t id) const {
    const auto it = code_of_.find(id);
    return it == code_of_.end() ? std::string_view() : std::string_view(it->second);
  }

 private:
  Dictionary id_of_;
  std::unordered_map<std::int64_t, std::string> code_of_;
  std::size_t unknown_ = 0;
};

class Items {
 public:
  std::uint32_t id(std::string_view item) {
    if (auto it = id_of_.find(item); it != id_of_.end()) return std::uint32_t(it->second);
    id_of_.emplace(std::string(item), std::int64_t(names_.size()));
    names_.emplace_back(item);
    return std::uint32_t(names_.size() - 1);
  }
  // Ranks in byte order (SQLite's BINARY collation): rank[id], and the names by rank.
  void rank(std::vector<std::uint32_t>& rank_of, std::vector<std::string_view>& by_rank) const {
    std::vector<std::uint32_t> order(names_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
    rank_of.assign(order.size(), 0);
    by_rank.clear();
    for (std::uint32_t r = 0; r < order.size(); ++r) {
      rank_of[order[r]] = r;
      by_rank.emplace_back(names_[order[r]]);
    }
  }

 private:
  Dictionary id_of_;
  std::deque<std::string> names_;
};

// A batch record of the trail: its seq and the cycle its key names (nullopt: not a number).
struct BatchRecord {
  std::int64_t seq;
  std::optional<std::int64_t> cycle;
  std::string key;
};

std::vector<BatchRecord> batch_records(sql::Db& db, std::int64_t after) {
  std::vector<BatchRecord> out;
  sql::Stmt s =
      db.prepare("SELECT seq, key FROM trail WHERE entity = 'responses' AND action = 'batch' AND seq > ? ORDER BY seq");
  s.bind(1, after);
  while (s.step()) {
    BatchRecord& r = out.emplace_back(BatchRecord{s.i64(0), std::nullopt, s.str(1)});
    char* end = nullptr;
    const long long c = std::strtoll(r.key.c_str(), &end, 10);
    if (!r.key.empty() && end && *end == '\0' && std::to_string(c) == r.key) r.cycle = c;
  }
  return out;
}

// The key ranges, each holding at most about `budget` responses (a cycle's 課 answer at most its
// checklist's items each): their starts and how many each may hold.
struct Range {
  Point start;
  std::size_t most;
};

std::vector<Range> ranges(sql::Db& db, std::size_t budget) {
  std::vector<Range> out{{kLowest, 0}};
  sql::Stmt s = db.prepare(
      "SELECT cd.cycle, cd.department, (SELECT count(*) FROM items i WHERE i.checklist = c.checklist) "
      "FROM cycle_departments cd JOIN cycles c ON c.id = cd.cycle ORDER BY cd.cycle, cd.department");
  while (s.step()) {
    const auto n = std::size_t(std::max<std::int64_t>(s.i64(2), 1));
    if (out.back().most && out.back().most + n > budget) out.push_back({{s.i64(0), s.i64(1)}, 0});
    out.back().most += n;
  }
  return out;
}

class ResponseMerge {
 public:
  ResponseMerge(sql::Db& db, std::size_t budget, ResponseCheck& out)
      : db_(db), departments_(db), budget_(std::max<std::size_t>(budget, 1)), out_(out) {}

  // Room for `n` entries at once (the vector then does not double past the budget).
  void reserve(std::size_t n) { entries_.reserve(std::min(n, 2 * budget_)); }
  void collect(const std::vector<BatchRecord>& records, Point lo, Point hi);
  void finish_collect();
  void merge_range(Point lo, Point hi);
  void merge_units();

 private:
  void compact();
  std::string key_of(const Entry& e) const {
    return response_key(e.cycle, departments_.code(e.department), by_rank_[e.item]);
  }
  void missing(const Entry& e) { out_.missing.emplace_back(e.seq, key_of(e)); }
  // <0, 0, >0: the entry against a row (cycle, department, item).
  int compare(const Entry& e, std::int64_t cycle, std::int64_t department, std::string_view item) const {
    if (e.cycle != cycle) return e.cycle < cycle ? -1 : 1;
    if (e.department != department) return e.department < department ? -1 : 1;
    const int c = by_rank_[e.item].compare(item);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  void check_row(const sql::Stmt& s, const Entry& e);
  void inserted(std::int64_t cycle, std::int64_t department, std::string_view item);

  sql::Db& db_;
  Departments departments_;
  Items items_;
  FieldDigest digest_;
  BatchReader reader_;
  std::size_t budget_;
  ResponseCheck& out_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> rank_of_;
  std::vector<std::string_view> by_rank_;
  std::string state_;
};

void ResponseMerge::collect(const std::vector<BatchRecord>& records, Point lo, Point hi) {
  sql::Stmt s = db_.prepare("SELECT state, state_size FROM trail WHERE seq = ?");
  for (const BatchRecord& r : records) {
    if (r.cycle && (*r.cycle < lo.cycle || *r.cycle > hi.cycle)) continue;
    s.bind(1, r.seq);
    const bool read = s.step() && stored_state(s, 0, state_);
    s.reset();
    if (!read) {
      out_.unreadable[r.key] = r.seq;  // replay_chain reports the record
      continue;
    }
    reader_.read(state_);  // a malformed batch: replay_chain reports it; its rows before that count
    if (!reader_.has_cycle || reader_.cycle < lo.cycle || reader_.cycle > hi.cycle) continue;
    std::uint32_t index = 0;
    for (const BatchRow& row : reader_.rows) {
      const Point p{reader_.cycle, departments_.id(row.department)};
      if (lo <= p && p < hi)
        entries_.push_back(Entry{p.cycle, p.department, items_.id(row.item), index, r.seq,
                                 digest_(row.answer, row.comment, row.evidence, row.answered_by, row.answered_at)});
      ++index;
    }
    if (entries_.size() >= 2 * budget_) compact();
  }
}

// Sorted by key, then by record: the last write of each key is the last of its run.
void ResponseMerge::compact() {
  auto before = [](const Entry& a, const Entry& b) {
    if (a.cycle != b.cycle) return a.cycle < b.cycle;
    if (a.department != b.department) return a.department < b.department;
    if (a.item != b.item) return a.item < b.item;
    return a.seq != b.seq ? a.seq < b.seq : a.index < b.index;
  };
  std::sort(entries_.begin(), entries_.end(), before);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const bool last = i + 1 == entries_.size() || entries_[i + 1].cycle != entries_[i].cycle ||
                      entries_[i + 1].department != entries_[i].department || entries_[i + 1].item != entries_[i].item;
    if (last) entries_[kept++] = entries_[i];
  }
  entries_.resize(kept);
}

void ResponseMerge::finish_collect() {
  items_.rank(rank_of_, by_rank_);
  for (Entry& e : entries_) e.item = rank_of_[e.item];
  compact();
}

void ResponseMerge::inserted(std::int64_t cycle, std::int64_t department, std::string_view item) {
  const std::string key = response_key(cycle, departments_.code(department), item);
  out_.problems.push_back({"responses", key, "inserted", response_unrecorded_detail(out_.unreadable, key)});
}

void ResponseMerge::check_row(const sql::Stmt& s, const Entry& e) {
  if (digest_(s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)) == e.digest) return;
  const std::string row = response_state_json(s.text(3), s.text(4), s.text(5), s.text(6), s.text(7));
  out_.problems.push_back({"responses", key_of(e), "altered",
                           message("{differences} (last trail record {seq})",
                                   fmt::arg("differences", diff_states(response_trail_state(db_, e.seq, e.index), row)),
                                   fmt::arg("seq", e.seq))});
}

// Every row of [lo, hi) in primary-key order against the sorted entries.
void ResponseMerge::merge_range(Point lo, Point hi) {
  sql::Stmt s = db_.prepare(
      "SELECT cycle, department, item_id, answer, comment, evidence, answered_by, answered_at FROM responses "
      "WHERE (cycle, department) >= (?1, ?2) AND (cycle, department) < (?3, ?4) "
      "ORDER BY cycle, department, item_id");
  s.bind_all(lo.cycle, lo.department, hi.cycle, hi.department);
  std::size_t e = 0;
  while (s.step()) {
    ++out_.rows;
    const std::int64_t cycle = s.i64(0), department = s.i64(1);
    const std::string_view item = s.text(2);
    int c = 1;
    while (e < entries_.size() && (c = compare(entries_[e], cycle, department, item)) < 0) missing(entries_[e++]);
    if (e < entries_.size() && c == 0) {
      check_row(s, entries_[e++]);
    } else {
      inserted(cycle, department, item);
    }
  }
  for (; e < entries_.size(); ++e) missing(entries_[e]);
  entries_.clear();
}

// Each entry against its row: the rows of each (cycle, 課) the entries name, in key order (rows no
// entry names are passed over).
void ResponseMerge::merge_units() {
  sql::Stmt s = db_.prepare(
      "SELECT cycle, department, item_id, answer, comment, evidence, answered_by, answered_at FROM responses "
      "WHERE cycle = ? AND department = ? ORDER BY item_id");
  std::size_t e = 0;
  while (e < entries_.size()) {
    const std::int64_t cycle = entries_[e].cycle, department = entries_[e].department;
    s.bind(1, cycle).bind(2, department);
    while (e < entries_.size() && entries_[e].cycle == cycle && entries_[e].department == department && s.step()) {
      const std::string_view item = s.text(2);
      int c = 0;
      while (e < entries_.size() && (c = compare(entries_[e], cycle, department, item)) < 0) missing(entries_[e++]);
      if (e < entries_.size() && c == 0) {
        ++out_.rows;
        check_row(s, entries_[e++]);
      }
    }
    s.reset();
    for (; e < entries_.size() && entries_[e].cycle == cycle && entries_[e].department == department; ++e)
      missing(entries_[e]);
  }
  entries_.clear();
}

}  // namespace

std::size_t verify_budget() {
  if (const char* v = std::getenv("LIBAUDIT_VERIFY_BUDGET")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end && *end == '\0' && n > 0) return std::size_t(n);
  }
  return kVerifyBudget;
}

ResponseCheck check_responses(sql::Db& db, std::size_t budget, std::int64_t after) {
  ResponseCheck out;
  ResponseMerge merge(db, budget, out);
  const std::vector<BatchRecord> records = batch_records(db, after);
  if (after > 0) {  // only the keys written after `after`, each against its row
    merge.collect(records, kLowest, kHighest);
    merge.finish_collect();
    merge.merge_units();
    out.passes = 1;
  } else {
    const std::vector<Range> all = ranges(db, std::max<std::size_t>(budget, 1));
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Point hi = i + 1 < all.size() ? all[i + 1].start : kHighest;
      merge.reserve(all[i].most);
      merge.collect(records, all[i].start, hi);
      merge.finish_collect();
      merge.merge_range(all[i].start, hi);
      ++out.passes;
    }
  }
  std::sort(out.missing.begin(), out.missing.end());
  return out;
}

}  // namespace libaudit::detail::verify
