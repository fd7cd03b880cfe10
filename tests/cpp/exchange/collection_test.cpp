// 回収状況 (collection.h): exports recorded with their trail record and checked by verify, a
// tampered export row found, returns read from the trail's questionnaire sources, lateness
// against the 回答期限, and what a bad record or an unknown cycle leaves (nothing).
#define BOOST_TEST_MODULE collection
#include "libaudit/exchange/collection.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "exchange/exchange_world.h"
#include "store/sqlite.h"
#include "test_support.h"

using namespace libaudit;
using namespace libaudit::exchange;
using libaudit::testing::kActor;
using libaudit::testing::TempDb;

namespace {

const std::string kYaml =
    testing::kOperationsChecklistHead + testing::monitoring_item("7.1") + testing::training_item("7.2");

const std::string kSha(64, 'a');

struct Fixture {
  TempDb db{"collection_test"};
  Store store = Store::open(db.path);
  std::int64_t cycle = 0;
  Fixture() {
    testing::put_departments(store, {"佐藤 花子", "鈴木 一郎", "田中 三郎"});
    const std::int64_t cl = store.import_checklist(kActor, Checklist::from_yaml(kYaml, "t.yaml"));
    cycle = store.create_cycle(kActor, {"令和6年度 自己点検", CycleKind::self_inspection, 2024, cl, {}});
    store.open_cycle(kActor, cycle);
  }
  ExportRecord sent(const std::string& dept, const std::string& deadline) {
    return Exports(store).record("渡辺", {cycle, dept, 0, dept + ".xlsx", "xlsx", deadline, kSha, 0, {}, {}});
  }
  void returned(const std::string& dept, const std::string& by) {
    ImportOptions o;
    o.trail_source = "questionnaires: " + dept + ".xlsx sha256:" + kSha + " [" + dept + "]";
    store.import_responses(by, cycle, {ResponseRow{dept, "7.1", "実施している", "", "", "", "", 1}}, o);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(exports_are_recorded_and_verified, Fixture) {
  const ExportRecord e = sent("101", "2099-12-31");
  BOOST_TEST(e.number == 1);
  BOOST_TEST(e.by == "渡辺");
  BOOST_TEST(sent("101", "2099-12-31").number == 2);
  BOOST_TEST(Exports(store).list(cycle).size() == 2u);
  BOOST_TEST(store.trail().back().entity == "questionnaire_export");
  BOOST_TEST(store.verify().ok());
  {
    sql::Db raw(db.path.string(), sql::OpenMode::write, 1000);
    raw.exec("UPDATE questionnaire_exports SET file = 'x.xlsx' WHERE number = 1");
  }
  const VerifyReport r = store.verify();
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.problems.front().table == "questionnaire_exports");
}

BOOST_FIXTURE_TEST_CASE(a_bad_export_record_writes_nothing, Fixture) {
  const std::size_t n = store.trail().size();
  BOOST_CHECK_THROW(sent("999", ""), ValidationError);            // not a target
  BOOST_CHECK_THROW(sent("101", "2025-06-31"), ValidationError);  // not a day
  BOOST_CHECK_THROW(Exports(store).record("渡辺", {cycle + 9, "101", 0, "a.csv", "csv", "", kSha, 0, {}, {}}),
                    NotFoundError);
  BOOST_TEST(store.trail().size() == n);
  BOOST_TEST(Exports(store).list(cycle).empty());
  BOOST_CHECK_THROW(collection_status(store, cycle + 9), NotFoundError);
}

BOOST_FIXTURE_TEST_CASE(status_of_each_department, Fixture) {
  sent("101", "2099-12-31");
  sent("102", "2000-01-31");
  returned("101", "佐藤 花子");
  CollectionStatus s = collection_status(store, cycle);
  BOOST_REQUIRE(s.rows.size() == 3u);
  BOOST_TEST(to_string(s.rows[0].status) == "returned");
  BOOST_TEST(s.rows[0].returned_by == "佐藤 花子");
  BOOST_TEST(s.rows[0].returned_file == "101.xlsx");
  BOOST_TEST(s.rows[0].answered == 1u);
  BOOST_TEST(s.rows[0].blank == 1u);
  BOOST_TEST(s.rows[0].changed == 1u);
  BOOST_TEST(to_string(s.rows[1].status) == "overdue");
  BOOST_TEST(s.rows[1].late);
  BOOST_TEST(to_string(s.rows[2].status) == "not_sent");
  BOOST_TEST(s.rows[2].security_manager == "田中 三郎");
  BOOST_TEST(s.to_remind().size() == 2u);
  returned("102", "鈴木 一郎");
  s = collection_status(store, cycle);
  BOOST_TEST(to_string(s.rows[1].status) == "returned_late");
  BOOST_TEST(s.totals.returned == 2u);
  BOOST_TEST(s.totals.late == 1u);
  BOOST_TEST(to_string(Collection::returned_late) == "returned_late");
  // A plain import (no questionnaire source) is not a return.
  store.import_responses(kActor, cycle, {ResponseRow{"103", "7.1", "実施している", "", "", "", "", 1}});
  BOOST_TEST(!collection_status(store, cycle).rows[2].returned);
}

BOOST_FIXTURE_TEST_CASE(a_closed_cycle_is_read_at_its_close, Fixture) {
  sent("101", "2000-01-31");
  store.close_cycle(kActor, cycle);
  const CollectionStatus s = collection_status(store, cycle, Date{2099, 1, 1});
  BOOST_TEST(s.as_of.to_string() == today_japan().to_string());
  BOOST_TEST(to_string(s.rows[0].status) == "overdue");
  BOOST_CHECK_THROW(sent("102", ""), CycleStateError);
}
