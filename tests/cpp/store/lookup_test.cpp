// Stored things as a person names them (issue #15): a checklist version by its own id or
// id@version as well as by the store's row id (Store::find_checklist), and which cycle comes
// before which (earlier_cycle, the carry-over rule).
#define BOOST_TEST_MODULE lookup
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "libaudit/store/store.h"

using namespace libaudit;

namespace {

std::string yaml(const std::string& id, const std::string& version) {
  return "format: 1\nid: " + id + "\ntitle: テスト点検表\nversion: \"" + version +
         "\"\nbody: テスト市\nsource: {document: t.txt, title: テスト基準}\nsections:\n"
         "  - id: \"8\"\n    clause: \"８\"\n    title: 評価及び見直し\n    items:\n"
         "      - id: \"8.1\"\n        clause: \"8(1)\"\n        text: 自己点検を実施しなければならない。\n"
         "        question: 自己点検を実施しているか。\n        roles: [security_manager]\n";
}

bool says(const std::exception& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_checklist_by_its_own_id_its_version_or_its_row) {
  Store s = Store::open(":memory:");
  const auto one = s.import_checklist("t", Checklist::from_yaml(yaml("komaki-taisaku-kijun", "2024-03-01")));
  const auto other = s.import_checklist("t", Checklist::from_yaml(yaml("mito-kihon", "1")));
  BOOST_TEST(s.find_checklist("komaki-taisaku-kijun").id == one);
  BOOST_TEST(s.find_checklist(" ｋｏｍａｋｉ-taisaku-kijun ").id == one);  // NFKC and trimmed
  BOOST_TEST(s.find_checklist("komaki-taisaku-kijun@2024-03-01").id == one);
  BOOST_TEST(s.find_checklist(std::to_string(other)).id == other);
  BOOST_TEST(s.find_checklist("mito-kihon").checklist_id == "mito-kihon");
  BOOST_CHECK_EXCEPTION(s.find_checklist("komaki"), NotFoundError, [](const NotFoundError& e) {
    return says(e, "komaki") && says(e, "komaki-taisaku-kijun@2024-03-01, mito-kihon@1");
  });
  BOOST_CHECK_EXCEPTION(s.find_checklist("komaki-taisaku-kijun@2099-01-01"), NotFoundError,
                        [](const NotFoundError& e) { return says(e, "komaki-taisaku-kijun@2099-01-01"); });
  BOOST_CHECK_THROW(s.find_checklist("99"), NotFoundError);

  // A second version: the bare id is ambiguous, and the error lists both versions.
  const auto two = s.import_checklist("t", Checklist::from_yaml(yaml("komaki-taisaku-kijun", "2025-03-01")));
  BOOST_CHECK_EXCEPTION(s.find_checklist("komaki-taisaku-kijun"), ValidationError, [](const ValidationError& e) {
    return says(e, "komaki-taisaku-kijun@2024-03-01, komaki-taisaku-kijun@2025-03-01");
  });
  BOOST_TEST(s.find_checklist("komaki-taisaku-kijun@2025-03-01").id == two);
  BOOST_TEST(s.find_checklist("komaki-taisaku-kijun@2024-03-01").id == one);
}

BOOST_AUTO_TEST_CASE(an_earlier_cycle_is_an_earlier_year_or_created_first_in_the_same_year) {
  Cycle a, b;
  a.id = 1, a.fiscal_year = 2024;
  b.id = 2, b.fiscal_year = 2024;
  BOOST_TEST(earlier_cycle(a, b));
  BOOST_TEST(!earlier_cycle(b, a));
  BOOST_TEST(!earlier_cycle(a, a));  // never the cycle itself
  b.fiscal_year = 2023;              // created later, for an earlier 年度 (entered afterwards)
  BOOST_TEST(earlier_cycle(b, a));
  BOOST_TEST(!earlier_cycle(a, b));  // a later 年度 never comes before, though created first
}
