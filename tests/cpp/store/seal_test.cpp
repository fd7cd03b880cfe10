// The keyed seal of the trail (issue #14): without a key, whoever holds the file can append a
// correctly hashed record or rewrite and re-hash the whole trail and verify() passes; with the
// trail key every record from the seal record on carries an HMAC that verify() checks. Also the
// key file (read_trail_key, write_trail_key) and the seal record's lifecycle.
#define BOOST_TEST_MODULE seal
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "checklist_yaml.h"
#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/store_internal.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;

namespace {

// The problems and refusals below are asserted in Japanese, from the built catalogue.
struct Japanese {
  Japanese() { use_catalog(LIBAUDIT_MO_JA); }
  ~Japanese() { use_no_catalog(); }
};
BOOST_TEST_GLOBAL_FIXTURE(Japanese);

const std::string kKey(32, '\x5a');
const std::string kOtherKey(32, '\x33');

std::string checklist_yaml(int items) {
  std::string y = testing::kEvaluationChecklistHead;
  for (int i = 1; i <= items; ++i)
    y += testing::item_yaml("8." + std::to_string(i), "自己点検を実施しなければならない。",
                            "自己点検を実施しているか。", "security_manager");
  return y;
}

// One 部 with `depts` 課, a checklist of `items` items, an open cycle over every 課.
std::int64_t setup(Store& s, int depts = 2, int items = 2) {
  std::vector<DepartmentRow> rows{{Department{"1", "総務部", "", "部長", ""}, 2}};
  for (int d = 1; d <= depts; ++d)
    rows.push_back({Department{std::to_string(100 + d), "課" + std::to_string(d), "1", "", ""}, 2 + d});
  s.import_departments("t", rows);
  const auto cl = s.import_checklist("t", Checklist::from_yaml(checklist_yaml(items)));
  const auto cycle = s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
  s.open_cycle("t", cycle);
  return cycle;
}

std::vector<ResponseRow> answers(int depts, int items, const std::string& answer) {
  std::vector<ResponseRow> out;
  int line = 1;
  for (int d = 1; d <= depts; ++d)
    for (int i = 1; i <= items; ++i)
      out.push_back({std::to_string(100 + d), "8." + std::to_string(i), answer, "", "", "", "", ++line});
  return out;
}

OpenOptions keyed(const std::string& key = kKey) {
  OpenOptions o;
  o.trail_key = key;
  return o;
}

VerifyReport verify_with(const Store& s, const std::string& key) {
  VerifyOptions o;
  o.trail_key = key;
  return s.verify(o);
}

std::vector<std::string> problem_lines(const VerifyReport& r) {
  std::vector<std::string> out;
  for (const Problem& p : r.problems) out.push_back(p.to_string());
  return out;
}

std::string sql_text(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// What someone with the sqlite3 shell and no key does: sets the body's name and appends a
// matching "body" record whose hash continues the chain, with `mac` as its MAC.
void forge_body(const TempDb& db, const Store& s, const std::string& name, const std::string& mac) {
  const std::vector<TrailRecord> t = s.trail();
  const TrailRecord& head = t.back();
  const std::string at = "2025-01-01T00:00:00.000000Z", state = detail::body_state(name);
  std::string record;
  detail::record_json(record, head.seq + 1, at, "mallory", "body", "body", "update", state);
  detail::Sha256 sha;
  const std::string hash = sha.hex_of(head.hash + record);
  db.exec("UPDATE meta SET value = " + sql_text(name) +
          " WHERE key = 'body'; INSERT INTO trail(seq, at, actor, entity, key, action, state, prev_hash, hash, mac) "
          "VALUES (" +
          std::to_string(head.seq + 1) + ", " + sql_text(at) + ", 'mallory', 'body', 'body', 'update', " +
          sql_text(state) + ", " + sql_text(head.hash) + ", " + sql_text(hash) + ", " + sql_text(mac) + ")");
}

// Rewrites the trail as someone without the key can: `edit` changes the records (in memory),
// then every hash from the first record on is recomputed and the trail written back whole
// (the append-only triggers dropped and put back). MACs are left as they were.
void rewrite_trail(const TempDb& db, const Store& s, const std::function<void(std::vector<TrailRecord>&)>& edit) {
  std::vector<TrailRecord> t = s.trail();
  edit(t);
  detail::Sha256 sha;
  std::string prev(detail::kGenesisHash), record;
  std::string sql = "DROP TRIGGER trail_append_only_update; DROP TRIGGER trail_append_only_delete; DELETE FROM trail;";
  for (TrailRecord& r : t) {
    detail::record_json(record, r.seq, r.at, r.actor, r.entity, r.key, r.action, r.state);
    r.prev_hash = prev;
    r.hash = sha.hex_of(prev + record);
    prev = r.hash;
    sql += "INSERT INTO trail(seq, at, actor, entity, key, action, state, prev_hash, hash, mac) VALUES (" +
           std::to_string(r.seq) + "," + sql_text(r.at) + "," + sql_text(r.actor) + "," + sql_text(r.entity) + "," +
           sql_text(r.key) + "," + sql_text(r.action) + "," + sql_text(r.state) + "," + sql_text(r.prev_hash) + "," +
           sql_text(r.hash) + "," + sql_text(r.mac) + ");";
  }
  sql +=
      "CREATE TRIGGER trail_append_only_update BEFORE UPDATE ON trail BEGIN SELECT RAISE(ABORT, 'the trail is "
      "append-only'); END; CREATE TRIGGER trail_append_only_delete BEFORE DELETE ON trail BEGIN SELECT "
      "RAISE(ABORT, 'the trail is append-only'); END;";
  db.exec(sql);
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / (name + "." + std::to_string(::getpid()));
}

void write_file(const fs::path& p, const std::string& text, fs::perms perms) {
  fs::remove(p);
  std::ofstream(p, std::ios::binary) << text;
  fs::permissions(p, perms);
}

std::string validation_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    BOOST_REQUIRE(e.diagnostics().size() == 1u);
    return e.diagnostics()[0].message;
  }
  BOOST_FAIL("no ValidationError");
  return {};
}

}  // namespace

// The issue, reproduced: a record appended behind the store's back with a correct chain hash
// passes plain verify. (With the key it is caught: forged_append_is_caught_only_with_the_key.)
BOOST_AUTO_TEST_CASE(without_a_key_a_forged_append_passes_verify) {
  TempDb db("libaudit_seal_test_issue.db");
  Store s = Store::open(db.path);
  setup(s);
  s.set_body("t", "小牧市");
  forge_body(db, s, "偽市", "");
  BOOST_TEST(s.body() == "偽市");
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_sealed_store_verifies_clean_with_its_key) {
  TempDb db("libaudit_seal_test_clean.db");
  Store s = Store::open(db.path, keyed());
  const auto cycle = setup(s);
  // 4096 changed rows: the batch records are sealed in the import's second thread.
  Store big = Store::open(":memory:", keyed());
  const auto big_cycle = setup(big, 64, 64);
  big.import_responses("t", big_cycle, answers(64, 64, "implemented"));
  s.import_responses("t", cycle, answers(2, 2, "implemented"));
  s.set_body("t", "小牧市");

  for (Store* x : {&s, &big}) {
    const std::vector<TrailRecord> t = x->trail();
    BOOST_TEST_REQUIRE(t.size() > 4u);
    BOOST_TEST(t[0].entity == "trail_seal");
    BOOST_TEST(t[0].state == "{\"from\":1,\"key_id\":\"" + trail_key_id(kKey) + "\"}");
    for (const TrailRecord& r : t) BOOST_TEST(r.mac.size() == 64u, "record " << r.seq);
    const VerifyReport r = verify_with(*x, kKey);
    BOOST_TEST(r.ok(), (r.ok() ? "" : r.problems[0].to_string()));
    BOOST_TEST(r.sealed_from == 1);
    BOOST_TEST(r.key_id == trail_key_id(kKey));
    BOOST_TEST(r.records == t.size());
    BOOST_TEST(x->verify().ok());  // without the key: as before
  }
  BOOST_TEST(big.response_count(big_cycle) == 4096u);
  BOOST_TEST(trail_key_id(kKey).size() == 16u);
}

BOOST_AUTO_TEST_CASE(sealing_starts_at_the_first_keyed_write_and_once) {
  TempDb db("libaudit_seal_test_start.db");
  { setup(*std::make_unique<Store>(Store::open(db.path))); }  // written without a key
  Store s = Store::open(db.path, keyed());
  const std::size_t before = s.trail().size();
  // A write that changes nothing writes nothing, not even the seal record.
  s.import_departments("t", {{Department{"1", "総務部", "", "部長", ""}, 2}});
  BOOST_TEST(s.trail().size() == before);
  const VerifyReport unsealed = verify_with(s, kKey);
  BOOST_TEST(problem_lines(unsealed) ==
             std::vector<std::string>{"trail seal: unsealed: この鍵で封印された記録がない (鍵の key_id " +
                                      trail_key_id(kKey) + ")"});
  s.set_body("t", "小牧市");
  s.set_body("t", "小牧市役所");
  const std::vector<TrailRecord> t = s.trail();
  BOOST_TEST_REQUIRE(t.size() == before + 3);
  BOOST_TEST(t[before].entity == "trail_seal");
  BOOST_TEST(t[before].mac.size() == 64u);
  BOOST_TEST(t[before - 1].mac.empty());       // records before the seal carry none
  BOOST_TEST(t[before + 2].entity == "body");  // one seal only
  // A second Store with the key continues under the same seal.
  Store again = Store::open(db.path, keyed());
  again.set_body("t", "小牧市");
  BOOST_TEST(again.trail().size() == before + 4);
  const VerifyReport r = verify_with(s, kKey);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.sealed_from == std::int64_t(before + 1));
}

BOOST_AUTO_TEST_CASE(a_record_appended_without_the_key_is_caught) {
  TempDb db("libaudit_seal_test_unsealed.db");
  {
    Store s = Store::open(db.path, keyed());
    setup(s);
  }
  std::int64_t seq = 0;
  {
    Store plain = Store::open(db.path);  // a normal write by a Store opened without the key
    plain.set_body("t", "小牧市");
    seq = plain.trail().back().seq;
    BOOST_TEST(plain.verify().ok());
  }
  Store s = Store::open(db.path, keyed());
  s.set_body("t", "小牧市役所");  // sealed writes go on after it
  const VerifyReport r = verify_with(s, kKey);
  const std::string q = std::to_string(seq);
  BOOST_TEST(problem_lines(r) ==
             std::vector<std::string>{"trail " + q + ": unsealed: 記録 " + q + " に MAC がない: 鍵なしで追記された"});
  BOOST_TEST(r.problems[0].kind == "unsealed");
  BOOST_TEST(r.problems[0].key == q);
}

BOOST_AUTO_TEST_CASE(forged_append_is_caught_only_with_the_key) {
  TempDb db("libaudit_seal_test_forged.db");
  Store s = Store::open(db.path, keyed());
  setup(s);
  s.set_body("t", "小牧市");
  const std::int64_t seq = s.trail().back().seq + 1;
  forge_body(db, s, "偽市", std::string(64, 'f'));  // a made-up MAC
  BOOST_TEST(s.body() == "偽市");
  BOOST_TEST(s.verify().ok());  // the chain and the rows agree
  const std::string q = std::to_string(seq);
  BOOST_TEST(problem_lines(verify_with(s, kKey)) ==
             std::vector<std::string>{"trail " + q + ": forged: 記録 " + q +
                                      " の MAC が鍵と合わない: 鍵を持たない者が書き換えた"});
  // The same with no MAC at all.
  forge_body(db, s, "偽市2", "");
  const std::string q2 = std::to_string(seq + 1);
  BOOST_TEST(s.verify().ok());
  BOOST_TEST(problem_lines(verify_with(s, kKey)) ==
             (std::vector<std::string>{
                 "trail " + q + ": forged: 記録 " + q + " の MAC が鍵と合わない: 鍵を持たない者が書き換えた",
                 "trail " + q2 + ": unsealed: 記録 " + q2 + " に MAC がない: 鍵なしで追記された"}));
}

BOOST_AUTO_TEST_CASE(a_rewritten_and_rehashed_trail_is_caught_with_the_key) {
  TempDb db("libaudit_seal_test_rewrite.db");
  Store s = Store::open(db.path, keyed());
  setup(s);
  s.set_body("t", "小牧市");
  const std::size_t n = s.trail().size();
  BOOST_TEST_REQUIRE(n >= 5u);
  // Who made record 3 is rewritten; every hash after it recomputed.
  rewrite_trail(db, s, [](std::vector<TrailRecord>& t) { t[2].actor = "someone else"; });
  BOOST_TEST(s.trail()[2].actor == "someone else");
  BOOST_TEST(s.verify().ok());  // the chain holds and the rows agree
  const VerifyReport r = verify_with(s, kKey);
  BOOST_TEST(r.sealed_from == 1);  // the seal record (1) is before the change
  std::vector<std::string> want;
  for (std::size_t q = 3; q <= n; ++q)
    want.push_back("trail " + std::to_string(q) + ": forged: 記録 " + std::to_string(q) +
                   " の MAC が鍵と合わない: 鍵を持たない者が書き換えた");
  BOOST_TEST(problem_lines(r) == want);

  // Rewritten from the first record, the seal record included: no valid seal is left.
  rewrite_trail(db, s, [](std::vector<TrailRecord>& t) { t[0].at = "2020-01-01T00:00:00.000000Z"; });
  BOOST_TEST(s.verify().ok());
  const VerifyReport all = verify_with(s, kKey);
  BOOST_TEST(all.sealed_from == 0);
  BOOST_TEST(problem_lines(all) ==
             (std::vector<std::string>{"trail seal: unsealed: この鍵で封印された記録がない (鍵の key_id " +
                                       trail_key_id(kKey) + "): 証跡の封印の記録は key_id " + trail_key_id(kKey) +
                                       " (別の鍵か、封印の記録が書き換えられた)"}));

  // Rewritten with the MACs dropped and the seal record removed.
  rewrite_trail(db, s, [](std::vector<TrailRecord>& t) {
    t.erase(t.begin());
    for (std::size_t i = 0; i < t.size(); ++i) {
      t[i].seq = std::int64_t(i + 1);
      t[i].mac.clear();
    }
  });
  BOOST_TEST(s.verify().ok());
  BOOST_TEST(problem_lines(verify_with(s, kKey)) ==
             std::vector<std::string>{"trail seal: unsealed: この鍵で封印された記録がない (鍵の key_id " +
                                      trail_key_id(kKey) + ")"});
}

BOOST_AUTO_TEST_CASE(a_wrong_key_finds_no_seal) {
  Store s = Store::open(":memory:", keyed());
  setup(s);
  const VerifyReport r = verify_with(s, kOtherKey);
  BOOST_TEST(r.sealed_from == 0);
  BOOST_TEST(r.key_id == trail_key_id(kOtherKey));
  BOOST_TEST(problem_lines(r) ==
             std::vector<std::string>{"trail seal: unsealed: この鍵で封印された記録がない (鍵の key_id " +
                                      trail_key_id(kOtherKey) + "): 証跡の封印の記録は key_id " + trail_key_id(kKey) +
                                      " (別の鍵か、封印の記録が書き換えられた)"});
  BOOST_TEST(trail_key_id(kOtherKey) != trail_key_id(kKey));
}

BOOST_AUTO_TEST_CASE(a_short_trail_key_is_refused) {
  const std::string msg = validation_message([] { Store::open(":memory:", keyed(std::string(31, 'k'))); });
  BOOST_TEST(msg == "証跡の鍵が短い: 31 バイト (32 バイト以上であること)");
}

BOOST_AUTO_TEST_CASE(key_files_are_written_0600_and_read_strictly) {
  const fs::path key = temp_path("libaudit_seal_test.key");
  fs::remove(key);
  write_trail_key(key);
  BOOST_TEST(((fs::status(key).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write)));
  const std::string k = read_trail_key(key);
  BOOST_TEST(k.size() == kTrailKeyBytes);
  std::ifstream in(key);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  BOOST_TEST(text.size() == 65u);
  BOOST_TEST(text.back() == '\n');
  // Never overwritten.
  BOOST_CHECK_THROW(write_trail_key(key), IoError);
  BOOST_TEST(read_trail_key(key) == k);
  // A second key differs (random).
  const fs::path key2 = temp_path("libaudit_seal_test2.key");
  fs::remove(key2);
  write_trail_key(key2);
  BOOST_TEST(read_trail_key(key2) != k);
  fs::remove(key2);

  // Readable by group and others: refused, naming the file and the fix.
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  BOOST_TEST(validation_message([&] { read_trail_key(key); }) ==
             "鍵ファイル " + key.string() +
                 " はグループか他の利用者に権限がある (0644): 所有者だけが読めるよう `chmod 600 " + key.string() +
                 "` とすること");
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write);
  BOOST_CHECK_THROW(read_trail_key(key), ValidationError);

  const std::string bad_form = "鍵ファイル " + key.string() +
                               " の形式が違う: 64 桁の16進数 (32 バイト) と改行 1 つであること (`libaudit trail-key "
                               "new PATH` で作る)";
  const fs::perms owner = fs::perms::owner_read | fs::perms::owner_write;
  for (const std::string& t : {std::string(64, 'a'), std::string(64, 'a') + "\n\n", std::string(62, 'a') + "\n",
                               std::string(63, 'a') + "g\n", std::string(64, 'a') + "\r\n", std::string()}) {
    write_file(key, t, owner);
    BOOST_TEST(validation_message([&] { read_trail_key(key); }) == bad_form, "content " << t.size() << " bytes");
  }
  write_file(key, std::string(32, 'A') + std::string(32, '0') + "\n", owner);  // upper case hex is read
  BOOST_TEST(read_trail_key(key) == std::string(16, '\xaa') + std::string(16, '\0'));
  fs::remove(key);
  BOOST_CHECK_THROW(read_trail_key(key), IoError);
}
