// Shared by the C++ tests of verify's rule replay: a trail record forged as someone holding the
// database file could write it, continuing the chain (its hash SHA-256(prev_hash || record_json),
// as TrailChain::seal computes it) so that only the broken rule can give it away. Header-only;
// failures are Boost.Test failures of the calling test case.
#pragma once

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>

#include "store/store_internal.h"
#include "test_support.h"

namespace libaudit::testing {

// Appends the record through a connection of its own and then runs `sql` (a table change to go
// with it; empty: none) on the same connection; returns the record's seq.
inline std::int64_t forge_record(const TempDb& db, const std::string& actor, const std::string& entity,
                                 const std::string& key, const std::string& action, const std::string& state,
                                 const std::string& at, const std::string& sql = {}) {
  sqlite3* c = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.path.c_str(), &c) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(c, "SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1", -1, &s, nullptr);
  BOOST_REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const std::int64_t seq = sqlite3_column_int64(s, 0) + 1;
  const std::string prev(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  sqlite3_finalize(s);
  std::string record;
  detail::record_json(record, seq, at, actor, entity, key, action, state);
  detail::Sha256 sha;
  const std::string hash = sha.hex_of(prev + record);
  sqlite3_prepare_v2(c,
                     "INSERT INTO trail(seq, at, actor, entity, key, action, state, state_size, prev_hash, hash) "
                     "VALUES (?,?,?,?,?,?,?,0,?,?)",
                     -1, &s, nullptr);
  const std::string values[] = {at, actor, entity, key, action, state, prev, hash};
  sqlite3_bind_int64(s, 1, seq);
  for (int i = 0; i < 8; ++i) sqlite3_bind_text(s, i + 2, values[i].c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  const int sql_rc = sql.empty() ? SQLITE_OK : sqlite3_exec(c, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(c);
  BOOST_REQUIRE(rc == SQLITE_DONE);
  BOOST_REQUIRE(sql_rc == SQLITE_OK);
  return seq;
}

}  // namespace libaudit::testing
