// Evidence files (libaudit/store/evidence.h) in C++: the add's row, trail record and bytes,
// revisions, withdrawal and purge, refusals that write nothing, and verify naming a changed or
// missing file. Linked to the store stage only: the target kind here is "response".
#define BOOST_TEST_MODULE evidence
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "checklist_yaml.h"
#include "libaudit/store/evidence.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;

namespace {

const std::string kChecklist = testing::kEvaluationChecklistHead + testing::cooperation_item("8.1");

std::int64_t setup(Store& s) {
  s.import_departments("t", {{Department{"1", "総務部", "", "", ""}, 2}, {Department{"11", "総務課", "1", "", ""}, 3}});
  const auto cl = s.import_checklist("t", Checklist::from_yaml(kChecklist));
  return s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
}

fs::path write_file(const TempDb& db, const std::string& name, const std::string& bytes) {
  const fs::path p = db.path.string() + "." + name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::size_t evidence_records(const Store& s) {
  std::size_t n = 0;
  for (const TrailRecord& r : s.trail())
    n += r.entity == "evidence" && r.state.find("\"sha256\":\"") != std::string::npos ? 1 : 0;
  return n;
}

const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";

}  // namespace

BOOST_AUTO_TEST_CASE(add_revise_withdraw_purge_and_verify) {
  TempDb db("libaudit_evidence_cycle.db");
  Store s = Store::open(db.path);
  const std::int64_t cycle = setup(s);
  Evidence ev(s);
  const std::string key = std::to_string(cycle) + "/11/8.1";
  const fs::path a = write_file(db, "a.pdf", kPdf);
  const EvidenceFile f = ev.add("監査A", EvidenceSpec{"response", key, "記録簿", "2024-10-01", ""}, a);
  BOOST_TEST(f.id == 1);
  BOOST_TEST(f.revision == 1);
  BOOST_TEST(f.media_type == "application/pdf");
  BOOST_TEST(f.size == std::int64_t(kPdf.size()));
  BOOST_TEST(fs::exists(ev.folder() / "sha256" / f.sha256.substr(0, 2) / f.sha256));
  const EvidenceFile g = ev.revise("監査A", 1, EvidenceSpec{}, write_file(db, "b.txt", "課,件数\n"));
  BOOST_TEST(g.revision == 2);
  BOOST_TEST(g.title == "記録簿");
  BOOST_TEST(g.media_type == "text/plain");
  BOOST_TEST(ev.list().size() == 2u);
  BOOST_TEST(s.verify().ok());
  BOOST_TEST(ev.withdraw("監査A", 1, "誤り").size() == 2u);
  BOOST_CHECK_THROW(ev.purge("監査A", 1), ValidationError);  // five years not passed
  ev.purge("監査A", 1, add_days(today_japan(), kEvidenceDefaultRetentionDays));
  BOOST_TEST(!fs::exists(ev.folder() / "sha256" / f.sha256.substr(0, 2) / f.sha256));
  BOOST_TEST(to_string(ev.get(1, 1).status) == "purged");
  BOOST_TEST(evidence_records(s) == 6u);  // 2 adds, 2 withdrawals, 2 purges, each with the hash
  const VerifyReport r = s.verify();
  BOOST_TEST(r.ok());
  BOOST_TEST(r.unreferenced.empty());
}

BOOST_AUTO_TEST_CASE(verify_names_a_changed_and_a_missing_file) {
  TempDb db("libaudit_evidence_verify.db");
  Store s = Store::open(db.path);
  const std::int64_t cycle = setup(s);
  Evidence ev(s);
  const std::string key = std::to_string(cycle) + "/11/8.1";
  const EvidenceFile a = ev.add("t", EvidenceSpec{"response", key, "", "", ""}, write_file(db, "a.pdf", kPdf));
  const EvidenceFile b =
      ev.add("t", EvidenceSpec{"response", key, "", "", ""}, write_file(db, "b.pdf", kPdf + "% another\n"));
  const fs::path pa = ev.folder() / "sha256" / a.sha256.substr(0, 2) / a.sha256;
  const fs::path pb = ev.folder() / "sha256" / b.sha256.substr(0, 2) / b.sha256;
  fs::permissions(pa, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(pa, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5);
    f.put('X');
  }
  fs::remove(pb);
  const VerifyReport r = s.verify();
  BOOST_REQUIRE(r.problems.size() == 2u);
  BOOST_TEST(r.problems[0].to_string().find("evidence [1,1]: altered") == 0u);
  BOOST_TEST(r.problems[0].detail.find(pa.string()) != std::string::npos);
  BOOST_TEST(r.problems[1].to_string().find("evidence [2,1]: missing") == 0u);
  BOOST_TEST(r.problems[1].detail.find(pb.string()) != std::string::npos);
  BOOST_CHECK_THROW(ev.copy_out(1, 0, db.path.string() + ".out"), StoreError);
  BOOST_TEST(!fs::exists(db.path.string() + ".out"));
}

BOOST_AUTO_TEST_CASE(refusals_write_nothing) {
  TempDb db("libaudit_evidence_refused.db");
  Store s = Store::open(db.path);
  const std::int64_t cycle = setup(s);
  Evidence ev(s);
  const std::string key = std::to_string(cycle) + "/11/8.1";
  const std::size_t before = s.trail().size();
  BOOST_CHECK_THROW(ev.add("t", EvidenceSpec{"response", key, "", "", ""}, write_file(db, "x.exe", "MZ\x90")),
                    ValidationError);
  BOOST_CHECK_THROW(ev.add("t", EvidenceSpec{"response", key, "", "", ""}, write_file(db, "x.html", "<html>")),
                    ValidationError);
  BOOST_CHECK_THROW(ev.add("t", EvidenceSpec{"nothing", key, "", "", ""}, write_file(db, "a.pdf", kPdf)),
                    ValidationError);
  BOOST_CHECK_THROW(ev.add("t", EvidenceSpec{"response", "99/11/8.1", "", "", ""}, write_file(db, "a.pdf", kPdf)),
                    NotFoundError);
  ev.set_settings("t", EvidenceSettings{10, kEvidenceDefaultRetentionDays});
  BOOST_CHECK_THROW(ev.add("t", EvidenceSpec{"response", key, "", "", ""}, write_file(db, "a.pdf", kPdf)),
                    ValidationError);
  BOOST_TEST(s.trail().size() == before + 1);  // the setting only
  BOOST_TEST(ev.list().empty());
  BOOST_TEST(ev.unreferenced().empty());
  BOOST_TEST(s.verify().ok());
}
