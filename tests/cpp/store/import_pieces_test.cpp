// Responses imported in pieces: the same stored rows and a trail that verifies, as one import of
// the same rows; and each piece's check against the stored rows reads only the rows of its own
// range (docs/performance.md, "Import in pieces").
#define BOOST_TEST_MODULE import_pieces
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "import_world.h"
#include "libaudit/store/store.h"
#include "store/import.h"
#include "store/sqlite.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;

namespace {

constexpr int kItems = 12;

std::string code(int k) { return testing::import_code(k); }
std::int64_t setup(Store& s, int n) { return testing::import_world(s, n, kItems); }

const char* const kAnswers[] = {"implemented", "partial", "not_implemented", "not_applicable", "unknown"};

ResponseRow row(int dept, int item, int version = 0) {
  return {code(dept),
          "8." + std::to_string(item),
          kAnswers[(dept + item + version) % 5],
          version ? "改訂" + std::to_string(version) : "",
          "",
          "課長",
          "2024-06-01T09:00:00+09:00"};
}

using Stored = std::tuple<std::string, std::string, Answer, std::string, std::string, std::string, std::string>;
std::vector<Stored> stored(const Store& s, std::int64_t cycle) {
  std::vector<Stored> out;
  for (const Response& r : s.responses(cycle))
    out.emplace_back(r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at);
  return out;
}

// SQLite virtual-machine steps that `fn` runs on `db` (a progress handler called on every step).
template <class Fn>
long long vm_steps(sql::Db& db, Fn fn) {
  long long n = 0;
  sqlite3_progress_handler(
      db.handle(), 1,
      [](void* p) {
        ++*static_cast<long long*>(p);
        return 0;
      },
      &n);
  fn();
  sqlite3_progress_handler(db.handle(), 0, nullptr, nullptr);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pieces_store_what_one_import_stores) {
  constexpr int kDepts = 30;
  std::vector<ResponseRow> all;
  for (int d = 0; d < kDepts; ++d)
    for (int i = 1; i <= kItems; ++i) all.push_back(row(d, i));
  // The pieces: whole 課 (10 at a time), then every 課's items in runs of 4 (each piece reaching
  // into every 課 already stored), then a piece that changes some stored rows and repeats others.
  std::vector<std::vector<ResponseRow>> pieces;
  for (int first = 0; first < 20; first += 10) {
    pieces.emplace_back();
    for (int d = first; d < first + 10; ++d)
      for (int i = 1; i <= kItems; ++i) pieces.back().push_back(row(d, i));
  }
  for (int first = 1; first <= kItems; first += 4) {
    pieces.emplace_back();
    for (int d = 20; d < kDepts; ++d)
      for (int i = first; i < first + 4; ++i) pieces.back().push_back(row(d, i));
  }
  std::vector<ResponseRow> changes;
  for (int d = 0; d < kDepts; d += 3)
    for (int i = 2; i <= kItems; i += 5) changes.push_back(row(d, i, (d + i) % 2 ? 1 : 0));  // half changed

  Store one = Store::open(":memory:");
  const auto c1 = setup(one, kDepts);
  BOOST_TEST(one.import_responses("t", c1, all).inserted == all.size());
  const ImportResult r1 = one.import_responses("t", c1, changes);

  Store many = Store::open(":memory:");
  const auto c2 = setup(many, kDepts);
  std::size_t inserted = 0;
  for (const auto& p : pieces) {
    const ImportResult r = many.import_responses("t", c2, p);
    BOOST_TEST(r.updated == 0u);
    BOOST_TEST(r.unchanged == 0u);
    inserted += r.inserted;
  }
  BOOST_TEST(inserted == all.size());
  const ImportResult r2 = many.import_responses("t", c2, changes);
  BOOST_TEST(r2.inserted == 0u);
  BOOST_TEST(r2.updated == r1.updated);
  BOOST_TEST(r2.unchanged == r1.unchanged);
  BOOST_TEST(r2.updated > 0u);
  BOOST_TEST(r2.unchanged > 0u);

  BOOST_TEST(stored(one, c1) == stored(many, c2));
  BOOST_TEST(one.verify().ok());
  BOOST_TEST(many.verify().ok());
  // The changes again: nothing changes, nothing is written.
  BOOST_TEST(many.import_responses("t", c2, changes).unchanged == changes.size());
  BOOST_TEST(many.verify().ok());
  BOOST_TEST(stored(one, c1) == stored(many, c2));
}

BOOST_AUTO_TEST_CASE(a_piece_reads_only_the_stored_rows_of_its_range) {
  TempDb db("libaudit_import_pieces_range.db");
  constexpr int kDepts = 200;
  std::int64_t cycle = 0;
  {
    Store s = Store::open(db.path);
    cycle = setup(s, kDepts);
    std::vector<ResponseRow> stored_rows;  // every 課 but the last one answered
    for (int d = 0; d + 1 < kDepts; ++d)
      for (int i = 1; i <= kItems; ++i) stored_rows.push_back(row(d, i));
    s.import_responses("t", cycle, stored_rows);
  }
  sql::Db conn(db.path.string(), sql::OpenMode::write, 1000);
  const detail::ImportContext ctx = detail::load_import_context(conn, cycle);
  auto steps_for = [&](const std::vector<ResponseRowView>& rows) {
    const detail::CleanRows clean = detail::validate_responses(ctx, rows, "r");
    std::vector<detail::RowChange> change;
    const long long n = vm_steps(conn, [&] { change = detail::classify_responses(conn, ctx, clean, rows); });
    return std::pair{n, change};
  };
  // Two rows of the last 課 (new) and two of the first one (one the same, one changed): the
  // 2,388 stored rows between them are not read.
  const std::string last = code(kDepts - 1), first = code(0);
  const std::string same = kAnswers[(0 + 3) % 5], other = kAnswers[(0 + 4 + 1) % 5];
  const std::vector<ResponseRowView> rows = {{last, "8.3", "partial", "", "", "", "", 1},
                                             {last, "8.4", "partial", "", "", "", "", 2},
                                             {first, "8.3", same, "", "", "", "", 3},
                                             {first, "8.4", other, "", "", "", "", 4}};
  const auto [steps, change] = steps_for(rows);
  BOOST_TEST((change == std::vector<detail::RowChange>{detail::RowChange::same, detail::RowChange::update,
                                                       detail::RowChange::insert, detail::RowChange::insert}));
  // Reading the stored rows of the cycle up to the last 課 takes more than ten steps a row; the
  // check of four rows in two 課 takes a few dozen steps a row.
  BOOST_TEST_MESSAGE("classifying 4 rows took " << steps << " SQLite steps");
  BOOST_TEST(steps < 400, "classifying 4 rows took " << steps << " SQLite steps");
}

BOOST_AUTO_TEST_CASE(one_departments_responses_are_its_range) {
  Store s = Store::open(":memory:");
  const auto cycle = setup(s, 3);
  std::vector<ResponseRow> rows;
  for (int d = 0; d < 3; ++d)
    for (int i = kItems; i >= 1; --i) rows.push_back(row(d, i, d));
  s.import_responses("t", cycle, rows);
  const std::vector<Response> one = s.responses(cycle, code(1));
  BOOST_REQUIRE(one.size() == std::size_t(kItems));
  std::vector<Stored> want, got;
  for (const Response& r : s.responses(cycle))  // the whole cycle's, filtered
    if (r.department == code(1))
      want.emplace_back(r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at);
  for (const Response& r : one) {
    BOOST_TEST(r.cycle == cycle);
    got.emplace_back(r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at);
  }
  BOOST_TEST((got == want));  // ordered by item, as the whole cycle's are within a 課
  BOOST_TEST(s.responses(cycle, "K9999").empty());
  BOOST_TEST(s.responses(cycle, "B").empty());  // the 部: known, answers nothing
  BOOST_CHECK_THROW(s.responses(cycle + 1, code(1)), NotFoundError);
}
