// The clause parser: every numbering style, nesting, restarts and skips (warnings with source
// lines, never a crash), false positives, documents within one text, and the 小牧市 seed.
#define BOOST_TEST_MODULE clause
#include <boost/test/unit_test.hpp>

#include <string>

#include "libaudit/policy/clause.h"
#include "test_support.h"

using libaudit::ClauseTree;
using libaudit::normalize;
using libaudit::parse_clauses;
using libaudit::testing::read_seed;
using libaudit::testing::seeds_available;

namespace {

ClauseTree parse(const std::string& text) { return parse_clauses(normalize(text), "t.txt"); }

std::string joined_paths(const ClauseTree& t, std::size_t part = 0) {
  std::string out;
  for (const auto& p : t.paths(part)) out += (out.empty() ? "" : " ") + p;
  return out;
}

bool has_warning(const ClauseTree& t, int line, const std::string& fragment) {
  for (const auto& d : t.warnings)
    if (d.line == line && d.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(municipal_numbering_nests_in_order) {
  auto t = parse(
      "８ 評価及び見直し\n"
      "（１）監査\n"
      "ア 実施方法\n"
      "監査を行わなければならない。\n"
      "イ 監査実施計画の立案\n"
      "（ア）監査統括責任者は、立案しなければならない。\n"
      "（イ）被監査部門は、協力しなければならない。\n"
      "ａ 細目である。\n"
      "ｂ 細目である。\n"
      "① 丸数字である。\n"
      "（２）自己点検\n"
      "ア 実施方法\n");
  // a fragment starting at chapter 8 says so, and nothing else is odd
  BOOST_REQUIRE_EQUAL(t.warnings.size(), 1u);
  BOOST_TEST(has_warning(t, 1, "starts at '８'"));
  BOOST_TEST(joined_paths(t) ==
             "8 8(1) 8(1)ア 8(1)イ 8(1)イ(ア) 8(1)イ(イ) 8(1)イ(イ)a 8(1)イ(イ)b 8(1)イ(イ)b1 8(2) 8(2)ア");
  const auto* c = t.find("８（１）イ（イ）");  // found whatever the width of the digits and brackets
  BOOST_REQUIRE(c);
  BOOST_TEST(c->id == "8.1.b.2");
  BOOST_TEST(c->label.written == "（イ）");
  BOOST_TEST(c->first_line == 7);
  BOOST_TEST(c->last_line == 10);
  BOOST_TEST(t.find("8(1)")->title == "監査");
  BOOST_TEST(t.find("8(1)イ")->title == "監査実施計画の立案");
  BOOST_TEST(t.find("8(1)イ(ア)")->title.empty());  // starts with its text, not a heading
  BOOST_TEST(t.find("8(1)イ(イ)a")->id == "8.1.b.2.a");
}

BOOST_AUTO_TEST_CASE(half_width_and_markdown_headings) {
  auto t = parse(
      "# 所沢市議会情報セキュリティ基本方針\n"
      "## 1. 目的\n"
      "本基本方針は、目的とする。\n"
      "## 2. 定義\n"
      "### (1) コンピュータ\n"
      "- ① パーソナルコンピュータ\n"
      "- ② モバイル端末\n"
      "### (2) ネットワーク\n");
  BOOST_TEST(t.parts.size() == 1u);
  BOOST_TEST(t.parts[0].title == "所沢市議会情報セキュリティ基本方針");
  BOOST_TEST(joined_paths(t) == "1 2 2(1) 2(1)1 2(1)2 2(2)");
  BOOST_TEST(t.find("2(1)")->title == "コンピュータ");
  BOOST_TEST(t.warnings.empty());
}

BOOST_AUTO_TEST_CASE(articles_with_paragraphs_and_items) {
  auto t = parse(
      "### (目的)\n"
      "第 1 条 この基本方針は、目的とする。\n"
      "### (定義)\n"
      "第 2 条 用語の意義は、次のとおりとする。\n"
      "- (1) 情報システム 規則に規定する情報システムをいう。\n"
      "- (2) 情報資産 情報システム等をいう。\n"
      "第3条 脅威は、次の各号に掲げる脅威とする。\n"
      "(1) 人による脅威\n"
      "ア 不正アクセス\n"
      "イ 管理不備\n"
      "2 前項の規定にかかわらず、見直す。\n"
      "(1) 第２項の号\n");
  BOOST_TEST(joined_paths(t) ==
             "第1条 第2条 第2条(1) 第2条(2) 第3条 第3条(1) 第3条(1)ア 第3条(1)イ 第3条第2項 第3条第2項(1)");
  BOOST_TEST(t.find("第1条")->title == "目的");
  BOOST_TEST(t.find("第2条")->title == "定義");
  BOOST_REQUIRE(t.find("第3条第2項"));
  BOOST_TEST(t.find("第3条第2項")->id == "3.p2");
  BOOST_TEST(t.warnings.empty());  // 項 are numbered from 2
}

BOOST_AUTO_TEST_CASE(hyphenated_numbering) {
  auto t = parse(
      "2 物理的セキュリティ\n"
      "2―1 サーバ等の管理\n"
      "2―1―1 機器の取付け\n"
      "2―1―2 二重化\n"
      "2―2 管理区域\n");
  BOOST_TEST(joined_paths(t) == "2 2-1 2-1-1 2-1-2 2-2");
  BOOST_TEST(t.find("2-1-2")->id == "2.1.2");
  BOOST_REQUIRE_EQUAL(t.warnings.size(), 1u);  // only: the fragment starts at chapter 2
  BOOST_TEST(has_warning(t, 1, "starts at"));
}

BOOST_AUTO_TEST_CASE(the_tree_stays_shallow_whatever_the_input) {
  // every style opens a level at most once, and hyphenated labels have at most six parts
  std::string text;
  std::string label = "1";
  for (int i = 0; i < 50; ++i) {
    text += label + " 見出し\n";
    label += "-1";
  }
  auto t = parse(text);
  int depth = 0;
  const libaudit::Clause* c = t.parts[0].clauses.empty() ? nullptr : &t.parts[0].clauses.front();
  while (c) {
    ++depth;
    c = c->children.empty() ? nullptr : &c->children.front();
  }
  BOOST_TEST(depth <= 6);
}

BOOST_AUTO_TEST_CASE(skips_are_warned_with_their_line) {
  auto t = parse(
      "１ 章\n"
      "ア 一つ目\n"
      "ウ 三つ目\n"
      "（１）節\n"
      "（３）節\n");
  BOOST_TEST(joined_paths(t) == "1 1ア 1ウ 1ウ(1) 1ウ(3)");
  BOOST_TEST(has_warning(t, 3, "skips イ"));
  BOOST_TEST(has_warning(t, 5, "skips (2)"));
}

BOOST_AUTO_TEST_CASE(restarts_are_warned_and_kept) {
  auto t = parse(
      "１ 章\n"
      "（１）節\n"
      "（２）節\n"
      "（１）また一から\n");
  BOOST_TEST(joined_paths(t) == "1 1(1) 1(2) 1(1)");
  BOOST_TEST(has_warning(t, 4, "restarts"));
}

BOOST_AUTO_TEST_CASE(a_list_that_does_not_start_at_one_is_warned) {
  auto t = parse("１ 章\n（３）三から始まる\n");
  BOOST_TEST(joined_paths(t) == "1 1(3)");
  BOOST_TEST(has_warning(t, 2, "starts at"));
}

BOOST_AUTO_TEST_CASE(katakana_words_and_stray_letters_are_text) {
  auto t = parse(
      "１ 章\n"
      "ア 一つ目の項目である。\n"
      "イメージスキャナ等の機器は、管理しなければならない。\n"
      "ス テキストの途中で改行された行であり、文の終わりまで続く。\n"
      "イ 二つ目の項目である。\n");
  BOOST_TEST(joined_paths(t) == "1 1ア 1イ");
  BOOST_TEST(t.find("1ア")->lines.size() == 3u);  // the label line and two lines of text
}

BOOST_AUTO_TEST_CASE(two_documents_in_one_text) {
  auto t = parse(
      "小牧市情報セキュリティ基本方針\n"
      "１ 目的\n"
      "目的とする。\n"
      "２ 定義\n"
      "小牧市情報セキュリティ対策基準\n"
      "１ 組織体制\n"
      "（１）組織体制\n");
  BOOST_REQUIRE_EQUAL(t.parts.size(), 2u);
  BOOST_TEST(t.parts[0].title == "小牧市情報セキュリティ基本方針");
  BOOST_TEST(t.parts[1].title == "小牧市情報セキュリティ対策基準");
  BOOST_TEST(joined_paths(t, 0) == "1 2");
  BOOST_TEST(joined_paths(t, 1) == "1 1(1)");
  BOOST_TEST(t.warnings.empty());
}

BOOST_AUTO_TEST_CASE(komaki_standard_parses_into_its_eight_chapters,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  auto t = parse_clauses(normalize(read_seed("002_65e417b3328f2695.txt")), "002");
  BOOST_REQUIRE_EQUAL(t.parts.size(), 2u);
  BOOST_TEST(t.parts[0].clauses.size() == 10u);  // 基本方針 1-10
  const auto& standard = t.parts[1];
  BOOST_TEST(standard.title == "小牧市情報セキュリティ対策基準");
  BOOST_REQUIRE_EQUAL(standard.clauses.size(), 8u);
  const char* chapters[] = {"組織体制",
                            "情報資産の分類及び管理",
                            "情報システム全体の強靭性の向上",
                            "物理的セキュリティ対策",
                            "人的セキュリティ対策",
                            "技術的セキュリティ対策",
                            "運用",
                            "評価及び見直し"};
  for (int i = 0; i < 8; ++i) BOOST_TEST(standard.clauses[i].title == chapters[i]);
  BOOST_TEST(t.find("8(2)ア(ア)", 1) != nullptr);
  BOOST_TEST(t.find("6(1)ナ(イ)", 1) != nullptr);  // ナ: the 21st katakana
  BOOST_TEST(t.find("6(3)ウ(ア)ｄ", 1) != nullptr);
  BOOST_TEST(t.find("6(4)ウ(キ)b", 1) != nullptr);
  BOOST_TEST(t.find("6(1)ナ(イ)", 1)->id == "6.1.u.2");
  // the organisation chart flattened into 2(2)イ is text, not clauses
  BOOST_TEST(t.find("2(2)イ(イ)", 1) != nullptr);
  BOOST_TEST(t.warnings.empty());
}
