// Text normalisation: PDF line breaks, page footers, Markdown marks, stray spaces, labels,
// invalid UTF-8, and the map back to source lines.
#define BOOST_TEST_MODULE normalize
#include <boost/test/unit_test.hpp>

#include <string>

#include "libaudit/policy/normalize.h"
#include "test_support.h"

using libaudit::LabelStyle;
using libaudit::match_label;
using libaudit::normalize;
using libaudit::testing::read_seed;
using libaudit::testing::seeds_available;

BOOST_AUTO_TEST_CASE(labels_of_every_numbering_style) {
  struct Case {
    const char* line;
    LabelStyle style;
    int number;
    const char* normalized;
  };
  const Case cases[] = {
      {"１ 組織体制", LabelStyle::number, 1, "1"},
      {"10 情報セキュリティ実施手順の策定", LabelStyle::number, 10, "10"},
      {"1. 目的", LabelStyle::number, 1, "1"},
      {"（２）兼務の禁止", LabelStyle::paren_number, 2, "(2)"},
      {"(12) 情報系", LabelStyle::paren_number, 12, "(12)"},
      {"ウ 統括情報セキュリティ責任者", LabelStyle::katakana, 3, "ウ"},
      {"ケ ＣＳＩＲＴ", LabelStyle::katakana, 9, "ケ"},
      {"（ア）情報システム部門を統括する", LabelStyle::paren_katakana, 1, "(ア)"},
      {"(イ) テスト", LabelStyle::paren_katakana, 2, "(イ)"},
      {"a 端末には利用許可された媒体のみ", LabelStyle::latin, 1, "a"},
      {"ｄ  情報システム管理者は", LabelStyle::latin, 4, "d"},
      {"① パーソナルコンピュータ", LabelStyle::circled, 1, "①"},
      {"③サーバ", LabelStyle::circled, 3, "③"},
      {"第 1 条 この基本方針は", LabelStyle::article, 1, "第1条"},
      {"第５条 職員等は", LabelStyle::article, 5, "第5条"},
      {"第十二条 雑則", LabelStyle::article, 12, "第12条"},
      {"第1章 情報セキュリティ基本方針", LabelStyle::chapter, 1, "第1章"},
      {"2―4―1 アクセス制御", LabelStyle::hyphenated, 1, "2-4-1"},
      {"２－４ 管理", LabelStyle::hyphenated, 4, "2-4"},
      {"2ー4ー1 重要性分類", LabelStyle::hyphenated, 1, "2-4-1"},
      {"2–4 分類", LabelStyle::hyphenated, 4, "2-4"},
      {"2−4 分類", LabelStyle::hyphenated, 4, "2-4"},
      {"3.2 管理区域", LabelStyle::dotted, 2, "3.2"},
      {"３．２ 管理区域", LabelStyle::dotted, 2, "3.2"},
      {"3.2.1 入退室", LabelStyle::dotted, 1, "3.2.1"},
      {"3.2. 管理区域", LabelStyle::dotted, 2, "3.2"},
      {"3.2", LabelStyle::dotted, 2, "3.2"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.line) {
      auto m = match_label(c.line);
      BOOST_REQUIRE(m.has_value());
      BOOST_TEST(static_cast<int>(m->label.style) == static_cast<int>(c.style));
      BOOST_TEST(m->label.number == c.number);
      BOOST_TEST(m->label.normalized == c.normalized);
    }
  }
}

BOOST_AUTO_TEST_CASE(false_positive_labels_are_refused) {
  for (const char* line :
       {"イメージスキャナ等の機器", "アクセス制御を行う", "（１）の分類に基づき管理しなければならない。",
        "（平成２５年法律第２７号）", "令和 ６年 ３月 １日改定", "ＬＡＮケーブル等の取り外し", "1.5倍の容量",
        "3.2倍にする", "ム管理者、情報セキュリティ管理者", "第1版 平成15年", "ア"}) {
    BOOST_TEST_CONTEXT(line) { BOOST_TEST(!match_label(line).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(pdf_line_breaks_inside_a_sentence_are_joined) {
  // blank lines between every line, as in the PDF extractions; a footer inside the sentence
  const std::string text =
      "（エ）情報システム管理者は、重要な情報資産を扱うシステムを設置している \n\n"
      "管理区域について、当該情報システムに関連しないコンピュータ、モバイル \n\n"
      "- 15 - \n\n"
      "端末、通信回線装置、電磁的記録媒体等を持ち込ませないようにしなければ \n\n"
      "ならない。 \n\n"
      "ウ 機器等の搬入出 \n\n"
      "（ア）情報システム管理者は、搬入する機器等が、既存の情報システムに与え \n";
  auto n = normalize(text);
  BOOST_REQUIRE_EQUAL(n.lines.size(), 3u);
  BOOST_TEST(n.lines[0].text ==
             "（エ）情報システム管理者は、重要な情報資産を扱うシステムを設置している管理区域について、当該情報シ"
             "ステムに関連しないコンピュータ、モバイル端末、通信回線装置、電磁的記録媒体等を持ち込ませないようにし"
             "なければならない。");
  BOOST_TEST(n.lines[0].first_line == 1);
  BOOST_TEST(n.lines[0].last_line == 9);
  BOOST_TEST(n.lines[0].line_at(0) == 1);
  BOOST_TEST(n.lines[0].line_at(n.lines[0].text.find("端末、通信")) == 7);
  BOOST_TEST(n.lines[1].heading);
  BOOST_TEST(n.lines[1].body == "機器等の搬入出");
  BOOST_TEST(n.lines[2].first_line == 13);
}

BOOST_AUTO_TEST_CASE(a_numbered_reference_at_line_start_does_not_break_the_sentence) {
  auto n = normalize(
      "（イ）情報資産が複製又は伝送された場合には、複製等された情報資産も\n（１）の分類に基づき管理しなければならない。"
      "\n");
  BOOST_REQUIRE_EQUAL(n.lines.size(), 1u);
  BOOST_TEST(n.lines[0].text.find("資産も（１）の分類") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(footers_in_every_dash) {
  auto n = normalize("ア 本文である。\n- 12 -\n－12－\n― 3 ―\n-12-\nイ 次である。\n");
  BOOST_REQUIRE_EQUAL(n.lines.size(), 2u);
  BOOST_TEST(n.lines[1].text == "イ 次である。");
}

BOOST_AUTO_TEST_CASE(markdown_headings_bullets_and_bold) {
  auto n = normalize(
      "# 所沢市議会情報セキュリティ基本方針\n"
      "## 1. 目的\n"
      "本基本方針は、目的とする。\n"
      "### (1) コンピュータ\n"
      "- ① パーソナルコンピュータ\n"
      "- ② モバイル端末  \n"
      "業務上の必要に応じて移動させて使用する端末\n"
      "**7 職員等の遵守義務**\n"
      "目次 ..... 3\n");
  BOOST_REQUIRE_EQUAL(n.lines.size(), 8u);
  BOOST_TEST(n.lines[0].heading_level == 1);
  BOOST_TEST(!n.lines[0].label.has_value());
  BOOST_TEST(n.lines[1].heading_level == 2);
  BOOST_REQUIRE(n.lines[1].label.has_value());
  BOOST_TEST(n.lines[1].body == "目的");
  BOOST_TEST(n.lines[3].heading_level == 3);
  BOOST_TEST(n.lines[3].label->normalized == "(1)");
  BOOST_TEST(n.lines[4].bullet);
  BOOST_TEST(n.lines[4].label->normalized == "①");
  BOOST_TEST(n.lines[5].text == "② モバイル端末");  // hard break: not joined with the next line
  BOOST_TEST(n.lines[6].text == "業務上の必要に応じて移動させて使用する端末");
  BOOST_TEST(n.lines[7].heading);
  BOOST_TEST(n.lines[7].body == "職員等の遵守義務");
}

BOOST_AUTO_TEST_CASE(stray_spaces_are_collapsed) {
  auto n = normalize("L G W A N接続系においては、ＩＰ 電話 と 重   要   性 を扱う。\n");
  BOOST_REQUIRE_EQUAL(n.lines.size(), 1u);
  BOOST_TEST(n.lines[0].text == "LGWAN接続系においては、ＩＰ電話と重要性を扱う。");
  // a space between Latin words stays
  BOOST_TEST(normalize("Computer Security Incident Response Team の略\n").lines[0].text ==
             "Computer Security Incident Response Team の略");
  // full-width digits and brackets are kept for quoting
  BOOST_TEST(normalize("（１０）ＬＧＷＡＮ接続系\n").lines[0].text == "（１０）ＬＧＷＡＮ接続系");
}

BOOST_AUTO_TEST_CASE(blank_lines_separate_paragraphs_in_markdown) {
  // few blank lines: they are meaningful
  auto n = normalize("見出し\n\n本文の一行目であり\n本文の二行目である。\n\n次の段落\n");
  BOOST_REQUIRE_EQUAL(n.lines.size(), 3u);
  BOOST_TEST(n.lines[1].text == "本文の一行目であり本文の二行目である。");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_an_error_with_its_position) {
  try {
    normalize("ア 正しい行\nイ \xff\xfe壊れた行\n", "bad.txt");
    BOOST_FAIL("no error");
  } catch (const libaudit::ValidationError& e) {
    BOOST_REQUIRE_EQUAL(e.diagnostics().size(), 1u);
    BOOST_TEST(e.diagnostics()[0].file == "bad.txt");
    BOOST_TEST(e.diagnostics()[0].line == 2);
    BOOST_TEST(e.diagnostics()[0].column == 3);
  }
}

BOOST_AUTO_TEST_CASE(empty_and_odd_inputs) {
  BOOST_TEST(normalize("").lines.empty());
  BOOST_TEST(normalize("\n\n\r\n").lines.empty());
  BOOST_TEST(normalize("\xEF\xBB\xBF"
                       "ア テスト。")
                 .lines.size() == 1u);
  BOOST_TEST(normalize(std::string("a\0b", 3)).lines.size() == 1u);
}

BOOST_AUTO_TEST_CASE(komaki_seed_keeps_every_sentence_and_drops_the_footers,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  std::string text = read_seed("002_65e417b3328f2695.txt");
  BOOST_REQUIRE(!text.empty());
  auto n = normalize(text, "002_65e417b3328f2695.txt");
  BOOST_TEST(n.source_lines >= 3000);
  std::string all;
  for (const auto& l : n.lines) {
    all += libaudit::text::squash_spaces(l.text);
    BOOST_TEST(l.text.find("- 12 -") == std::string::npos);
    BOOST_TEST(l.first_line <= l.last_line);
  }
  // a sentence broken over five PDF lines comes back whole
  BOOST_TEST(
      all.find(
          "統括情報セキュリティ責任者は、緊急時には最高情報セキュリティ責任者（ＣＩＳＯ）に早急に報告を行うとともに、"
          "回復のための対策を講じなければならない。") != std::string::npos);
}
