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

// Articles numbered straight through 章 and 節, the usual Japanese style: no numbering warning,
// and an article is cited on its own (第3条第2項, 第3条(2)), without its 章.
BOOST_AUTO_TEST_CASE(articles_numbered_through_chapters) {
  auto t = parse(
      "第1章 総則\n"
      "（目的）\n"
      "第1条 この基準は、目的とする。\n"
      "第2条 職員等は、遵守しなければならない。\n"
      "第2章 組織体制\n"
      "第1節 責任者\n"
      "第3条 統括情報セキュリティ責任者は、次の措置を講じなければならない。\n"
      "(1) 監視すること。\n"
      "(2) 報告すること。\n"
      "2 前項の規定にかかわらず、見直す。\n"
      "第2節 委員会\n"
      "第4条 委員会は、審議しなければならない。\n"
      "第3章 物理的セキュリティ\n"
      "第5条 管理区域を設けなければならない。\n");
  BOOST_TEST(t.warnings.empty());
  BOOST_TEST(joined_paths(t) ==
             "第1章 第1条 第2条 第2章 第2章第1節 第3条 第3条(1) 第3条(2) 第3条第2項 第2章第2節 第4条 第3章 第5条");
  BOOST_REQUIRE(t.find("第3条(2)"));
  BOOST_REQUIRE(t.find("第３条第２項"));
  BOOST_TEST(t.find("第1条")->title == "目的");
  // ids: an article's number, as in a text without 章; the 章 and 節 that group them cannot clash
  BOOST_TEST(t.find("第3条")->id == "3");
  BOOST_TEST(t.find("第3条(2)")->id == "3.2");
  BOOST_TEST(t.find("第3条第2項")->id == "3.p2");
  BOOST_TEST(t.find("第2章")->id == "ch2");
  BOOST_TEST(t.find("第2章第1節")->id == "ch2.s1");
  BOOST_TEST(t.find("第2章第1節")->depth == 2);
  BOOST_TEST(t.find("第3条")->depth == 3);  // still under its 節 in the tree
}

BOOST_AUTO_TEST_CASE(articles_numbered_through_chapters_still_warn_of_skips) {
  auto t = parse(
      "第1章 総則\n"
      "第1条 目的とする。\n"
      "第2章 組織\n"
      "第3条 講じなければならない。\n");
  BOOST_TEST(has_warning(t, 4, "skips 第2条"));
  BOOST_TEST(t.warnings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(articles_numbered_per_chapter_keep_the_chapter) {
  // a standard that restarts its articles in every 章 cites them with the 章
  auto t = parse(
      "第1章 総則\n"
      "第1条 目的とする。\n"
      "第2条 定める。\n"
      "第2章 組織\n"
      "第1条 講じなければならない。\n"
      "(1) 監視すること。\n");
  BOOST_TEST(t.warnings.empty());
  BOOST_TEST(joined_paths(t) == "第1章 第1章第1条 第1章第2条 第2章 第2章第1条 第2章第1条(1)");
  BOOST_TEST(t.find("第2章第1条(1)")->id == "2.1.1");
}

BOOST_AUTO_TEST_CASE(dotted_section_numbers) {
  auto t = parse(
      "３ 物理的セキュリティ\n"
      "３．１ サーバ等の管理\n"
      "（１）機器の取付け\n"
      "ア 情報システム管理者は、固定しなければならない。\n"
      "３．２ 管理区域\n"
      "3.2.1 入退室管理\n"
      "3.2.2 搬入\n"
      "４ 人的セキュリティ\n"
      "4.1 研修\n");
  BOOST_REQUIRE_EQUAL(t.warnings.size(), 1u);  // only: the fragment starts at chapter 2 or 3
  BOOST_TEST(has_warning(t, 1, "starts at"));
  BOOST_TEST(joined_paths(t) == "3 3.1 3.1(1) 3.1(1)ア 3.2 3.2.1 3.2.2 4 4.1");
  BOOST_TEST(t.find("３．１（１）ア")->id == "3.1.1.a");
  BOOST_TEST(t.find("3.2.2")->id == "3.2.2");
  BOOST_TEST(t.find("3.1")->title == "サーバ等の管理");
  BOOST_TEST(t.find("3.2.1")->depth == 3);
  // a decimal in running text is not a label
  auto d = parse("１ 章\n1.5倍の容量を確保しなければならない。\n");
  BOOST_TEST(joined_paths(d) == "1");
}

BOOST_AUTO_TEST_CASE(hyphenated_section_numbers_with_every_dash) {
  // PDF text writes the dash as ― (U+2015), － (U+FF0D), ‐ (U+2010), – (U+2013), — (U+2014),
  // − (U+2212), ー (U+30FC, the long vowel mark) or '-'
  auto t = parse(
      "2 情報資産の分類\n"
      "2―4 分類\n"
      "2―4―1 重要性分類\n"
      "(1) 職員等は、分類しなければならない。\n"
      "ア 細目である。\n"
      "2－4－2 管理\n"
      "2‐4‐3 表示\n"
      "2–4–4 保管\n"
      "2—4—5 廃棄\n"
      "2−4−6 持出し\n"
      "2ー4ー7 運搬\n"
      "2-5 管理責任\n"
      "2-5-1 責任者\n");
  BOOST_REQUIRE_EQUAL(t.warnings.size(), 2u);  // only: the fragment starts at 2 and at 2-4
  BOOST_TEST(has_warning(t, 1, "starts at"));
  BOOST_TEST(has_warning(t, 2, "starts at '2"));
  BOOST_TEST(joined_paths(t) == "2 2-4 2-4-1 2-4-1(1) 2-4-1(1)ア 2-4-2 2-4-3 2-4-4 2-4-5 2-4-6 2-4-7 2-5 2-5-1");
  BOOST_TEST(t.find("2-4-1(1)ア")->id == "2.4.1.1.a");
  BOOST_TEST(t.find("2-5-1")->depth == 3);
}

BOOST_AUTO_TEST_CASE(deeper_numbers_close_to_their_parent) {
  // 2-4-2 after 2-4-1's sub-clauses goes back under 2-4; 2-5-1 with no 2-5 line goes under 2
  auto t = parse(
      "2 分類\n"
      "2-4 分類\n"
      "2-4-1 重要性\n"
      "(1) 一つ目\n"
      "ア 細目\n"
      "2-4-2 管理\n"
      "2-5-1 責任者\n"
      "3 物理\n"
      "3.1 サーバ\n"
      "(1) 固定\n"
      "3.2 管理区域\n");
  BOOST_REQUIRE_EQUAL(t.warnings.size(), 2u);  // only: the fragment starts at 2 and at 2-4
  BOOST_TEST(has_warning(t, 1, "starts at"));
  BOOST_TEST(has_warning(t, 2, "starts at '2"));
  BOOST_TEST(joined_paths(t) == "2 2-4 2-4-1 2-4-1(1) 2-4-1(1)ア 2-4-2 2-5-1 3 3.1 3.1(1) 3.2");
  BOOST_TEST(t.find("2-4-2")->depth == 3);
  BOOST_TEST(t.find("2-5-1")->depth == 2);
  BOOST_TEST(t.find("3.2")->depth == 2);
}

BOOST_AUTO_TEST_CASE(sections_and_mixed_styles_in_one_document) {
  // 章, 節, dotted and hyphenated numbers in one text, each the parent of what follows it
  auto t = parse(
      "第1章 組織体制\n"
      "1.1 責任者\n"
      "(1) 設置\n"
      "ア 最高情報セキュリティ責任者を置く。\n"
      "1.2 委員会\n"
      "第2章 情報資産\n"
      "第1節 分類\n"
      "2―1 分類の基準\n"
      "2―1―1 重要性\n"
      "(1) 分類すること。\n"
      "第2節 管理\n"
      "2―2 管理責任\n");
  BOOST_TEST(t.warnings.empty());
  BOOST_TEST(joined_paths(t) == "第1章 1.1 1.1(1) 1.1(1)ア 1.2 第2章 第2章第1節 2-1 2-1-1 2-1-1(1) 第2章第2節 2-2");
  BOOST_TEST(t.find("1.2")->depth == 2);
  BOOST_TEST(t.find("2-1")->depth == 3);  // inside its 節
  BOOST_TEST(t.find("2-2")->depth == 3);
  BOOST_TEST(t.find("第2章第2節")->children.size() == 1u);
  BOOST_TEST(t.find("1.1(1)ア")->id == "1.1.1.a");
  BOOST_TEST(t.find("第2章第1節")->id == "2.s1");  // never 2.1, the id of 2-1
  BOOST_TEST(t.find("2-1-1(1)")->id == "2.1.1.1");
}

BOOST_AUTO_TEST_CASE(mito_articles_with_items_and_katakana,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  auto t = parse_clauses(normalize(read_seed("004_c7b83743516ed7df.txt")), "004");
  BOOST_TEST(t.warnings.empty());
  BOOST_TEST(t.find("第3条(1)イ") != nullptr);
  BOOST_TEST(t.find("第6条(6)ウ") != nullptr);
  BOOST_TEST(t.find("第7条第2項") != nullptr);
  BOOST_TEST(t.find("第6条(3)ア")->id == "6.3.a");
}
