// The message catalogue (messages.h): the built Japanese catalogue read back, placeholders
// reordered, plurals, English without a catalogue, and a file that is not a catalogue refused.
#define BOOST_TEST_MODULE messages
#include "libaudit/base/messages.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "libaudit/base/error.h"

namespace fs = std::filesystem;
using namespace libaudit;

namespace {
struct English {
  ~English() { use_no_catalog(); }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(english_without_a_catalogue, English) {
  use_no_catalog();
  BOOST_TEST(catalog_language() == "");
  BOOST_TEST(tr("invalid input") == "invalid input");
  BOOST_TEST(message_n(" (and {n} more problem)", " (and {n} more problems)", 1) == " (and 1 more problem)");
  BOOST_TEST(message_n(" (and {n} more problem)", " (and {n} more problems)", 3) == " (and 3 more problems)");
}

BOOST_FIXTURE_TEST_CASE(the_built_japanese_catalogue, English) {
  use_catalog(LIBAUDIT_MO_JA);
  BOOST_TEST(catalog_language() == "ja");
  BOOST_TEST(tr("invalid input") == "入力が正しくない");
  BOOST_TEST(message_n(" (and {n} more problem)", " (and {n} more problems)", 3) == "（ほかに 3 件の問題）");
  BOOST_TEST(message("{file}: read error", fmt::arg("file", "a.mo")) == "a.mo: 読み込み中にエラーが起きた");
  // A message the catalogue does not have stays English.
  BOOST_TEST(tr("no such message in any catalogue") == "no such message in any catalogue");
  // The summary of a ValidationError speaks the catalogue's language.
  const ValidationError e({Diagnostic{"f.csv", 2, 1, "x"}, Diagnostic{"f.csv", 3, 1, "y"}});
  BOOST_TEST(std::string(e.what()) == "f.csv:2:1: x（ほかに 1 件の問題）");
}

BOOST_FIXTURE_TEST_CASE(not_a_catalogue_is_refused_and_changes_nothing, English) {
  use_catalog(LIBAUDIT_MO_JA);
  const fs::path bad = fs::temp_directory_path() / "libaudit-messages-test-bad.mo";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "this is not a catalogue at all";
  }
  BOOST_CHECK_THROW(use_catalog(bad), ValidationError);
  BOOST_CHECK_THROW(use_catalog(bad.string() + ".missing"), IoError);
  BOOST_TEST(catalog_language() == "ja");  // still the one in use before
  // A truncated catalogue: the real one cut after its header table.
  {
    std::ifstream in(LIBAUDIT_MO_JA, std::ios::binary);
    std::string bytes(40, '\0');
    in.read(bytes.data(), 40);
    std::ofstream out(bad, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  BOOST_CHECK_THROW(use_catalog(bad), ValidationError);
  fs::remove(bad);
}

// A pseudo-source in angle brackets names what was given, not a file: the message alone.
BOOST_AUTO_TEST_CASE(a_diagnostic_of_no_file_is_its_message) {
  BOOST_TEST(Diagnostic({"<options>", 1, 1, "bad"}).to_string() == "bad");
  BOOST_TEST(Diagnostic({"", 1, 1, "bad"}).to_string() == "bad");
  BOOST_TEST(Diagnostic({"dir/f.csv", 2, 3, "bad"}).to_string() == "dir/f.csv:2:3: bad");
}
