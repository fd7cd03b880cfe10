// Shared by the C++ tests: a temporary store file, and the seed documents (the five source
// policies, which live outside the repository). Header-only; nothing here is thread-safe or
// needs to be. Failures are Boost.Test failures of the calling test case.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace libaudit::testing {

// A database file in the temporary directory, named for the test and this process (so that
// two test runs on one machine do not share it), removed with its WAL before and after.
struct TempDb {
  std::filesystem::path path;
  explicit TempDb(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "." + std::to_string(::getpid()))) {
    clean();
  }
  ~TempDb() { clean(); }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  void clean() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    std::filesystem::remove_all(path.string() + ".evidence");  // evidence files (store/evidence.h)
  }
  // Runs SQL on the file through a connection of its own, as someone with the sqlite3 shell would.
  void exec(const std::string& sql) const {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, msg);
  }
};

// The seed documents are found at $LIBAUDIT_SEEDS, else at <repo>/../shared/seeds.
// A test case that reads them carries
//     * boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)
// and tests/cpp/CMakeLists.txt runs its executable twice: once without the "seeds" cases and
// once with only them (CTest reports the second "Skipped" when the precondition prints its
// reason). Contract: with LIBAUDIT_SEEDS unset and the default folder absent the cases are
// skipped; with LIBAUDIT_SEEDS set they always run, so a missing folder or file fails them.
inline bool seeds_from_environment() {
  const char* env = std::getenv("LIBAUDIT_SEEDS");
  return env != nullptr && *env != '\0';
}

inline std::filesystem::path seeds_dir() {
  if (seeds_from_environment()) return std::getenv("LIBAUDIT_SEEDS");
  return std::filesystem::path(LIBAUDIT_SOURCE_DIR).parent_path() / "shared" / "seeds";
}

// A Boost.Test precondition. The line it prints is what CTest's SKIP_REGULAR_EXPRESSION
// ("seeds: skipped:") matches; keep the two in step.
inline boost::test_tools::assertion_result seeds_available(boost::unit_test::test_unit_id) {
  if (seeds_from_environment() || std::filesystem::is_directory(seeds_dir())) return true;
  const std::string reason = "seeds: skipped: " + seeds_dir().string() + " not found (set LIBAUDIT_SEEDS)";
  std::cout << reason << std::endl;
  boost::test_tools::assertion_result result(false);
  result.message() << reason;
  return result;
}

// The whole of seed document `name`; fails the calling test case when it cannot be read.
inline std::string read_seed(const std::string& name) {
  const std::filesystem::path path = seeds_dir() / name;
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "seed " << path.string() << " cannot be read (LIBAUDIT_SEEDS="
                                        << (seeds_from_environment() ? std::getenv("LIBAUDIT_SEEDS") : "unset") << ")");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace libaudit::testing
