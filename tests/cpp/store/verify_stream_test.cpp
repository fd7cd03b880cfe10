// verify's streamed responses check (check_responses: key ranges of a fixed budget merged with
// the table) and the checkpoints (Store::checkpoint, VerifyOptions::since_checkpoint).
#define BOOST_TEST_MODULE verify_stream
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "checklist_yaml.h"
#include "libaudit/store/store.h"
#include "store/batch_reader.h"
#include "store/sqlite.h"
#include "store/store_internal.h"
#include "store/verify.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace verify = libaudit::detail::verify;

namespace {

const std::string kChecklist =
    testing::kEvaluationChecklistHead +
    R"yaml(      - {id: "8.1", clause: "8(1)", text: 職員は、協力しなければならない。, question: 協力しているか。, roles: [staff]}
      - {id: "8.2", clause: "8(2)", text: 職員は、点検しなければならない。, question: 点検しているか。, roles: [staff]}
      - {id: "8.10", clause: "8(10)", text: 職員は、報告しなければならない。, question: 報告しているか。, roles: [staff]}
)yaml";

const std::vector<std::string> kCodes = {"11", "12", "13", "21", "22"};
const std::vector<std::string> kItems = {"8.1", "8.2", "8.10"};

std::vector<ResponseRow> all_rows(const std::string& answer) {
  std::vector<ResponseRow> out;
  for (const std::string& c : kCodes)
    for (const std::string& i : kItems) out.push_back({c, i, answer, "コメント\n\"引用\"", ""});
  return out;
}

// Two 部 with five 課, three open cycles answered twice (the second time partly).
std::vector<std::int64_t> setup(Store& s) {
  std::vector<DepartmentRow> depts = {{Department{"1", "総務部", "", "", ""}, 2},
                                      {Department{"2", "企画部", "", "", ""}, 3}};
  for (std::size_t k = 0; k < kCodes.size(); ++k)
    depts.push_back({Department{kCodes[k], "課" + kCodes[k], kCodes[k].substr(0, 1), "", ""}, int(k) + 4});
  s.import_departments("t", depts);
  const auto cl = s.import_checklist("t", Checklist::from_yaml(kChecklist));
  std::vector<std::int64_t> cycles;
  for (int fy = 2023; fy <= 2025; ++fy) {
    const auto c = s.create_cycle(
        "t",
        CycleSpec{"年度" + std::to_string(fy), CycleKind::self_inspection, fy, cl, {"11", "12", "13", "21", "22"}});
    s.open_cycle("t", c);
    s.import_responses("t", c, all_rows("implemented"));
    s.import_responses("t", c, {{"12", "8.2", "partial"}, {"21", "8.10", "unknown", "後から", ""}});
    cycles.push_back(c);
  }
  return cycles;
}

std::vector<std::string> strings(const VerifyReport& r) {
  std::vector<std::string> out;
  for (const Problem& p : r.problems) out.push_back(p.to_string());
  return out;
}

std::vector<std::string> kinds(const VerifyReport& r) {
  std::vector<std::string> out;
  for (const Problem& p : r.problems) out.push_back(p.table + "|" + p.key + "|" + p.kind);
  return out;
}

struct Budget {
  explicit Budget(const char* n) { ::setenv("LIBAUDIT_VERIFY_BUDGET", n, 1); }
  ~Budget() { ::unsetenv("LIBAUDIT_VERIFY_BUDGET"); }
};

std::string dept_id(const char* code) {
  return "(SELECT id FROM departments WHERE code = '" + std::string(code) + "')";
}

VerifyOptions since() {
  VerifyOptions o;
  o.since_checkpoint = true;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(batch_reader_reads_the_canonical_form_and_any_other) {
  verify::BatchReader a, b;
  const std::string canonical =
      R"({"cycle":3,"answered_by":"t","answered_at":"2025-01-01","rows":[["11","8.1","insert","implemented","a\"\n\u00e9\ud83d\ude00",""],["12","8.2","update","partial","","","u","2025-02-02"]]})";
  const std::string spaced =
      R"({ "rows": [["11","8.1","insert","implemented","a\"\n\u00e9\ud83d\ude00",""], ["12","8.2","update","partial","","","u","2025-02-02"]], "answered_at": "2025-01-01", "answered_by": "t", "cycle": 3 })";
  BOOST_TEST(a.read(canonical));
  BOOST_TEST(b.read(spaced));
  BOOST_REQUIRE(a.rows.size() == 2u);
  BOOST_REQUIRE(b.rows.size() == 2u);
  BOOST_TEST(a.cycle == 3);
  BOOST_TEST(b.cycle == 3);
  for (std::size_t k = 0; k < 2; ++k) {
    BOOST_TEST(a.rows[k].department == b.rows[k].department);
    BOOST_TEST(a.rows[k].comment == b.rows[k].comment);
    BOOST_TEST(a.rows[k].answered_by == b.rows[k].answered_by);
    BOOST_TEST(a.rows[k].answered_at == b.rows[k].answered_at);
  }
  BOOST_TEST(a.rows[0].comment == "a\"\n\xc3\xa9\xf0\x9f\x98\x80");
  BOOST_TEST(a.rows[0].answered_by == "t");
  BOOST_TEST(a.rows[1].answered_at == "2025-02-02");
  // A malformed row: not a batch, the rows before it kept (as the JSON reading keeps them).
  BOOST_TEST(!a.read(
      R"({"cycle":3,"answered_by":"t","answered_at":"x","rows":[["11","8.1","insert","implemented","",""],["12"]]})"));
  BOOST_TEST(a.rows.size() == 1u);
  BOOST_TEST(!a.read(R"({"cycle":"3","answered_by":"t","answered_at":"x","rows":[]})"));
  verify::FieldDigest d(1, 2);
  BOOST_TEST(d("a", "b", "", "", "") != d("ab", "", "", "", ""));  // fields are length-prefixed
}

// A tiny budget (many passes, a range of one 課 each) finds exactly what one pass finds.
BOOST_AUTO_TEST_CASE(a_tiny_budget_finds_the_same_problems_as_one_pass) {
  TempDb db("libaudit_verify_stream_budget.db");
  std::vector<std::int64_t> cycles;
  {
    Store s = Store::open(db.path);
    cycles = setup(s);
    BOOST_TEST(s.verify().ok());
  }
  const std::string c1 = std::to_string(cycles[0]), c2 = std::to_string(cycles[1]), c3 = std::to_string(cycles[2]);
  db.exec("UPDATE responses SET comment = 'x' WHERE cycle = " + c2 +
          " AND item_id = '8.10' AND department = " + dept_id("13"));
  db.exec("UPDATE responses SET answer = 'implemented' WHERE cycle = " + c1 + " AND item_id = '8.2' AND department = " +
          dept_id("12"));  // back to its first state: the later update is what counts
  db.exec("DELETE FROM responses WHERE cycle = " + c3 + " AND item_id = '8.1' AND department = " + dept_id("22"));
  db.exec("DELETE FROM responses WHERE cycle = " + c1 + " AND item_id = '8.1' AND department = " + dept_id("11"));
  db.exec("INSERT INTO responses VALUES (" + c2 + ", " + dept_id("21") +
          ", '8.9', 'implemented', '', '', 'x', '2025-01-01')");
  const std::vector<std::string> want = {
      "responses [" + c1 + ",\"12\",\"8.2\"]|altered", "responses [" + c2 + ",\"13\",\"8.10\"]|altered",
      "responses [" + c2 + ",\"21\",\"8.9\"]|inserted", "responses [" + c1 + ",\"11\",\"8.1\"]|deleted",
      "responses [" + c3 + ",\"22\",\"8.1\"]|deleted"};
  Store s = Store::open(db.path);
  const VerifyReport one = s.verify();
  std::vector<std::string> got;
  for (const Problem& p : one.problems) got.push_back(p.table + " " + p.key + "|" + p.kind);
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(one.problems[0].detail.rfind("answer: trail \"partial\", table \"implemented\" (last trail record ", 0) ==
             0u);
  for (const char* budget : {"1", "2", "4", "7"}) {
    Budget b(budget);
    const VerifyReport many = s.verify();
    BOOST_TEST(strings(many) == strings(one), boost::test_tools::per_element());
    BOOST_TEST(many.rows == one.rows);
  }
  sql::Db conn(db.path.string(), sql::OpenMode::read_only, 1000);
  sql::ReadTxn snapshot(conn);
  BOOST_TEST(verify::check_responses(conn, 3).passes == 15u);  // 3 cycles × 5 課, one range each
  BOOST_TEST(verify::check_responses(conn, 1'000'000).passes == 1u);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_is_written_and_found) {
  TempDb db("libaudit_verify_stream_checkpoint.db");
  Store s = Store::open(db.path);
  setup(s);
  BOOST_CHECK_THROW(s.verify(since()), NotFoundError);
  const auto head = s.trail().back();
  const VerifyReport written = s.checkpoint("監査人");
  BOOST_TEST(written.ok());
  BOOST_TEST(written.head_seq == head.seq);
  BOOST_TEST(written.checkpoint == head.seq + 1);
  const auto record = s.trail().back();
  BOOST_TEST(record.entity == "checkpoint");
  BOOST_TEST(record.key == std::to_string(head.seq));
  BOOST_TEST(record.state.find("\"head_hash\":\"" + head.hash + "\"") != std::string::npos);
  BOOST_TEST(written.checkpoint_hash == record.hash);  // the checkpoint's anchor
  BOOST_TEST(trail_anchor_text(written.checkpoint, written.checkpoint_hash) ==
             "証跡 " + std::to_string(record.seq) + ":" + record.hash.substr(0, 12));
  const VerifyReport inc = s.verify(since());
  BOOST_TEST(inc.ok());
  BOOST_TEST(inc.checkpoint == written.checkpoint);
  BOOST_TEST(inc.checkpoint_hash == record.hash);
  BOOST_TEST(s.verify().checkpoint_hash.empty());  // a plain verify names no checkpoint
  BOOST_TEST(inc.since == head.seq);
  BOOST_TEST(inc.records == 1u);  // the checkpoint record itself
  BOOST_TEST(s.verify().ok());    // the full verify owes the checkpoint no row
}

BOOST_AUTO_TEST_CASE(no_checkpoint_over_problems) {
  TempDb db("libaudit_verify_stream_refused.db");
  std::size_t records = 0;
  {
    Store s = Store::open(db.path);
    setup(s);
    records = s.trail().size();
  }
  db.exec("UPDATE responses SET comment = 'x' WHERE item_id = '8.1'");
  Store s = Store::open(db.path);
  const VerifyReport r = s.checkpoint("t");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.checkpoint == 0);
  BOOST_TEST(r.checkpoint_hash.empty());
  BOOST_TEST(s.trail().size() == records);
}

// What came after the checkpoint is checked; a row untouched since, altered, is the full verify's.
BOOST_AUTO_TEST_CASE(since_checkpoint_checks_what_came_after) {
  TempDb db("libaudit_verify_stream_since.db");
  std::vector<std::int64_t> cycles;
  std::int64_t checkpoint = 0;
  {
    Store s = Store::open(db.path);
    cycles = setup(s);
    checkpoint = s.checkpoint("t").checkpoint;
    s.import_responses("t", cycles[2], {{"13", "8.1", "not_implemented"}, {"22", "8.2", "partial"}});
    s.set_body("t", "新テスト市");
    BOOST_TEST(s.verify(since()).ok());
  }
  const std::string c3 = std::to_string(cycles[2]);
  db.exec("UPDATE responses SET answer = 'implemented' WHERE cycle = " + c3 +
          " AND item_id = '8.1' AND department = " + dept_id("13"));  // written after the checkpoint
  db.exec("UPDATE responses SET answer = 'unknown' WHERE cycle = " + c3 +
          " AND item_id = '8.10' AND department = " + dept_id("11"));  // untouched since the checkpoint
  db.exec("DELETE FROM responses WHERE cycle = " + c3 + " AND item_id = '8.2' AND department = " + dept_id("22"));
  db.exec("UPDATE meta SET value = '偽市' WHERE key = 'body'");
  Store s = Store::open(db.path);
  const std::string k = "[" + c3 + ",\"";
  BOOST_TEST(kinds(s.verify(since())) ==
                 (std::vector<std::string>{"meta|body|altered", "responses|" + k + "13\",\"8.1\"]|altered",
                                           "responses|" + k + "22\",\"8.2\"]|deleted"}),
             boost::test_tools::per_element());
  BOOST_TEST(
      kinds(s.verify()) == (std::vector<std::string>{"meta|body|altered", "responses|" + k + "11\",\"8.10\"]|altered",
                                                     "responses|" + k + "13\",\"8.1\"]|altered",
                                                     "responses|" + k + "22\",\"8.2\"]|deleted"}),
      boost::test_tools::per_element());
  BOOST_TEST(s.verify(since()).checkpoint == checkpoint);
}

BOOST_AUTO_TEST_CASE(since_checkpoint_finds_a_tampered_later_record) {
  TempDb db("libaudit_verify_stream_record.db");
  std::int64_t later = 0;
  {
    Store s = Store::open(db.path);
    const auto cycles = setup(s);
    s.checkpoint("t");
    s.import_responses("t", cycles[0], {{"13", "8.1", "not_implemented"}});
    later = s.trail().back().seq;
  }
  db.exec("DROP TRIGGER trail_append_only_update; UPDATE trail SET actor = '誰か' WHERE seq = " +
          std::to_string(later));
  Store s = Store::open(db.path);
  BOOST_TEST(kinds(s.verify(since())) == (std::vector<std::string>{"trail|" + std::to_string(later) + "|altered"}),
             boost::test_tools::per_element());
}

// A checkpoint record that names a head the chain does not hold is forged; one removed leaves a
// gap that the verify from the checkpoint before it finds.
BOOST_AUTO_TEST_CASE(a_forged_or_removed_checkpoint_is_found) {
  TempDb db("libaudit_verify_stream_forged.db");
  std::int64_t first = 0, second = 0, forged = 0;
  {
    Store s = Store::open(db.path);
    setup(s);
    first = s.checkpoint("t").checkpoint;
    s.set_body("t", "別の市");
    second = s.checkpoint("t").checkpoint;
    s.set_body("t", "さらに別の市");
  }
  {
    sql::Db conn(db.path.string(), sql::OpenMode::write, 1000);
    detail::Sha256 sha;
    sql::WriteTxn txn(conn);
    detail::TrailWriter w(conn, sha, "", "偽造者", "2025-01-01T00:00:00Z");
    w.append("checkpoint", "3", "insert", verify::checkpoint_state(3, std::string(64, 'a'), 3, 0));
    forged = w.chain().head_seq();
    txn.commit();
  }
  const std::string f = "trail|" + std::to_string(forged) + "|forged";
  {
    Store s = Store::open(db.path);
    BOOST_TEST(kinds(s.verify()) == (std::vector<std::string>{f}), boost::test_tools::per_element());
    // The latest checkpoint is the forged one: its head is not the chain's, walked from its record.
    const VerifyReport r = s.verify(since());
    BOOST_TEST(r.checkpoint == forged);
    BOOST_TEST(!r.ok());
  }
  db.exec("DROP TRIGGER trail_append_only_delete; DELETE FROM trail WHERE seq IN (" + std::to_string(second) + ", " +
          std::to_string(forged) + ")");
  Store s = Store::open(db.path);
  const VerifyReport r = s.verify(since());
  BOOST_TEST(r.checkpoint == first);
  BOOST_TEST(kinds(r) == (std::vector<std::string>{"trail|" + std::to_string(second + 1) + "|deleted"}),
             boost::test_tools::per_element());
}
