// The label table (vocabulary.h): every vocabulary, its ids and Japanese labels.
#define BOOST_TEST_MODULE vocabulary
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "libaudit/base/vocabulary.h"

using namespace libaudit;

namespace {
std::vector<std::pair<std::string, std::string>> pairs(Vocabulary v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Term& t : terms(v)) out.emplace_back(t.id, t.label);
  return out;
}
using Pairs = std::vector<std::pair<std::string, std::string>>;
}  // namespace

BOOST_AUTO_TEST_CASE(every_vocabulary_is_non_empty_with_unique_ids_and_labels) {
  BOOST_TEST(vocabularies().size() == 20u);  // 13 + the audit stage's plan_state … audit_judgement + evidence_status
  // + answer_progress
  for (Vocabulary v : vocabularies()) {
    BOOST_TEST_CONTEXT(to_string(v)) {
      BOOST_TEST(!terms(v).empty());
      std::set<std::string_view> ids, labels;
      for (const Term& t : terms(v)) {
        BOOST_TEST(!t.id.empty());
        BOOST_TEST(!t.label.empty());
        BOOST_TEST(ids.insert(t.id).second);
        BOOST_TEST(labels.insert(t.label).second);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(id_of_accepts_the_id_and_the_label) {
  for (Vocabulary v : vocabularies()) {
    for (const Term& t : terms(v)) {
      BOOST_TEST(id_of(v, t.id).value_or("") == t.id);
      BOOST_TEST(id_of(v, t.label).value_or("") == t.id);
      BOOST_TEST(label_of(v, t.id) == t.label);
    }
  }
  BOOST_TEST(!id_of(Vocabulary::answer, "maybe"));
  BOOST_TEST(!id_of(Vocabulary::answer, " 実施している"));  // callers normalise
  BOOST_TEST(!id_of(Vocabulary::severity, "自己点検"));     // another vocabulary's label
  BOOST_TEST(label_of(Vocabulary::answer, "maybe") == "");
  BOOST_TEST(label_of(Vocabulary::finding_state, "") == "");
}

BOOST_AUTO_TEST_CASE(vocabulary_names_round_trip) {
  for (Vocabulary v : vocabularies()) BOOST_TEST((parse_vocabulary(to_string(v)) == v));
  BOOST_TEST(to_string(Vocabulary::cycle_kind) == "cycle_kind");
  BOOST_TEST(to_string(Vocabulary::exception_status) == "exception_status");
  BOOST_TEST(to_string(Vocabulary::check_answer) == "check_answer");
  BOOST_TEST((parse_vocabulary("check_answer") == Vocabulary::check_answer));
  BOOST_TEST(!parse_vocabulary("colour"));
  BOOST_TEST(!parse_vocabulary(""));
}

// The labels are the strings the stages printed before they moved here.
BOOST_AUTO_TEST_CASE(labels_equal_the_old_strings) {
  BOOST_TEST((pairs(Vocabulary::answer) == Pairs{{"implemented", "実施している"},
                                                 {"partial", "一部実施している"},
                                                 {"not_implemented", "実施していない"},
                                                 {"not_applicable", "該当しない"},
                                                 {"unknown", "わからない"}}));
  BOOST_TEST((pairs(Vocabulary::cycle_kind) ==
              Pairs{{"self_inspection", "自己点検"}, {"internal_audit", "内部監査"}, {"external_audit", "外部監査"}}));
  BOOST_TEST((pairs(Vocabulary::cycle_status) == Pairs{{"planned", "計画中"}, {"open", "実施中"}, {"closed", "終了"}}));
  BOOST_TEST((pairs(Vocabulary::severity) == Pairs{{"major_nonconformity", "重大な不適合"},
                                                   {"minor_nonconformity", "軽微な不適合"},
                                                   {"observation", "観察事項"},
                                                   {"recommendation", "推奨事項"}}));
  BOOST_TEST((pairs(Vocabulary::finding_state) == Pairs{{"draft", "未確定"},
                                                        {"open", "未対応"},
                                                        {"plan_submitted", "改善計画提出済"},
                                                        {"in_remediation", "改善中"},
                                                        {"remediation_reported", "改善報告済"},
                                                        {"verified", "確認済(完了)"},
                                                        {"risk_accepted", "リスク受容"},
                                                        {"discarded", "取消"}}));
  BOOST_TEST((pairs(Vocabulary::exception_status) == Pairs{{"requested", "申請中"},
                                                           {"approved", "承認"},
                                                           {"rejected", "却下"},
                                                           {"taken", "緊急実施(未報告)"},
                                                           {"reported", "緊急実施(報告済)"}}));
  BOOST_TEST((pairs(Vocabulary::check_answer) ==
              Pairs{{"checked_no_issue", "問題なし"}, {"same_issue_found", "同様の問題あり"}}));
  BOOST_TEST(terms(Vocabulary::role).size() == 13u);
  BOOST_TEST(terms(Vocabulary::role).front().id == "ciso");
  BOOST_TEST(label_of(Vocabulary::role, "security_manager") == "情報セキュリティ管理者");
  BOOST_TEST(label_of(Vocabulary::tier, "lgwan") == "LGWAN接続系");
}

BOOST_AUTO_TEST_CASE(roles_and_tiers_are_the_vocabularies) {
  BOOST_TEST(builtin_roles().data() == terms(Vocabulary::role).data());
  BOOST_TEST(tiers().data() == terms(Vocabulary::tier).data());
  BOOST_TEST(find_role("auditor")->label == "監査人");
  BOOST_TEST(find_tier("internet")->label == "インターネット接続系");
  BOOST_TEST(!find_role("mynumber"));
  BOOST_TEST(!find_tier("ciso"));
}

namespace {
enum class Colour { red, green };
constexpr EnumName<Colour> kColours[] = {{Colour::red, "red"}, {Colour::green, "green"}, {Colour::green, "lime"}};
}  // namespace

BOOST_AUTO_TEST_CASE(enum_name_tables) {
  BOOST_TEST(name_of(kColours, Colour::green) == "green");  // the first name is the printed one
  BOOST_TEST(name_of(kColours, Colour(7), "?") == "?");
  BOOST_TEST((value_of(kColours, "lime") == Colour::green));
  BOOST_TEST(!value_of(kColours, "blue"));
  static_assert(name_of(kColours, Colour::red) == "red");
}

namespace {
// An enum spelled by a vocabulary, declared in the order of its terms.
enum class Status { planned, open, closed };
}  // namespace

BOOST_AUTO_TEST_CASE(enum_maps_follow_the_order_of_the_terms) {
  BOOST_TEST(enum_id(Vocabulary::cycle_status, Status::planned) == "planned");
  BOOST_TEST(enum_id(Vocabulary::cycle_status, Status::closed) == "closed");
  BOOST_TEST(enum_id(Vocabulary::cycle_status, static_cast<Status>(7), "fallback") == "fallback");
  BOOST_TEST((enum_of_id<Status>(Vocabulary::cycle_status, "open") == Status::open));
  BOOST_TEST(!enum_of_id<Status>(Vocabulary::cycle_status, "実施中").has_value());  // ids only
  BOOST_TEST((enum_of<Status>(Vocabulary::cycle_status, "実施中") == Status::open));
  BOOST_TEST((enum_of<Status>(Vocabulary::cycle_status, "closed") == Status::closed));
  BOOST_TEST(!enum_of<Status>(Vocabulary::cycle_status, "finished").has_value());
}
