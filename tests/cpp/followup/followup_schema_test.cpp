// The follow-up stage's schema component (followup/schema.cpp) with the store's: both
// registered whenever the stage is linked, a new store at their versions, the legacy global
// versions 1, 2 and 3 migrating to the same tables and columns and verifying, and verify()
// clean over the follow-up tables it reports unchecked when the stage is not linked
// (tests/cpp/store/store_schema_test.cpp).
#define BOOST_TEST_MODULE followup_schema
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "libaudit/followup/findings.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;

namespace {

// "table.column type" for every column of every table, in order.
std::vector<std::string> columns(const TempDb& db) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.path.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(h,
                                   "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || "
                                   "coalesce(p.dflt_value, '') FROM sqlite_schema m, pragma_table_info(m.name) p "
                                   "WHERE m.type = 'table' ORDER BY m.name, p.cid",
                                   -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// A store with a row in each follow-up table's neighbourhood: departments, a person.
void fill(Store& s) {
  s.import_departments("t", {{Department{"11", "総務課", "", "", ""}, 2}});
  People(s).put("t", {"監査A", "11", {"auditor"}});
}

const std::map<std::string, int> kVersions = {{"evidence", 1}, {"followup", 1}, {"store", 4}};

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_store_has_both_components_and_verifies_clean) {
  TempDb db("libaudit_followup_schema_new.db");
  Store s = Store::open(db.path);
  fill(s);
  BOOST_TEST(s.schema_version() == kStoreSchemaVersion);
  BOOST_TEST(s.schema_versions() == kVersions);
  const VerifyReport r = s.verify();
  BOOST_TEST(r.ok());  // the follow-up tables are owned: nothing unchecked
  for (const Problem& p : r.problems) BOOST_TEST_MESSAGE(p.to_string());
}

BOOST_AUTO_TEST_CASE(legacy_global_versions_migrate_to_the_same_schema) {
  TempDb fresh("libaudit_followup_schema_fresh.db");
  Store::open(fresh.path).close();
  const std::vector<std::string> want = columns(fresh);
  // What each older libaudit wrote, made from a new store by undoing what came after it.
  // (store 3, #14: the trail's mac column and its seal index; store 4, #16: the cycles' secretariat.)
  const std::string no_mac =
      "DROP INDEX trail_seals; DROP INDEX trail_entity; ALTER TABLE trail DROP COLUMN mac; ALTER TABLE cycles DROP "
      "COLUMN secretariat; DROP TABLE evidence; DROP TABLE evidence_settings; ";
  const std::map<int, std::string> undo = {
      {3, "DROP TABLE schema_versions; " + no_mac + "PRAGMA user_version = 3;"},
      {2,
       "DROP TABLE schema_versions; " + no_mac + "ALTER TABLE trail DROP COLUMN state_size; PRAGMA user_version = 2;"},
      {1, "DROP TABLE schema_versions; " + no_mac +
              "ALTER TABLE trail DROP COLUMN state_size; DROP TABLE people; DROP TABLE findings; DROP TABLE "
              "finding_transitions; DROP TABLE check_requests; DROP TABLE exceptions; PRAGMA user_version = 1;"}};
  for (const auto& [version, sql] : undo) {
    BOOST_TEST_CONTEXT("user_version " << version) {
      TempDb db("libaudit_followup_schema_legacy" + std::to_string(version) + ".db");
      {
        Store s = Store::open(db.path);
        s.import_departments("t", {{Department{"11", "総務課", "", "", ""}, 2}});
        if (version > 1) People(s).put("t", {"監査A", "11", {"auditor"}});
      }
      db.exec(sql);
      Store s = Store::open(db.path);
      BOOST_TEST(s.schema_version() == kStoreSchemaVersion);
      BOOST_TEST(s.schema_versions() == kVersions);
      BOOST_TEST(s.verify().ok());
      BOOST_TEST(People(s).list().size() == (version > 1 ? 1u : 0u));
      s.close();
      BOOST_TEST(columns(db) == want, boost::test_tools::per_element());
    }
  }
}
