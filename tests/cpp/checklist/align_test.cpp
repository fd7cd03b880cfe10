// Alignment with the model checklist (libaudit/checklist/align.h, docs/alignment.md): derived
// mappings with their evidence, stated ones taken as given, citations, coverage, profiles,
// refusals, and the same result from several threads at once.
#define BOOST_TEST_MODULE align
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "libaudit/checklist/align.h"

using libaudit::align;
using libaudit::AlignOptions;
using libaudit::Checklist;

namespace {

const std::string kModel = R"yaml(format: 1
kind: model
id: model
title: 標準点検表
version: "2025-03"
source: {document: guideline, title: ガイドライン, revised: "2025-03-31"}
sections:
  - id: M-1
    clause: "1"
    title: 評価・見直し
    sections:
      - id: M-1.1
        clause: "1.1"
        title: 監査
        items:
          - id: M-1.1.1
            clause: "1.1.1"
            text: "{{role.chief_auditor}}は、情報セキュリティ対策の状況について定期的に監査を行う。"
            question: 情報セキュリティ対策の状況について、定期的に監査を行っているか。
            roles: [chief_auditor]
            sources: [{document: 002_x.txt, part: 対策基準, clause: "8(1)ア"}]
          - id: M-1.1.2
            clause: "1.1.2"
            text: 監査証拠と監査調書を適正に保管する。
            question: 監査証拠と監査調書を適正に保管しているか。
            roles: [chief_auditor]
            basis: 試験用
      - id: M-1.2
        clause: "1.2"
        title: 自己点検
        items:
          - id: M-1.2.1
            clause: "1.2.1"
            text: "{{role.security_manager}}は、所管する部署の自己点検を行う。"
            question: 所管する部署について、自己点検を行っているか。
            roles: [security_manager]
            basis: 試験用
  - id: M-2
    clause: "2"
    title: 強靱性
    sections:
      - id: M-2.1
        clause: "2.1"
        title: ＬＧＷＡＮ接続系
        items:
          - id: M-2.1.1
            clause: "2.1.1"
            text: "{{tier.lgwan}}の端末に多要素認証を導入する。"
            question: "{{tier.lgwan}}の端末に多要素認証を導入しているか。"
            roles: [chief_security_officer]
            applies_to: {network_models: [alpha_prime]}
            basis: 試験用
)yaml";

const std::string kBody = R"yaml(format: 1
id: body
title: 試験市点検表
version: "1"
body: 試験市
source: {document: 002_x.txt, title: 試験市情報セキュリティ対策基準}
sections:
  - id: "8"
    clause: "8"
    title: 評価及び見直し
    items:
      - id: "8.1"
        clause: "8(1)ア"
        text: 監査統括責任者は、ネットワーク及び情報システムの情報セキュリティ対策状況について、必要に応じて監査を行わなければならない。
        question: ネットワーク及び情報システムの情報セキュリティ対策状況について、必要に応じて監査を行っているか。
        roles: [chief_auditor]
      - id: "8.2"
        clause: "8(2)ア"
        text: 情報セキュリティ管理者は、所管する部署の情報セキュリティ対策状況について、自己点検を行わなければならない。
        question: 所管する部署の情報セキュリティ対策状況について、自己点検を行っているか。
        roles: [security_manager]
      - id: "8.3"
        clause: "8(3)"
        text: 職員等は、庁舎の花壇に水をやらなければならない。
        question: 庁舎の花壇に水をやっているか。
        roles: [staff]
        model: M-1.1.2
)yaml";

const libaudit::ItemAlignment& of(const libaudit::Alignment& a, const std::string& id) {
  return *std::find_if(a.items.begin(), a.items.end(), [&](const auto& i) { return i.item == id; });
}

}  // namespace

BOOST_AUTO_TEST_CASE(derived_mappings_carry_their_evidence) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  const Checklist body = Checklist::from_yaml(kBody, "body.yaml");
  AlignOptions o;
  o.use_stated = false;
  const auto a = align(body, model, o);
  BOOST_TEST(a.items.size() == 3u);
  const auto& audit = of(a, "8.1");
  BOOST_TEST(audit.mapped == std::vector<std::string>{"M-1.1.1"});
  const auto& best = audit.candidates.front();
  BOOST_TEST(best.cited);  // the model cites 8(1)ア of this document's 対策基準
  BOOST_TEST(best.roles == 1.0);
  BOOST_TEST(best.confidence >= 0.5);
  BOOST_TEST(!best.phrases.empty());
  const auto& self = of(a, "8.2");
  BOOST_TEST(self.mapped == std::vector<std::string>{"M-1.2.1"});
  BOOST_TEST(!self.candidates.front().cited);
  BOOST_TEST(of(a, "8.3").mapped.empty());  // no measure of the model waters flowers
  for (const auto& i : a.items)
    for (const auto& c : i.candidates) {
      BOOST_TEST(c.confidence >= 0.0);
      BOOST_TEST(c.confidence <= 1.0);
    }
}

BOOST_AUTO_TEST_CASE(a_stated_mapping_is_taken_as_given) {
  const auto a = align(Checklist::from_yaml(kBody, "body.yaml"), Checklist::from_yaml(kModel, "model.yaml"));
  const auto& flowers = of(a, "8.3");
  BOOST_TEST(flowers.stated);
  BOOST_TEST(flowers.mapped == std::vector<std::string>{"M-1.1.2"});
  BOOST_TEST(flowers.candidates.front().stated);
  BOOST_TEST(flowers.candidates.front().confidence == 1.0);
}

BOOST_AUTO_TEST_CASE(coverage_by_chapter_and_profile) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  const Checklist body = Checklist::from_yaml(kBody, "body.yaml");
  AlignOptions o;
  o.use_stated = false;
  auto a = align(body, model, o);
  BOOST_REQUIRE(a.chapters.size() == 2u);
  BOOST_TEST(a.chapters[0].id == "M-1");
  BOOST_TEST(a.chapters[0].total == 3u);
  BOOST_TEST(a.chapters[0].covered == 2u);
  BOOST_TEST(a.chapters[0].missing == std::vector<std::string>{"M-1.1.2"});
  BOOST_TEST(a.chapters[1].missing == std::vector<std::string>{"M-2.1.1"});
  BOOST_TEST(a.total == 4u);
  o.network_model = "beta";  // the α′ measure is not the body's
  a = align(body, model, o);
  BOOST_TEST(a.chapters[1].total == 0u);
  BOOST_TEST(a.total == 3u);
}

BOOST_AUTO_TEST_CASE(only_a_model_is_aligned_with) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  const Checklist body = Checklist::from_yaml(kBody, "body.yaml");
  BOOST_CHECK_THROW(align(body, body), libaudit::ValidationError);
  BOOST_CHECK_THROW(align(model, model), libaudit::ValidationError);
  BOOST_TEST(libaudit::is_model_checklist(model));
  BOOST_TEST(!libaudit::is_model_checklist(body));
}

BOOST_AUTO_TEST_CASE(threads_get_the_same_result) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  const Checklist body = Checklist::from_yaml(kBody, "body.yaml");
  const auto expected = align(body, model);
  std::vector<libaudit::Alignment> got(4);
  std::vector<std::thread> threads;
  for (auto& g : got) threads.emplace_back([&] { g = align(body, model); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    BOOST_TEST(g.covered == expected.covered);
    for (std::size_t i = 0; i < g.items.size(); ++i) BOOST_TEST(g.items[i].mapped == expected.items[i].mapped);
  }
}
