// The benchmark (benchmark.h): counts mapped onto the model (an item naming two model items, two
// items naming one, an unmapped item) against a hand computation, 偏差値 with two bodies, one body
// and equal scores, bodies on one shared checklist, the refusals, and the anonymous labels.
#define BOOST_TEST_MODULE benchmark
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "libaudit/scoring/benchmark.h"

using namespace libaudit;

namespace {

// Model: M-1 with M-1.1.1 (weight 1), M-1.1.2 (weight 2); M-2 with M-2.1.1 (weight 1).
const std::string kModel = R"yaml(format: 1
kind: model
id: model
title: 標準点検表
version: "1"
source: {document: m.txt, title: ガイドライン}
sections:
  - id: M-1
    clause: "1"
    title: 組織体制
    sections:
      - id: M-1.1
        clause: "1.1"
        title: 体制
        items:
          - {id: M-1.1.1, clause: "1.1(1)", text: 体制を整備しなければならない。, question: 体制を整備しているか。, roles: [staff], basis: test}
          - {id: M-1.1.2, clause: "1.1(2)", text: 研修を受けなければならない。, question: 研修を受けているか。, roles: [staff], basis: test, weight: 2}
  - id: M-2
    clause: "2"
    title: 運用
    sections:
      - id: M-2.1
        clause: "2.1"
        title: 監視
        items:
          - {id: M-2.1.1, clause: "2.1(1)", text: 監視しなければならない。, question: 監視しているか。, roles: [staff], basis: test}
)yaml";

std::string body_yaml(const std::string& id, const std::vector<std::pair<std::string, std::string>>& items) {
  std::string y = "format: 1\nid: " + id +
                  "\ntitle: 点検表\nversion: \"1\"\nbody: テスト市\nsource: {document: t.txt, title: 基準}\n"
                  "sections:\n  - id: \"1\"\n    clause: \"1\"\n    title: 全般\n    items:\n";
  int n = 0;
  for (const auto& [item, model] : items) {
    ++n;
    y += "      - {id: " + item + ", clause: \"1(" + std::to_string(n) + ")\", text: 実施しなければならない。, " +
         "question: 実施しているか。, roles: [staff]" + (model.empty() ? "" : ", model: " + model) + "}\n";
  }
  return y;
}

BenchmarkInput input(const std::string& body, const std::string& yaml,
                     const std::vector<std::pair<std::string, Answer>>& answers) {
  Cycle c;
  c.id = 1;
  c.fiscal_year = 2025;
  CycleData d(c, body, Checklist::from_yaml(yaml), {{"101", "総務課", "100", "総務部", {}, false, false}});
  for (const auto& [item, a] : answers) d.set_answer("101", item, a);
  return {body, CycleAt{{}, std::move(d), {}}, {}};
}

std::vector<BenchmarkInput> two_bodies() {
  std::vector<BenchmarkInput> in;
  in.push_back(input("甲市",
                     body_yaml("x", {{"x1", "[M-1.1.1, M-1.1.2]"}, {"x2", "M-1.1.1"}, {"x3", ""}, {"x4", "M-2.1.1"}}),
                     {{"x1", Answer::implemented},
                      {"x2", Answer::not_implemented},
                      {"x3", Answer::implemented},
                      {"x4", Answer::partial}}));
  in.push_back(input("乙町", body_yaml("y", {{"y1", "M-1.1.1"}, {"y2", "M-2.1.1"}}),
                     {{"y1", Answer::implemented}, {"y2", Answer::not_implemented}}));
  return in;
}

}  // namespace

BOOST_AUTO_TEST_CASE(model_chapters_by_hand) {
  const Checklist model = Checklist::from_yaml(kModel);
  const Benchmark b = benchmark(two_bodies(), {&model});
  BOOST_TEST(b.model_map);
  BOOST_REQUIRE_EQUAL(b.chapters.size(), 2u);
  const BenchmarkBody &x = b.bodies[0], &y = b.bodies[1];
  // X: M-1.1.1 pools x1 (implemented) and x2 (not): 1 of 2, weight 1; M-1.1.2 has x1: 1 of 1,
  // weight 2. M-1 = 100 (1 + 2) / (2 + 2) = 75; M-2 = 50; overall 100 (1 + 2 + 0.5) / (2 + 2 + 1) = 70.
  BOOST_TEST(x.chapter_scores[0] == 75.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x.chapter_scores[1] == 50.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x.score == 70.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x.unmapped_items == 1u);
  BOOST_TEST(x.model_items == 3u);
  BOOST_TEST(x.counts.answered() == 4u);  // x1 twice, x2, x4; x3 left out
  // Y: M-1 = 100, M-2 = 0, overall 100 · 1 / 2 = 50.
  BOOST_TEST(y.chapter_scores[0] == 100.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(y.chapter_scores[1] == 0.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(y.score == 50.0, boost::test_tools::tolerance(1e-9));
  // Two bodies: 60 for the higher, 40 for the lower.
  BOOST_TEST(x.deviation == 60.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(y.deviation == 40.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x.chapter_deviations[0] == 40.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x.chapter_deviations[1] == 60.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(deviations_rule) {
  const std::vector<double> xs = {100, 50, 50, kNoScore};
  const std::vector<double> d = deviations(xs);
  const double mean = 200.0 / 3, sd = std::sqrt((std::pow(100 - mean, 2) + 2 * std::pow(50 - mean, 2)) / 3);
  BOOST_TEST(d[0] == 50 + 10 * (100 - mean) / sd, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(d[1] == 50 + 10 * (50 - mean) / sd, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(std::isnan(d[3]));
  BOOST_TEST(deviations(std::vector<double>{70.0})[0] == 50.0);
  BOOST_TEST((deviations(std::vector<double>{60.0, 60.0}) == std::vector<double>{50.0, 50.0}));
}

BOOST_AUTO_TEST_CASE(shared_checklist_and_refusals) {
  std::vector<BenchmarkInput> in = two_bodies();
  BOOST_CHECK_THROW(benchmark(in, {}), ValidationError);  // different checklists, no model
  BOOST_CHECK_THROW(benchmark({}, {}), ValidationError);
  const Checklist not_model = in[0].at.data.checklist();
  BOOST_CHECK_THROW(benchmark(in, {&not_model}), ValidationError);
  const Checklist model = Checklist::from_yaml(kModel);
  std::vector<BenchmarkInput> bad;
  bad.push_back(input("丙村", body_yaml("z", {{"z1", "M-9.9.9"}}), {{"z1", Answer::implemented}}));
  BOOST_CHECK_THROW(benchmark(bad, {&model}), ValidationError);
  // One checklist shared: its own chapters, the body's own rate.
  std::vector<BenchmarkInput> same;
  same.push_back(input("甲市", body_yaml("s", {{"s1", ""}, {"s2", ""}}), {{"s1", Answer::implemented}}));
  same.push_back(input("乙町", body_yaml("s", {{"s1", ""}, {"s2", ""}}),
                       {{"s1", Answer::implemented}, {"s2", Answer::not_implemented}}));
  const Benchmark b = benchmark(same, {});
  BOOST_TEST(!b.model_map);
  BOOST_TEST(b.checklist_id == "s");
  BOOST_TEST(b.bodies[0].score == 100.0);
  BOOST_TEST(b.bodies[1].score == 50.0);
}

BOOST_AUTO_TEST_CASE(anonymous_labels_stable_and_complete) {
  const std::vector<std::string> names = {"小牧市", "岡山市", "山田町", "所沢市議会", "東部広域連合", "無名"};
  const std::vector<std::string> a = anonymous_labels(names, "k");
  std::vector<std::string> reversed(names.rbegin(), names.rend());
  std::vector<std::string> b = anonymous_labels(reversed, "k");
  std::reverse(b.begin(), b.end());
  BOOST_TEST(a == b);  // the input order does not matter
  std::vector<std::string> letters;
  for (const std::string& l : a) letters.push_back(l.substr(0, 1));
  std::sort(letters.begin(), letters.end());
  BOOST_TEST((letters == std::vector<std::string>{"A", "B", "C", "D", "E", "F"}));
  BOOST_TEST(a[2].substr(1) == "町");
  BOOST_TEST(a[3].substr(1) == "市議会");
  BOOST_TEST(a[4].substr(1) == "広域連合");
  BOOST_TEST(a[5].size() == 1u);  // no known kind: the letter alone
  BOOST_TEST(body_kind("小牧市") == "市");
  // Anonymised, the rows are in the letters' order and hold no name.
  const Checklist model = Checklist::from_yaml(kModel);
  BenchmarkOptions o{&model, true, "k"};
  const Benchmark r = benchmark(two_bodies(), o);
  BOOST_TEST(r.anonymised);
  BOOST_TEST(r.bodies[0].label.substr(0, 1) == "A");
  BOOST_TEST(r.bodies[1].label.substr(0, 1) == "B");
  for (const BenchmarkBody& body : r.bodies) BOOST_TEST(body.label.find("甲") == std::string::npos);
}
