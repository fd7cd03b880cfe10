// Body profiles: every validation rule with a failing input, asserting where it is reported;
// checklist_for_body: placeholders filled, items left out, the result a body checklist that
// round-trips through YAML, a placeholder it cannot fill refused where it is in the model.
#define BOOST_TEST_MODULE profile
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "libaudit/checklist/checklist.h"
#include "libaudit/checklist/profile.h"

using libaudit::BodyKind;
using libaudit::BodyProfile;
using libaudit::Checklist;
using libaudit::ChecklistError;
using libaudit::Diagnostic;
using libaudit::NetworkModel;

namespace {

// A valid profile; tests replace parts of it. Line numbers below refer to this text.
const std::string kProfile = R"yaml(body: 架空町
kind: town
id: kakuu-town
secretariat: 総務課
network_model: beta
server_room: false
roles:
  ciso: 情報セキュリティ最高責任者（副町長）
  csirt: 架空町CSIRT
tiers:
  mynumber: 住民情報系
)yaml";

// A small model: placeholders in section titles, text, question, evidence and note.
// Line numbers below refer to this text.
const std::string kModel = R"yaml(kind: model
id: model
title: 標準点検表
version: "2025-03"
source: {document: guideline, title: ガイドライン}
sections:
  - id: M-1
    clause: "1"
    title: "{{body}}の組織体制"
    items:
      - id: M-1.1
        clause: "1(1)"
        text: "{{role.ciso}}を置く。"
        question: "{{body}}は{{role.ciso}}を置いているか。"
        roles: [ciso]
        evidence: ["{{secretariat}}の名簿"]
        sources: [{document: 002_65e417b3328f2695.txt, part: 対策基準, clause: "1(1)ア(ア)"}]
      - id: M-1.2
        clause: "1(2)"
        text: "{{tier.mynumber}}と{{tier.lgwan}}を分離する。"
        question: "{{tier.mynumber}}を分離しているか。"
        roles: [security_manager]
        note: "{{role.csirt}}に報告する。"
        basis: テスト
  - id: M-3
    clause: "3"
    title: 強靱性
    items:
      - id: M-3.1
        clause: "3(1)"
        text: 無害化通信を行う。
        question: 無害化通信を行っているか。
        roles: [system_administrator]
        applies_to: {network_models: [alpha, alpha_prime]}
        basis: テスト
      - id: M-3.2
        clause: "3(2)"
        text: 業務端末を監視する。
        question: 業務端末を監視しているか。
        roles: [system_administrator]
        applies_to: {network_models: [beta, beta_prime]}
        basis: テスト
  - id: M-4
    clause: "4"
    title: 物理的
    items:
      - id: M-4.1
        clause: "4(1)"
        text: 管理区域の入退室を記録する。
        question: 管理区域の入退室を記録しているか。
        roles: [system_administrator]
        applies_to: {server_room: true}
        basis: テスト
)yaml";

template <class F>
std::vector<Diagnostic> diagnostics_of(F&& f) {
  try {
    f();
  } catch (const ChecklistError& e) {
    return e.diagnostics();
  }
  BOOST_FAIL("expected ChecklistError");
  return {};
}

std::vector<Diagnostic> profile_diagnostics(const std::string& yaml, const libaudit::LoadOptions& o = {}) {
  return diagnostics_of([&] { BodyProfile::from_yaml(yaml, "p.yaml", o); });
}

std::string with(const std::string& from, const std::string& to, std::string base = kProfile) {
  auto pos = base.find(from);
  BOOST_REQUIRE_MESSAGE(pos != std::string::npos, "fixture has no '" << from << "'");
  base.replace(pos, from.size(), to);
  return base;
}

// Asserts that some diagnostic of `file` is at line:column and its message contains `needle`.
void expect(const std::vector<Diagnostic>& diags, int line, int column, const std::string& needle,
            const std::string& file = "p.yaml") {
  for (const auto& d : diags)
    if (d.line == line && d.column == column && d.message.find(needle) != std::string::npos) {
      BOOST_TEST(d.file == file);
      return;
    }
  std::string all;
  for (const auto& d : diags) all += "\n  " + d.to_string();
  BOOST_FAIL("no diagnostic at " << line << ":" << column << " containing '" << needle << "'; got:" << all);
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_profile_loads) {
  BodyProfile p = BodyProfile::from_yaml(kProfile, "p.yaml");
  BOOST_TEST(p.body == "架空町");
  BOOST_TEST((p.kind == BodyKind::town));
  BOOST_TEST(libaudit::to_string(p.kind) == "town");
  BOOST_TEST(p.id == "kakuu-town");
  BOOST_TEST(p.checklist_id() == "kakuu-town-hyojun");
  BOOST_TEST(p.secretariat == "総務課");
  BOOST_TEST((p.network_model == NetworkModel::beta));
  BOOST_TEST(libaudit::to_string(NetworkModel::alpha_prime) == "alpha_prime");
  BOOST_TEST(!p.server_room);
  BOOST_TEST(p.role_title("ciso") == "情報セキュリティ最高責任者（副町長）");
  BOOST_TEST(p.role_title("chief_auditor") == "監査統括責任者");  // not given: DOMAIN.md's
  BOOST_TEST(p.role_title("nobody") == "");
  BOOST_TEST(p.tier_name("mynumber") == "住民情報系");
  BOOST_TEST(p.tier_name("lgwan") == "LGWAN接続系");
  BOOST_TEST(p.origin == "p.yaml");
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_where_it_is) {
  const std::string bad = R"yaml(body: 架空町
kind: tonw
id: Kakuu_Town
secretariat: "{{body}}総務課"
network_model: alpah
server_room: "no"
titel: x
roles:
  cisco: 最高責任者
  csirt: [a, b]
tiers:
  mynumbr: 住民情報系
)yaml";
  auto d = profile_diagnostics(bad);
  expect(d, 2, 7, "unknown kind of body 'tonw' (did you mean 'town'?)");
  expect(d, 3, 5, "profile id 'Kakuu_Town' may contain only a-z and 0-9");
  expect(d, 4, 14, "'secretariat' in the body profile contains '{{'");
  expect(d, 5, 16, "unknown network model 'alpah' (did you mean 'alpha'?)");
  expect(d, 6, 14, "'server_room' in the body profile is true or false");
  expect(d, 7, 1, "unknown key 'titel' in the body profile (did you mean 'title'?)");
  expect(d, 9, 3, "unknown role 'cisco' in 'roles' (did you mean 'ciso'?)");
  expect(d, 10, 10, "'csirt' in 'roles' of the body profile must be text");
  expect(d, 12, 3, "unknown tier 'mynumbr' (did you mean 'mynumber'?)");
  BOOST_TEST(d.size() == 9u);
  for (std::size_t i = 1; i < d.size(); ++i) BOOST_TEST(d[i - 1].line <= d[i].line);  // in file order
}

BOOST_AUTO_TEST_CASE(missing_keys_and_wrong_shapes) {
  auto d = profile_diagnostics("body: 架空町\nroles: [ciso]\ntiers: 住民情報系\n");
  for (const char* key : {"kind", "id", "network_model", "server_room"})
    expect(d, 1, 1, std::string("missing required key '") + key + "' in the body profile");
  for (const auto& diag : d) BOOST_TEST(diag.message.find("secretariat") == std::string::npos);  // optional
  expect(d, 2, 8, "'roles' must map role ids to the body's titles, found a list");
  expect(d, 3, 8, "'tiers' must map tier ids to the body's names, found a scalar");
  auto d2 = profile_diagnostics(with("network_model: beta", "network_model: gamma"));
  expect(d2, 5, 16, "unknown network model 'gamma'; network models are alpha, alpha_prime, beta, beta_prime");
  auto d3 = profile_diagnostics(with("  ciso: 情報セキュリティ最高責任者（副町長）", "  ciso: \"a\\nb\"\n  ciso: c"));
  expect(d3, 8, 9, "'ciso' in 'roles' of the body profile must be on one line");
  expect(d3, 9, 3, "key 'ciso' appears twice in 'roles' of the body profile");
  auto d4 = profile_diagnostics(with("body: 架空町", "body:"));
  expect(d4, 1, 1, "'body' in the body profile is empty");
}

BOOST_AUTO_TEST_CASE(whole_document_refusals) {
  expect(profile_diagnostics(""), 1, 1, "empty document: a body profile is a YAML mapping");
  expect(profile_diagnostics(kProfile + "---\nbody: x\n"), 12, 1, "a body profile is one document");
  expect(profile_diagnostics("body: [unclosed\n"), 2, 1, "not valid YAML");
  libaudit::LoadOptions small;
  small.max_bytes = 16;
  expect(profile_diagnostics(kProfile, small), 1, 1, "over the limit of 16 bytes for a body profile");
  expect(profile_diagnostics(with("body: 架空町", "body: [架空, 町]")), 1, 7,
         "'body' in the body profile must be text");
}

BOOST_AUTO_TEST_CASE(load_reads_a_file_and_refuses_a_missing_one) {
  const auto path = std::filesystem::temp_directory_path() / ("profile_test_" + std::to_string(getpid()) + ".yaml");
  { std::ofstream(path) << kProfile; }
  BOOST_TEST(BodyProfile::load(path).body == "架空町");
  std::filesystem::remove(path);
  BOOST_CHECK_THROW(BodyProfile::load(path), libaudit::IoError);
}

BOOST_AUTO_TEST_CASE(checklist_for_body_fills_every_placeholder) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  const BodyProfile p = BodyProfile::from_yaml(kProfile, "p.yaml");
  const Checklist c = libaudit::checklist_for_body(model, p);
  BOOST_TEST(c.id() == "kakuu-town-hyojun");
  BOOST_TEST(c.body() == "架空町");
  BOOST_TEST(c.title() == "架空町標準点検表");
  BOOST_TEST(c.version() == "2025-03");
  BOOST_TEST(c.sections()[0].title == "架空町の組織体制");
  BOOST_TEST(c.item("M-1.1").text == "情報セキュリティ最高責任者（副町長）を置く。");
  BOOST_TEST(c.item("M-1.1").question == "架空町は情報セキュリティ最高責任者（副町長）を置いているか。");
  BOOST_TEST(c.item("M-1.1").evidence.at(0) == "総務課の名簿");
  BOOST_TEST(c.item("M-1.2").text == "住民情報系とLGWAN接続系を分離する。");  // lgwan not given: shared name
  BOOST_TEST(c.item("M-1.2").note == "架空町CSIRTに報告する。");
  BOOST_TEST((c.kind() == libaudit::ChecklistKind::body));
  BOOST_TEST(c.secretariat() == "総務課");
  BOOST_TEST((c.item("M-1.1").model == std::vector<std::string>{"M-1.1"}));
  BOOST_TEST(c.item("M-1.1").sources.empty());
  BOOST_TEST(c.item("M-1.2").basis.empty());
  BOOST_TEST((c.item("M-1.1").respondent == libaudit::Respondent::body));  // the CISO's: once, for the body
  BOOST_TEST((c.item("M-1.2").respondent == libaudit::Respondent::department));
  BOOST_TEST(c.tier_name("mynumber") == "住民情報系");
  bool ciso_titled = false;
  for (const auto& r : c.roles())
    if (r.id == "ciso") ciso_titled = r.label == "情報セキュリティ最高責任者（副町長）";
  BOOST_TEST(ciso_titled);
  BOOST_TEST(model.item("M-1.1").text == "{{role.ciso}}を置く。");  // the model is unchanged

  // The result is a checklist like any other: YAML out and back gives the same content, the
  // body's titles of the roles included.
  const std::string yaml = c.to_yaml();
  BOOST_TEST(yaml.find("{{") == std::string::npos);
  const Checklist again = Checklist::from_yaml(yaml, "again.yaml");
  BOOST_TEST(again.to_json() == c.to_json());

  BodyProfile titled = p;
  titled.title = "架空町自己点検表";
  titled.version = "2026-04-01";
  const Checklist t = libaudit::checklist_for_body(model, titled);
  BOOST_TEST(t.title() == "架空町自己点検表");
  BOOST_TEST(t.version() == "2026-04-01");
}

BOOST_AUTO_TEST_CASE(items_for_other_network_models_and_a_server_room_are_left_out) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  BodyProfile p = BodyProfile::from_yaml(kProfile, "p.yaml");  // beta, no server room
  Checklist c = libaudit::checklist_for_body(model, p);
  BOOST_TEST(c.find_item("M-3.1") == nullptr);
  BOOST_TEST(c.find_item("M-3.2") != nullptr);
  BOOST_TEST(c.find_item("M-4.1") == nullptr);
  BOOST_TEST(c.find_section("M-4") == nullptr);  // left with nothing: dropped too
  BOOST_TEST(c.size() == 3u);
  BOOST_TEST(c.item("M-3.2").applies_to.network_models.empty());
  auto left = libaudit::left_out_items(model, p);
  BOOST_REQUIRE_EQUAL(left.size(), 2u);
  BOOST_TEST(left[0].id == "M-3.1");
  BOOST_TEST((left[0].reason == libaudit::LeftOut::network_model));
  BOOST_TEST(left[1].id == "M-4.1");
  BOOST_TEST((left[1].reason == libaudit::LeftOut::server_room));

  p.network_model = NetworkModel::alpha_prime;
  p.server_room = true;
  c = libaudit::checklist_for_body(model, p);
  BOOST_TEST(c.find_item("M-3.1") != nullptr);
  BOOST_TEST(c.find_item("M-3.2") == nullptr);
  BOOST_TEST(!c.item("M-4.1").applies_to.server_room);  // resolved: not carried into the body's checklist
  BOOST_TEST(libaudit::left_out_items(model, p).size() == 1u);
  BOOST_TEST(Checklist::from_yaml(c.to_yaml()).to_json() == c.to_json());
}

BOOST_AUTO_TEST_CASE(a_placeholder_it_cannot_fill_is_refused_in_the_model) {
  const Checklist model = Checklist::from_yaml(kModel, "model.yaml");
  BodyProfile p = BodyProfile::from_yaml(kProfile, "p.yaml");
  p.secretariat.clear();  // a profile may leave it out; a model that uses it then cannot be filled
  auto d = diagnostics_of([&] { libaudit::checklist_for_body(model, p); });
  BOOST_REQUIRE_EQUAL(d.size(), 1u);
  expect(d, 11, 1, "placeholder '{{secretariat}}' in item 'M-1.1' needs the 課 that answers the body-level items",
         "model.yaml");

  // A body checklist is not a model.
  const Checklist body = libaudit::checklist_for_body(model, BodyProfile::from_yaml(kProfile, "p.yaml"));
  auto d2 = diagnostics_of([&] { libaudit::checklist_for_body(body, p); });
  BOOST_TEST(d2.at(0).message.find("checklist 'kakuu-town-hyojun' is not a model checklist") == 0u);
}

BOOST_AUTO_TEST_CASE(repository_profiles_load) {
  std::size_t files = 0;
  for (const char* dir : {LIBAUDIT_SOURCE_DIR "/checklists/profiles", LIBAUDIT_SOURCE_DIR "/examples/profiles"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      ++files;
      BOOST_TEST_CONTEXT(entry.path()) {
        const BodyProfile p = BodyProfile::load(entry.path());
        BOOST_TEST(!p.body.empty());
        BOOST_TEST(p.secretariat.empty() == (p.id == "mito"));  // 水戸市's 基本方針 names none
        BOOST_TEST(p.checklist_id() == entry.path().stem().string() + "-hyojun");
      }
    }
  }
  BOOST_TEST(files == 6u);  // the five seed bodies and the made-up 町
}
