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
      "ウ 重要な情報資産を運搬する者は、許可を得なければならない。\n";
  auto ex = extract_checklist(text, options());
  BOOST_TEST(ex.checklist.item("3.a").applies_to.tiers == (Strings{"mynumber", "lgwan"}));
  BOOST_TEST(ex.checklist.item("3.b").applies_to.tiers == (Strings{"lgwan", "internet"}));
  BOOST_TEST(ex.checklist.item("3.c").applies_to.important_assets);
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
