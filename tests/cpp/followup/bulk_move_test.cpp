// Bulk moves of findings (findings.h: move_many, move_where, read_decisions): promoted drafts
// confirmed or discarded by a filter or a CSV of decisions, all or nothing, each move checked
// against the roles and recorded in the trail as a single move is.
#define BOOST_TEST_MODULE bulk_move
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>

#include "followup/world.h"
#include "libaudit/followup/findings.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
using libaudit::testing::World;
using S = FindingState;

namespace {

// Four drafts promoted into the audit: 11/8.1, 12/8.1 (partial: observation), 12/8.2, 13/8.1.
std::vector<std::int64_t> drafts(World& w) {
  w.s.import_responses("t", w.self_cycle,
                       {{"11", "8.1", "not_implemented"},
                        {"12", "8.1", "partial"},
                        {"12", "8.2", "not_implemented"},
                        {"13", "8.1", "not_implemented"}});
  return Findings(w.s).promote("監査A", w.self_cycle, w.audit, PromoteOptions{true, {}}).created;
}

std::vector<S> states(World& w) {
  std::vector<S> out;
  for (const Finding& f : Findings(w.s).list()) out.push_back(f.state);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(drafts_confirmed_by_a_filter_each_recorded_as_a_single_move) {
  World w;
  const auto ids = drafts(w);
  BOOST_REQUIRE(ids.size() == 4u);
  Findings f(w.s);
  const auto before = w.s.trail().size();
  FindingFilter where;
  where.cycle = w.audit;
  where.state = S::draft;
  const auto done = f.move_where("監査A", where, S::open, "確認した");
  BOOST_TEST(done.size() == 4u);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    BOOST_TEST(done[k].finding == ids[k]);
    BOOST_TEST(done[k].id > 0);
    BOOST_TEST((f.get(ids[k]).state == S::open));
    const auto h = f.history(ids[k]);
    BOOST_TEST(h.size() == 1u);
    BOOST_TEST((h[0].from == S::draft && h[0].to == S::open && h[0].by == "監査A" && h[0].note == "確認した"));
  }
  BOOST_TEST(w.s.trail().size() == before + 8);  // per move: the finding and its transition, as move() writes
  BOOST_TEST(w.s.verify().ok());
  BOOST_TEST(f.move_where("監査A", where, S::open).empty());  // nothing is a draft any more
}

BOOST_AUTO_TEST_CASE(a_filter_by_department_and_severity) {
  World w;
  const auto ids = drafts(w);
  Findings f(w.s);
  FindingFilter where;
  where.cycle = w.audit;
  where.state = S::draft;
  where.severity = Severity::observation;
  auto done = f.move_where("監査A", where, S::discarded);
  BOOST_TEST(done.size() == 1u);
  BOOST_TEST((f.get(done[0].finding).department == "12" && f.get(done[0].finding).state == S::discarded));
  where.severity.reset();
  where.department = "１２";  // normalised as everywhere
  done = f.move_where("監査A", where, S::open);
  BOOST_TEST(done.size() == 1u);
  BOOST_TEST(f.get(done[0].finding).items == std::vector<std::string>{"8.2"});
  where.cycle = 999;
  BOOST_CHECK_THROW(f.move_where("監査A", where, S::open), NotFoundError);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(one_refused_move_moves_nothing_and_every_refusal_is_listed) {
  World w;
  const auto ids = drafts(w);
  Findings f(w.s);
  const auto before = w.s.trail();
  // 監査11 belongs to 総務課: confirming 総務課's draft is 兼務の禁止; the others would pass.
  FindingFilter where;
  where.state = S::draft;
  try {
    f.move_where("監査11", where, S::open);
    BOOST_FAIL("a refused move was not reported");
  } catch (const ValidationError& e) {
    BOOST_TEST(e.diagnostics().size() == 1u);
    BOOST_TEST(e.diagnostics()[0].file.empty());
    BOOST_TEST(e.diagnostics()[0].message.find("finding " + std::to_string(ids[0])) != std::string::npos);
    BOOST_TEST(e.diagnostics()[0].to_string() == e.diagnostics()[0].message);  // no file: the message alone
  }
  BOOST_TEST(w.s.trail().size() == before.size());
  BOOST_TEST((states(w) == std::vector<S>(4, S::draft)));
  // Four kinds of refusal at once, each located at its line of the decisions file.
  const std::vector<FindingMove> moves = {{ids[1], S::open, "", 2},     {999, S::open, "", 3},
                                          {ids[2], S::verified, "", 4}, {ids[1], S::discarded, "", 5},
                                          {ids[3], S::open, "ok", 6},   {ids[0], S::open, "", 7}};
  try {
    f.move_many("監査11", moves, false, "decisions.csv");
    BOOST_FAIL("refused moves were not reported");
  } catch (const ValidationError& e) {
    std::vector<int> lines;
    for (const Diagnostic& d : e.diagnostics()) {
      BOOST_TEST(d.file == "decisions.csv");
      lines.push_back(d.line);
    }
    BOOST_TEST(lines == (std::vector<int>{3, 4, 5, 7}));
    BOOST_TEST(e.diagnostics()[0].message.find("999") != std::string::npos);
    BOOST_TEST(e.diagnostics()[2].message.find("line 2") != std::string::npos);  // named twice
  }
  BOOST_CHECK_THROW(f.move_many("nobody", moves), NotFoundError);
  BOOST_TEST(w.s.trail().size() == before.size());
  BOOST_TEST((states(w) == std::vector<S>(4, S::draft)));
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_dry_run_checks_everything_and_writes_nothing) {
  World w;
  const auto ids = drafts(w);
  Findings f(w.s);
  const auto before = w.s.trail().size();
  const auto planned = f.move_many("監査A", {{ids[0], S::open, " 確認 ", 0}, {ids[1], S::discarded, "", 0}}, true);
  BOOST_TEST(planned.size() == 2u);
  BOOST_TEST((planned[0].from == S::draft && planned[0].to == S::open && planned[0].id == 0));
  BOOST_TEST(planned[0].note == "確認");
  BOOST_TEST(planned[0].at.empty());
  BOOST_TEST(w.s.trail().size() == before);
  BOOST_TEST((states(w) == std::vector<S>(4, S::draft)));
  BOOST_CHECK_THROW(f.move_many("監査11", {{ids[0], S::open, "", 0}}, true), ValidationError);  // still checked
}

BOOST_AUTO_TEST_CASE(decisions_from_a_csv) {
  World w;
  const auto ids = drafts(w);
  TempDb file("libaudit_decisions.csv");
  {
    std::ofstream out(file.path);
    out << "指摘番号,状態,メモ\n"
        << ids[0] << ",未対応,確認\n"
        << "\xEF\xBC\x92"
        << ",discarded,\n";  // ２: full width
  }
  const auto moves = read_decisions(file.path);
  BOOST_TEST(moves.size() == 2u);
  BOOST_TEST((moves[0].finding == ids[0] && moves[0].to == S::open && moves[0].note == "確認" && moves[0].line == 2));
  BOOST_TEST((moves[1].finding == 2 && moves[1].to == S::discarded && moves[1].line == 3));
  {
    std::ofstream out(file.path);
    out << "finding,state\nx,open\n3,bogus\n4,open\n";
  }
  try {
    read_decisions(file.path);
    BOOST_FAIL("bad rows were not reported");
  } catch (const ImportValidationError& e) {
    BOOST_TEST(e.diagnostics().size() == 2u);
    BOOST_TEST((e.diagnostics()[0].line == 2 && e.diagnostics()[0].column == 1));
    BOOST_TEST((e.diagnostics()[1].line == 3 && e.diagnostics()[1].column == 2));
  }
  {
    std::ofstream out(file.path);
    out << "id,note\n1,x\n";
  }
  BOOST_CHECK_THROW(read_decisions(file.path), ImportValidationError);
  const auto done = Findings(w.s).move_many("監査A", moves, false, file.path.string());
  BOOST_TEST(done.size() == 2u);
  BOOST_TEST(w.s.verify().ok());
}
