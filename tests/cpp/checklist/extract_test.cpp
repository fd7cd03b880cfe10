// The obligation extractor: endings, non-obligations, role detection with several subjects,
// the conjugation table of the questions, ids, sub-lists, tiers, and the draft checklist.
#define BOOST_TEST_MODULE extract
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "libaudit/checklist/extract.h"
#include "test_support.h"

using libaudit::extract_checklist;
using libaudit::ExtractOptions;
using libaudit::question_for;
using libaudit::roles_in;
using libaudit::subject_of;
using libaudit::testing::read_seed;
using libaudit::testing::seeds_available;

namespace {

using Strings = std::vector<std::string>;

ExtractOptions options() {
  ExtractOptions o;
  o.id = "test";
  o.title = "テスト点検表";
  o.body = "小牧市";
  o.source_document = "test.txt";
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(roles_longest_name_first) {
  BOOST_TEST(roles_in("統括情報セキュリティ責任者") == Strings{"chief_security_officer"});
  BOOST_TEST(roles_in("情報セキュリティ責任者及び情報システム管理者") ==
             (Strings{"security_officer", "system_administrator"}));
  BOOST_TEST(roles_in("最高情報セキュリティ責任者（ＣＩＳＯ）") == Strings{"ciso"});
  BOOST_TEST(roles_in("統括情報セキュリティ責任者、情報セキュリティ責任者及び情報システム管理者") ==
             (Strings{"chief_security_officer", "security_officer", "system_administrator"}));
  BOOST_TEST(roles_in("職員等") == Strings{"staff"});
  BOOST_TEST(roles_in("委託事業者等") == Strings{"contractor"});
  BOOST_TEST(roles_in("ＣＳＩＲＴ") == Strings{"csirt"});
  BOOST_TEST(roles_in("情報セキュリティ委員会") == Strings{"security_committee"});
  BOOST_TEST(roles_in("監査統括責任者") == Strings{"chief_auditor"});
  BOOST_TEST(roles_in("情報セキュリティ監査統括責任者") == Strings{"chief_auditor"});
  BOOST_TEST(roles_in("被監査部門") == Strings{"auditee"});
  BOOST_TEST(roles_in("情報システム担当者") == Strings{"system_staff"});
  BOOST_TEST(roles_in("情報セキュリティ管理者") == Strings{"security_manager"});
}

BOOST_AUTO_TEST_CASE(subjects_with_several_roles) {
  BOOST_TEST(subject_of("情報セキュリティ責任者及び情報システム管理者は、所管するネットワークについて、自己点検を実施し"
                        "なければならない。") == "情報セキュリティ責任者及び情報システム管理者");
  BOOST_TEST(
      subject_of(
          "統括情報セキュリティ責任者、情報セキュリティ責任者及び情報システム管理者は、監視しなければならない。") ==
      "統括情報セキュリティ責任者、情報セキュリティ責任者及び情報システム管理者");
  // a condition before the subject is not part of it
  BOOST_TEST(subject_of("委託事業者等に委託している場合、情報セキュリティ責任者及び情報セキュリティ管理者は委託事業者等"
                        "に対し、監査を行わなければならない。") == "情報セキュリティ責任者及び情報セキュリティ管理者");
  BOOST_TEST(subject_of("最高情報セキュリティ責任者（ＣＩＳＯ）は、保管しなければならない。") ==
             "最高情報セキュリティ責任者（ＣＩＳＯ）");
  BOOST_TEST(subject_of("職員等は業務上必要のない情報資産を入手してはならない。") == "職員等");
  BOOST_TEST(subject_of("重要な情報資産を運搬する者は、許可を得なければならない。") == "重要な情報資産を運搬する者");
  // には / では / 場合は are not subjects
  BOOST_TEST(subject_of("緊急時対応計画には次の事項を明記すること。") == "");
  BOOST_TEST(subject_of("やむを得ない場合は、次の手段を実施しなければならない。") == "");
  BOOST_TEST(
      subject_of("小牧市情報セキュリティ監査実施要綱で定める情報セキュリティ監査統括責任者（以下、「監査統括責任者」と"
                 "いう。）は、監査を行わなければならない。") ==
      "小牧市情報セキュリティ監査実施要綱で定める情報セキュリティ監査統括責任者（以下、「監査統括責任者」という。）");
}

BOOST_AUTO_TEST_CASE(question_conjugation_table) {
  struct Case {
    const char* sentence;
    const char* question;
  };
  const Case cases[] = {
      // 〜なければならない: 未然形 -> て形 + いるか
      {"情報システム管理者は、措置を講じなければならない。", "措置を講じているか。"},  // 講じ (一段)
      {"職員等は、自己点検を実施しなければならない。", "自己点検を実施しているか。"},  // し (サ変)
      {"監査統括責任者は、監査を行わなければならない。", "監査を行っているか。"},      // わ -> って
      {"常に最新の状態に保たなければならない。", "常に最新の状態に保っているか。"},    // た -> って
      {"改善を図らなければならない。", "改善を図っているか。"},                        // ら -> って
      {"指示を仰がなければならない。", "指示を仰いでいるか。"},                        // が -> いで
      {"接続ポイントを減らさなければならない。", "接続ポイントを減らしているか。"},    // さ -> して
      {"報告書を書かなければならない。", "報告書を書いているか。"},                    // か -> いて
      {"現地に行かなければならない。", "現地に行っているか。"},                        // 行か -> 行って
      {"記録を読まなければならない。", "記録を読んでいるか。"},                        // ま -> んで
      {"回線を選ばなければならない。", "回線を選んでいるか。"},                        // ば -> んで
      {"許可を得なければならない。", "許可を得ているか。"},                            // 得 (一段)
      {"責任者を定めなければならない。", "責任者を定めているか。"},                    // め (一段)
      {"担当者を立ち会わせなければならない。", "担当者を立ち会わせているか。"},        // せ (一段)
      {"事業者の選定に努めなければならない。", "事業者の選定に努めているか。"},
      {"持ち込ませないようにしなければならない。", "持ち込ませないようにしているか。"},
      {"ＣＩＳＯが認めたものでなければならない。", "ＣＩＳＯが認めたものであるか。"},
      {"遵守しなければなりません。", "遵守しているか。"},
      // 〜てはならない -> 〜ていないか
      {"職員等は、業務上必要のない情報を作成してはならない。", "業務上必要のない情報を作成していないか。"},
      {"同一のパスワードを用いてはならない。", "同一のパスワードを用いていないか。"},
      {"フリーメールを使用してはならない。", "フリーメールを使用していないか。"},
      {"他人に利用させてはならない。", "他人に利用させていないか。"},
      {"ファイルを読んではならない。", "ファイルを読んでいないか。"},
      // 〜ものとする: 終止形 -> て形 + いるか
      {"監査統括責任者は、監査結果を取りまとめ、情報セキュリティ委員会に報告するものとする。",
       "監査結果を取りまとめ、情報セキュリティ委員会に報告しているか。"},
      {"同意書に署名を求めるものとする。", "同意書に署名を求めているか。"},
      {"見直しを行うものとする。", "見直しを行っているか。"},
      {"予め契約に定めておくものとする。", "予め契約に定めているか。"},
      {"組織体制を確立するものとする。", "組織体制を確立しているか。"},
      {"対策を講ずるものとする。", "対策を講じているか。"},
      {"規定を守るものとする。", "規定を守っているか。"},
      {"連携を図るものとする。", "連携を図っているか。"},
      // 〜こと / 〜ないこと
      {"データは暗号化し、パスワードを設定すること。", "データは暗号化し、パスワードを設定しているか。"},
      {"端末には利用許可された媒体のみ接続可能とすること。", "端末には利用許可された媒体のみ接続可能としているか。"},
      {"承認記録を残すこと。", "承認記録を残しているか。"},
      {"最高分類の保管方法に従うこと。", "最高分類の保管方法に従っているか。"},
      {"パスワードの照会等には一切応じないこと。", "パスワードの照会等には一切応じていないか。"},
      {"読み取られやすい状況を作らないこと。", "読み取られやすい状況を作っていないか。"},
      {"職員等の間でパスワードを共有しないこと。", "職員等の間でパスワードを共有していないか。"},
      // plain-form rules
      {"物理的な対策を講じる。", "物理的な対策を講じているか。"},
      {"情報セキュリティ対策を実施する。", "情報セキュリティ対策を実施しているか。"},
      {"再委託は原則禁止する。", "再委託は原則禁止しているか。"},
      // また、 and the subject are dropped
      {"また、指摘事項を所管していない情報セキュリティ管理者に対しても、確認させなければならない。",
       "指摘事項を所管していない情報セキュリティ管理者に対しても、確認させているか。"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.sentence) { BOOST_TEST(question_for(c.sentence) == c.question); }
  }
}

BOOST_AUTO_TEST_CASE(obligations_and_non_obligations) {
  const std::string text =
      "１ 目的\n"
      "この基準は、情報資産を守ることを目的とする。\n"
      "２ 定義\n"
      "（１）情報システム\n"
      "コンピュータで構成される仕組みをいう。\n"
      "３ 管理\n"
      "（１）管理区域\n"
      "ア 管理区域とは、部屋をいう。\n"
      "イ 情報システム管理者は、入退室を管理しなければならない。\n"
      "ウ 職員等は、無断で入室してはならない。\n"
      "エ 統括情報セキュリティ責任者は、管理区域の鍵を有する。\n"
      "オ 情報セキュリティ管理者は、記録を保管するものとする。\n"
      "カ 情報システム管理者は、次の措置を講じなければならない。\n"
      "・ 施錠\n"
      "・ 監視カメラの設置\n"
      "キ 職員等は、入室することができる。\n"
      "附則\n"
      "この基準は、令和６年４月１日から施行する。\n";
  auto ex = extract_checklist(text, options());
  const auto& items = ex.checklist.items();
  BOOST_REQUIRE_EQUAL(items.size(), 4u);
  BOOST_TEST(items[0].clause == "3(1)イ");
  BOOST_TEST(items[0].id == "3.1.b");
  BOOST_TEST(items[0].roles == Strings{"system_administrator"});
  BOOST_TEST((items[0].applies_to.departments == libaudit::DepartmentScope::system_owners));
  BOOST_TEST(items[1].question == "無断で入室していないか。");
  BOOST_TEST(items[1].roles == Strings{"staff"});
  BOOST_TEST(items[2].id == "3.1.e");
  // the ・ list belongs to the duty that introduces it
  BOOST_TEST(items[3].text == "情報システム管理者は、次の措置を講じなければならない。・施錠・監視カメラの設置");
  BOOST_TEST(items[3].question == "次の措置を講じているか。");
  BOOST_TEST(ex.yaml.rfind("# DRAFT checklist generated by `libaudit checklist extract` from test.txt", 0) == 0);
  // the YAML loads back to the same checklist
  auto again = libaudit::Checklist::from_yaml(ex.yaml);
  BOOST_TEST(again.to_json() == ex.checklist.to_json());
}

BOOST_AUTO_TEST_CASE(ids_from_clause_paths) {
  const std::string text =
      "８ 評価及び見直し\n"
      "（１）監査\n"
      "ア 実施方法\n"
      "監査統括責任者は、監査を行わなければならない。\n"
      "カ 監査結果への対応\n"
      "監査統括責任者は、対処を指示しなければならない。また、確認させなければならない。\n"
      "（２）自己点検\n"
      "ア 実施方法\n"
      "（ア）情報セキュリティ責任者及び情報システム管理者は、自己点検を実施しなければならない。\n"
      "（イ）情報セキュリティ責任者及び情報セキュリティ管理者は、自己点検を実施しなければならない。\n"
      "（３）見直し\n"
      "情報セキュリティ委員会は、見直しを行うものとする。\n"
      "７ 運用\n"
      "職員等は、遵守しなければならない。\n"
      "（１）監視\n"
      "ア 監視に努めなければならない。\n";
  auto ex = extract_checklist(text, options());
  Strings ids, clauses;
  for (const auto& i : ex.checklist.items()) {
    ids.push_back(i.id);
    clauses.push_back(i.clause);
  }
  BOOST_TEST(ids == (Strings{"8.1.a", "8.1.f", "8.1.f-2", "8.2.a.1", "8.2.a.2", "8.3", "7-1", "7.1.a"}));
  BOOST_TEST(clauses == (Strings{"8(1)ア", "8(1)カ", "8(1)カ", "8(2)ア(ア)", "8(2)ア(イ)", "8(3)", "7", "7(1)ア"}));
  // roles: the second sentence of 8(1)カ has no subject and takes the first's
  BOOST_TEST(ex.checklist.item("8.1.f-2").roles == Strings{"chief_auditor"});
  BOOST_TEST(ex.checklist.item("8.2.a.1").roles == (Strings{"security_officer", "system_administrator"}));
  BOOST_TEST(ex.checklist.item("8.3").roles == Strings{"security_committee"});
  // 7(1)ア has no subject: the chapter's (職員等) is inherited
  BOOST_TEST(ex.checklist.item("7.1.a").roles == Strings{"staff"});
  // sections: chapters, and the (N) that have sub-clauses; 8(3) is an item of chapter 8
  BOOST_TEST(ex.checklist.sections().size() == 2u);
  BOOST_TEST(ex.checklist.sections()[0].clause == "8");  // NFKC on load
  BOOST_TEST(ex.checklist.sections()[0].sections.size() == 2u);
  BOOST_TEST(ex.checklist.sections()[0].items.size() == 1u);
  BOOST_TEST(ex.checklist.section("8.1").title == "監査");
}

BOOST_AUTO_TEST_CASE(roles_inherited_from_a_heading_or_an_intro_else_the_default) {
  const std::string text =
      "６ 技術的セキュリティ対策\n"
      "（４）不正プログラム対策\n"
      "ア 統括情報セキュリティ責任者の措置事項\n"
      "（ア）ファイルのチェックを行わなければならない。\n"
      "ウ 職員等の遵守事項\n"
      "職員等は、次の事項を遵守しなければならない。\n"
      "（ア）設定を変更してはならない。\n"
      "（５）その他\n"
      "ア ポートを閉鎖しなければならない。\n";
  auto ex = extract_checklist(text, options());
  BOOST_TEST(ex.checklist.item("6.4.a.1").roles == Strings{"chief_security_officer"});
  BOOST_TEST(ex.checklist.item("6.4.c.1").roles == Strings{"staff"});
  BOOST_TEST(ex.checklist.item("6.5.a").roles == Strings{"security_manager"});
  BOOST_TEST(ex.checklist.item("6.5.a").note.find("inherited") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(roles_from_a_sibling_and_from_the_main_clause) {
  const std::string text =
      "５ 人的セキュリティ対策\n"
      "（２）研修及び訓練\n"
      "ア 最高情報セキュリティ責任者（ＣＩＳＯ）は、研修を実施しなければならない。\n"
      "イ 新規採用の職員等に研修を受けさせなければならない。\n"
      "（３）電子メール\n"
      "ア "
      "情報システム管理者は、上限を設定しなければならない。また、上限を超えた場合には職員等が自らメールを削除しなければ"
      "ならない。\n"
      "イ 情報システム管理者が提供するウイルス情報を、常に確認しなければならない。\n"
      "ウ 職員等が外部からアクセスする場合は、許可を得なければならない。\n";
  auto ex = extract_checklist(text, options());
  BOOST_TEST(ex.checklist.item("5.2.b").roles == Strings{"ciso"});                  // from ア, its sibling
  BOOST_TEST(ex.checklist.item("5.3.a-2").roles == Strings{"staff"});               // 職員等が … main clause
  BOOST_TEST(ex.checklist.item("5.3.b").roles == Strings{"system_administrator"});  // sibling, not 「…が提供する」
  BOOST_TEST(ex.checklist.item("5.3.c").roles == Strings{"staff"});                 // 職員等が … 場合は
}

BOOST_AUTO_TEST_CASE(tiers_and_important_assets_with_the_bodys_names) {
  const std::string text =
      "２ 定義\n"
      "（１）業務系（マイナンバー利用事務系）\n"
      "個人番号利用事務に関わる情報システムをいう。\n"
      "（２）情報系（ＬＧＷＡＮ接続系）\n"
      "ＬＧＷＡＮに接続された情報システムをいう。\n"
      "３ 強靭性\n"
      "ア 業務系と情報系は通信できないようにしなければならない。\n"
      "イ L G W A N接続系とインターネット接続系を分離しなければならない。\n"
      "ウ 重要な情報資産を運搬する者は、許可を得なければならない。\n"
      "エ 情報システム管理者は、重要な情報資産を格納するサーバを二重化しなければならない。\n";
  auto ex = extract_checklist(text, options());
  BOOST_TEST(ex.checklist.item("3.a").applies_to.tiers == (Strings{"mynumber", "lgwan"}));
  BOOST_TEST(ex.checklist.item("3.b").applies_to.tiers == (Strings{"lgwan", "internet"}));
  // issue 16: carrying papers or media is every 課's business; a server holding them is not
  BOOST_TEST(!ex.checklist.item("3.c").applies_to.important_assets);
  BOOST_TEST(ex.checklist.item("3.d").applies_to.important_assets);
  BOOST_TEST(ex.checklist.item("3.c").roles == Strings{"staff"});
  BOOST_TEST(ex.checklist.tier_name("mynumber") == "業務系");
  BOOST_TEST(ex.checklist.tier_name("lgwan") == "情報系");
}

BOOST_AUTO_TEST_CASE(warnings_carry_source_lines) {
  const std::string text =
      "前文の職員等は、遵守しなければならない。\n"
      "１ 章\n"
      "ア 一つ目は、守らなければならない。\n"
      "ウ 三つ目は、守らなければならない。\n";
  auto ex = extract_checklist(text, options());
  bool skip = false, outside = false;
  for (const auto& w : ex.warnings) {
    if (w.line == 4 && w.message.find("skips") != std::string::npos) skip = true;
    if (w.line == 1 && w.message.find("outside any numbered clause") != std::string::npos) outside = true;
  }
  BOOST_TEST(skip);
  BOOST_TEST(outside);
  BOOST_TEST(ex.checklist.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_input_and_options) {
  ExtractOptions o = options();
  BOOST_CHECK_THROW(extract_checklist("ア \xff", o), libaudit::ValidationError);
  BOOST_CHECK_THROW(extract_checklist("１ 章\n何もない。\n", o), libaudit::ChecklistError);
  o.id = "Not Valid";
  BOOST_CHECK_THROW(extract_checklist("１ 章\nア 守らなければならない。\n", o), libaudit::ValidationError);
  o = options();
  o.part = "存在しない";
  BOOST_CHECK_THROW(extract_checklist("１ 章\nア 守らなければならない。\n", o), libaudit::ValidationError);
}

BOOST_AUTO_TEST_CASE(komaki_standard_every_item_traces_to_its_source,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  const std::string seed = read_seed("002_65e417b3328f2695.txt");
  ExtractOptions o = options();
  o.part = "対策基準";
  auto ex = extract_checklist(seed, o);
  BOOST_TEST(ex.checklist.size() >= 300u);
  BOOST_TEST(ex.checklist.size() <= 360u);
  // the seed with white space and page footers removed
  std::string squashed;
  {
    std::istringstream in(seed);
    for (std::string line; std::getline(in, line);) {
      std::string s = libaudit::text::squash_spaces(line);
      if (s.size() >= 3 && s.front() == '-' && s.back() == '-') continue;  // - 12 -
      squashed += s;
    }
  }
  for (const auto& item : ex.checklist.items()) {
    BOOST_TEST_CONTEXT(item.id) {
      BOOST_TEST(squashed.find(libaudit::text::squash_spaces(item.text)) != std::string::npos);
      BOOST_TEST(ex.clauses.find(item.clause, 1) != nullptr);
      BOOST_TEST(item.question.size() > 3u);
      BOOST_TEST(item.question.substr(item.question.size() - 6) == "か。");
    }
  }
  BOOST_TEST(ex.checklist.item("8.2.a.1").roles == (Strings{"security_officer", "system_administrator"}));
  BOOST_TEST(ex.checklist.item("8.1.a").roles == Strings{"chief_auditor"});
  BOOST_TEST(ex.checklist.item("1.1.c.1-2").roles == Strings{"chief_security_officer"});  // its 2nd sentence
}

// ---- issue 16: drafts ready to use -------------------------------------------------------

namespace {

const std::string kContinuous =
    "情報セキュリティ対策基準\n"
    "第1章 総則\n"
    "（目的）\n"
    "第1条 この基準は、情報資産を守ることを目的とする。\n"
    "（遵守）\n"
    "第2条 職員等は、この基準を遵守しなければならない。\n"
    "第2章 組織体制\n"
    "第1節 責任者\n"
    "第3条 統括情報セキュリティ責任者は、次の措置を講じなければならない。\n"
    "(1) 情報セキュリティインシデントに対処すること。\n"
    "(2) 情報セキュリティ対策を推進すること。\n"
    "2 情報セキュリティ責任者は、所管する課の情報資産を管理しなければならない。\n"
    "第2節 委員会\n"
    "第4条 情報セキュリティ委員会は、情報セキュリティポリシーを見直さなければならない。\n"
    "第3章 業務委託\n"
    "第5条 委託事業者は、契約を遵守しなければならない。\n"
    "2 監査人は、監査の記録を保管しなければならない。\n";

bool warned(const libaudit::Extraction& ex, const std::string& fragment) {
  for (const auto& d : ex.warnings)
    if (d.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(articles_numbered_through_chapters_give_clean_references) {
  auto ex = extract_checklist(kContinuous, options());
  BOOST_TEST(ex.warnings.empty());
  BOOST_TEST(!warned(ex, "numbering starts at"));
  const auto& c = ex.checklist;
  BOOST_TEST(c.item("2").clause == "第2条");
  BOOST_TEST(c.item("3.1").clause == "第3条(1)");
  BOOST_TEST(c.item("3.2").clause == "第3条(2)");
  BOOST_TEST(c.item("3.p2").clause == "第3条第2項");
  BOOST_TEST(c.item("4").clause == "第4条");
  BOOST_TEST(c.item("5-1").clause == "第5条");
  BOOST_TEST(c.item("5.p2").clause == "第5条第2項");
  // every id unique (the loader checks) and none carries the 章
  for (const auto& item : c.items()) BOOST_TEST(item.clause.find("章") == std::string::npos, item.id);
  // the same text extracted twice gives the same ids
  auto again = extract_checklist(kContinuous, options());
  BOOST_TEST(again.yaml == ex.yaml);
}

BOOST_AUTO_TEST_CASE(mito_articles_keep_their_references,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  ExtractOptions o = options();
  o.source_document = "004_c7b83743516ed7df.txt";
  auto ex = extract_checklist(read_seed("004_c7b83743516ed7df.txt"), o);
  BOOST_TEST(ex.warnings.empty());
  BOOST_TEST(ex.checklist.item("6.3.b").clause == "第6条(3)イ");
  BOOST_TEST(ex.checklist.item("5-1").clause == "第5条");
  BOOST_TEST(ex.checklist.item("7.p2").clause == "第7条第2項");
  // the same 基本方針 with its articles grouped into 章 (and numbered straight through them)
  std::string seed = read_seed("004_c7b83743516ed7df.txt");
  auto insert_before = [&](const std::string& at, const std::string& line) {
    const std::size_t p = seed.find(at);
    BOOST_REQUIRE(p != std::string::npos);
    seed.insert(seed.rfind('\n', p) + 1, line);
  };
  insert_before("### (目的)", "第1章 総則\n\n");
  insert_before("(遵守事項)", "第2章 対策\n\n");
  insert_before("（情報セキュリティポリシーの見直し及び改定）", "第3章 評価\n\n");
  auto grouped = extract_checklist(seed, o);
  BOOST_TEST(grouped.warnings.empty());
  BOOST_TEST(grouped.checklist.item("6.3.b").clause == "第6条(3)イ");
  BOOST_TEST(grouped.checklist.item("7.p2").clause == "第7条第2項");
  BOOST_TEST(grouped.checklist.size() == ex.checklist.size());
}

BOOST_AUTO_TEST_CASE(section_styles_are_parents_of_their_clauses) {
  auto ex = extract_checklist(
      "第3章 物理的セキュリティ\n"
      "３．１ サーバ等の管理\n"
      "情報システム管理者は、サーバを固定しなければならない。\n"
      "３．２ 管理区域\n"
      "（１）入退室管理\n"
      "ア 情報システム管理者は、入退室を記録しなければならない。\n"
      "イ 職員等は、身分証明書を携帯しなければならない。\n"
      "3.2.1 搬入\n"
      "情報システム管理者は、搬入する機器を確認しなければならない。\n"
      "第4章 技術的セキュリティ\n"
      "第1節 アクセス制御\n"
      "4―1―1 利用者ID\n"
      "（1）情報システム管理者は、利用者IDを管理しなければならない。\n"
      "4－1－2 パスワード\n"
      "職員等は、パスワードを他者に知られないようにしなければならない。\n",
      options());
  BOOST_REQUIRE_EQUAL(ex.warnings.size(), 1u);  // only: the fragment starts at 第3章
  BOOST_TEST(warned(ex, "starts at '第3章'"));
  const auto& c = ex.checklist;
  BOOST_TEST(c.item("3.1").clause == "3.1");
  BOOST_TEST(c.item("3.2.1.a").clause == "3.2(1)ア");
  BOOST_TEST(c.item("3.2.1.b").clause == "3.2(1)イ");
  BOOST_TEST(c.item("3.2.1").clause == "3.2.1");
  BOOST_TEST(c.item("4.1.1.1").clause == "4-1-1(1)");
  BOOST_TEST(c.item("4.1.2").clause == "4-1-2");
  BOOST_TEST(c.section("3.2").title == "管理区域");
}

BOOST_AUTO_TEST_CASE(audience_from_the_roles) {
  auto ex = extract_checklist(kContinuous, options());
  const auto& c = ex.checklist;
  // contractors' and auditors' duties are checked by an audit, not by a 課's self-inspection
  BOOST_TEST(!c.item("5-1").self_inspection);
  BOOST_TEST(c.item("5-1").audit);
  BOOST_TEST(!c.item("5.p2").self_inspection);
  BOOST_TEST(c.item("2").self_inspection);
  BOOST_TEST(c.item("4").self_inspection);
  BOOST_TEST(libaudit::audience_rule({"contractor"}) == Strings{"audit"});
  BOOST_TEST(libaudit::audience_rule({"auditor", "chief_auditor"}) == Strings{"audit"});
  BOOST_TEST(libaudit::audience_rule({"auditee"}) == Strings{"audit"});
  BOOST_TEST(libaudit::audience_rule({"staff", "contractor"}).empty());
  BOOST_TEST(libaudit::audience_rule({"ciso"}).empty());
}

BOOST_AUTO_TEST_CASE(respondent_in_the_draft) {
  auto ex = extract_checklist(
      "８ 情報セキュリティ対策\n"
      "（１）組織体制\n"
      "本市の情報資産について、全庁的な組織体制を確立する。\n"
      "（２）見直し\n"
      "情報セキュリティ委員会は、情報セキュリティポリシーを見直さなければならない。\n"
      "（３）遵守\n"
      "職員等は、情報セキュリティポリシーを遵守しなければならない。\n"
      "（４）管理\n"
      "統括情報セキュリティ責任者及び情報システム管理者は、ネットワークを管理しなければならない。\n",
      options());
  using libaudit::Respondent;
  const auto& c = ex.checklist;
  // the body's own commitment: stated, as the roles (the default 情報セキュリティ管理者) say otherwise
  BOOST_TEST((c.item("8.1").respondent == Respondent::body));
  BOOST_TEST(c.item("8.1").respondent_explicit);
  // the documented default from the roles, not written
  BOOST_TEST((c.item("8.2").respondent == Respondent::body));
  BOOST_TEST(!c.item("8.2").respondent_explicit);
  BOOST_TEST((c.item("8.3").respondent == Respondent::department));
  BOOST_TEST((c.item("8.4").respondent == Respondent::department));
  BOOST_TEST(ex.yaml.find("respondent:") == ex.yaml.rfind("respondent:"));  // written once
}

BOOST_AUTO_TEST_CASE(respondent_of_the_bodys_own_commitments) {
  using libaudit::ObligationKind;
  using libaudit::respondent_rule;
  // a 基本方針's plain-form commitment with no actor anywhere: the body answers it once
  BOOST_TEST(respondent_rule("本市の情報資産について、全庁的な組織体制を確立する。", ObligationKind::rule, true) ==
             "body");
  BOOST_TEST(respondent_rule("本市は、情報セキュリティ対策を講じなければならない。", ObligationKind::must, true) ==
             "body");
  // a duty without an actor stays with the 課 (the default 情報セキュリティ管理者)
  BOOST_TEST(respondent_rule("パスワードを共有しないこと。", ObligationKind::duty_item, true).empty());
  // an actor named in the sentence or its context: the loader's default from the roles
  BOOST_TEST(respondent_rule("組織体制を確立する。", ObligationKind::rule, false).empty());
}

BOOST_AUTO_TEST_CASE(important_assets_only_for_systems_that_hold_them) {
  using libaudit::important_assets_rule;
  // systems, servers, lines, 管理区域 holding them (小牧市 4(1)イ, 4(2)イ(エ), 4(3)エ)
  BOOST_TEST(
      important_assets_rule("情報システム管理者は、重要な情報資産を格納している情報システム装置を二重化するなど"
                            "して、情報システムの運用が停止しないようにしなければならない。"));
  BOOST_TEST(
      important_assets_rule("情報システム管理者は、重要な情報資産を扱うシステムを設置している管理区域について、"
                            "当該情報システムに関連しないコンピュータ等を持ち込ませないようにしなければならない。"));
  BOOST_TEST(
      important_assets_rule("情報セキュリティ責任者及び情報システム管理者は、重要な情報資産を取り扱う情報シス"
                            "テムに通信回線を接続する場合、適切な回線を選択しなければならない。"));
  // papers and media people handle, which every 課 has (小牧市 2(2)オ(エ), キ, ク, ケ; 7(6)イ)
  BOOST_TEST(!important_assets_rule("重要な情報資産が記載された書類を机上に放置してはならない。"));
  BOOST_TEST(
      !important_assets_rule("情報セキュリティ管理者又は情報システム管理者は、重要な情報資産の情報を記録した外部"
                             "電磁的記録媒体を保管する場合、施錠可能な場所に保管しなければならない。"));
  BOOST_TEST(
      !important_assets_rule("重要な情報資産を運搬する者は、情報セキュリティ管理者に許可を得なければならない。"));
  BOOST_TEST(
      !important_assets_rule("重要な情報資産を外部に提供する者は、必要に応じ暗号化又はパスワードの設定を行わなけ"
                             "ればならない。"));
  BOOST_TEST(
      !important_assets_rule("重要な情報資産の廃棄を行う者は、情報セキュリティ管理者の許可を得なければならない。"));
  BOOST_TEST(!important_assets_rule("重要な情報資産はソーシャルメディアサービスで発信してはならない。"));
  BOOST_TEST(
      important_assets_rule("統括情報セキュリティ責任者は、機密性の高い情報を取り扱うネットワークについて、"
                            "暗号化等の措置を講じなければならない。"));
  auto ex = extract_checklist("１ 管理\nア 職員等は、重要な情報資産が記載された書類を机上に放置してはならない。\n",
                              options());
  BOOST_TEST(!ex.checklist.items().front().applies_to.important_assets);
  // a sentence continuing the one before it in its clause takes its restriction
  auto more = extract_checklist(
      "１ 通信回線\nア 情報システム管理者は、重要な情報資産を取り扱う情報システムに通信回線を接続する場合、適切な回線を"
      "選択しなければならない。また、必要に応じ、情報の暗号化を行わなければならない。\n"
      "イ 職員等は、通信回線を確認しなければならない。また、必要に応じ、報告しなければならない。\n",
      options());
  BOOST_TEST(more.checklist.item("1.a").applies_to.important_assets);
  BOOST_TEST(more.checklist.item("1.a-2").applies_to.important_assets);
  BOOST_TEST(!more.checklist.item("1.b-2").applies_to.important_assets);
}

BOOST_AUTO_TEST_CASE(questions_read_naturally) {
  using libaudit::question_problems;
  // dangling topics are rewritten: を when the rest has no object, について when it has one,
  // が before a passive or a copula
  BOOST_TEST(question_for("情報資産は、その重要性に応じて分類しなければならない。") ==
             "情報資産をその重要性に応じて分類しているか。");
  BOOST_TEST(question_for("職員等は、仮のパスワードは、最初のログイン時点で変更しなければならない。") ==
             "仮のパスワードを最初のログイン時点で変更しているか。");
  BOOST_TEST(question_for("外部ネットワークから受信したファイルは、ゲートウェイにおいてチェックを行わなければ"
                          "ならない。") ==
             "外部ネットワークから受信したファイルについて、ゲートウェイにおいてチェック"
             "を行っているか。");
  BOOST_TEST(question_for("通信回線は、暗号化されなければならない。") == "通信回線が暗号化されているか。");
  BOOST_TEST(question_for("情報システム管理者は、その所管する情報システムの記録を取得しなければならない。") ==
             "所管する情報システムの記録を取得しているか。");
  // conditions are not topics
  BOOST_TEST(question_for("職員等は、パスワードが流出した場合は、直ちに変更しなければならない。") ==
             "パスワードが流出した場合は、直ちに変更しているか。");
  BOOST_TEST(question_for("ただし、やむを得ず許可する場合は、措置を講じなければならない。") ==
             "やむを得ず許可する場合は、措置を講じているか。");
  // the question for an ending the rules do not know still ends in か。
  BOOST_TEST(libaudit::fallback_question("端末は施錠された場所に置かれる。") ==
             "「端末は施錠された場所に置かれる」を遵守しているか。");
  // the check
  BOOST_TEST(question_problems("情報資産を分類しているか。").empty());
  BOOST_TEST(question_problems("情報資産は、分類しているか。").size() == 1u);
  BOOST_TEST(question_problems("情報資産をを分類しているか。").size() == 1u);
  BOOST_TEST(question_problems("情報資産の、、分類").size() == 2u);
  BOOST_TEST(question_problems("情報資産を分類しているか").size() == 1u);
  BOOST_TEST(question_problems("事故が発生した場合は、報告しているか。").empty());
  BOOST_TEST(question_problems("調達にあたっては、明記しているか。").empty());
  BOOST_TEST(question_problems("多いものの、のの字").size() == 2u);  // ものの is a word; のの字 is not; no か。
}

BOOST_AUTO_TEST_CASE(komaki_questions_pass_the_naturalness_check,
                     *boost::unit_test::label("seeds") * boost::unit_test::precondition(seeds_available)) {
  ExtractOptions o = options();
  o.part = "対策基準";
  auto ex = extract_checklist(read_seed("002_65e417b3328f2695.txt"), o);
  for (const auto& item : ex.checklist.items())
    BOOST_TEST(libaudit::question_problems(item.question).empty(), item.id << ": " << item.question);
  BOOST_TEST(ex.warnings.empty());
}

BOOST_AUTO_TEST_CASE(topics_that_are_actors_or_conjunctions) {
  // または in kana is a conjunction, not a topic (小牧市 5(3)ア)
  BOOST_TEST(libaudit::question_problems("発生を認知、または、通報を受けた場合には、報告しているか。").empty());
  BOOST_TEST(question_for("職員等は、発生を認知、または、通報を受けた場合には、報告しなければならない。") ==
             "発生を認知、または、通報を受けた場合には、報告しているか。");
  // an actor the role table does not know in full (岡山市 5): が, not を or について
  BOOST_TEST(
      question_for("一般職の職員等（再任用職員、臨時的任用職員を含む）及びアルバイトは、情報セキュリティポリシー"
                   "を遵守しなければならない。") ==
      "一般職の職員等（再任用職員、臨時的任用職員を含む）及びアルバイトが情報セキュリティポリシーを遵守しているか。");
  BOOST_TEST(question_for("委託事業者に委託する場合、情報システム管理者は、契約を締結しなければならない。") ==
             "委託事業者に委託する場合、契約を締結しているか。");
}

BOOST_AUTO_TEST_CASE(an_unnatural_question_is_warned_with_its_line) {
  // a typo of the source (をを) survives into the question: the draft says so, with the line
  auto ex = extract_checklist("１ 管理\nア 職員等は、情報資産をを管理しなければならない。\n", options());
  BOOST_REQUIRE_EQUAL(ex.warnings.size(), 1u);
  BOOST_TEST(ex.warnings[0].line == 2);
  BOOST_TEST(ex.warnings[0].message.find("reads unnaturally") != std::string::npos);
  BOOST_TEST(ex.warnings[0].message.find("をを") != std::string::npos);
}
