// The as-of rule and close = publish (publication.h, docs/scoring.md "As of", "Publication"):
// a cycle read at a point of the trail, its published results, reopening and the 第2版.
#define BOOST_TEST_MODULE publication
#include "libaudit/scoring/publication.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "followup/world.h"
#include "libaudit/followup/findings.h"
#include "libaudit/scoring/scoring.h"

using namespace libaudit;

namespace {

double body_rate(const CycleAt& at) { return score(at.data, GroupBy::body, at.options).rows.at(0).score; }

}  // namespace

BOOST_AUTO_TEST_CASE(an_open_cycle_is_read_with_the_answers_as_they_were_at_the_point) {
  libaudit::testing::World w;
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"12", "8.1", "implemented"}});
  const TrailPoint then = w.s.trail_head();
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "implemented"}, {"13", "8.1", "implemented"}});
  const CycleData at_then = CycleData::load(w.s, w.self_cycle, then);
  BOOST_TEST(at_then.answered() == 2u);
  BOOST_TEST((at_then.answer(0, 0) == std::optional<Answer>(Answer::not_implemented)));
  BOOST_TEST(!at_then.answer(2, 0).has_value());  // 13 answered after the point
  const CycleData now = CycleData::load(w.s, w.self_cycle);
  BOOST_TEST(now.answered() == 3u);
  BOOST_TEST((now.answer(0, 0) == std::optional<Answer>(Answer::implemented)));
  BOOST_TEST(score(at_then, GroupBy::body).rows.at(0).score == 50.0);
  BOOST_TEST(score(now, GroupBy::body).rows.at(0).score == 100.0);
}

BOOST_AUTO_TEST_CASE(close_publishes_and_nothing_later_moves_the_figures) {
  libaudit::testing::World w;
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"12", "8.1", "implemented"}});
  Publications pubs(w.s);
  const Publication p = pubs.close("t", w.self_cycle);
  BOOST_TEST(p.edition == 1);
  BOOST_TEST(p.record.seq == p.close.seq + 1);
  BOOST_TEST((w.s.cycle_point(w.self_cycle) == p.close));
  BOOST_CHECK_THROW(pubs.close("t", w.self_cycle), CycleStateError);
  const CycleAt first = CycleAt::load(w.s, w.self_cycle);
  const nlohmann::json results = nlohmann::json::parse(p.results);
  BOOST_TEST(results["models"]["rate"]["body"][0]["score"].get<double>() == body_rate(first));
  BOOST_TEST(results["models"].size() == model_names().size());
  // An exception approved after the close, overlapping the 年度 and in force today, does not count.
  Exceptions x(w.s);
  x.approve("CISO", x.request("課長11", ExceptionSpec{"11", "8.1", "", "r", "m", {2025, 1, 1}, {2099, 3, 31}}));
  BOOST_TEST(x.for_scoring(w.self_cycle).empty());
  BOOST_TEST(body_rate(CycleAt::load(w.s, w.self_cycle)) == 50.0);
  // Nor does a system given to 11 later (applicability is the close's).
  w.s.put_system("t", System{"新システム", "11", "lgwan", true});
  BOOST_TEST(CycleAt::load(w.s, w.self_cycle).data.departments()[0].owns_system == false);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(reopen_takes_a_late_answer_and_the_next_close_is_the_second_edition) {
  libaudit::testing::World w;
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"12", "8.1", "implemented"}});
  Publications pubs(w.s);
  const Publication first = pubs.close("t", w.self_cycle);
  BOOST_CHECK_THROW(pubs.reopen("監査A", w.self_cycle, "遅れ"), RoleError);
  BOOST_CHECK_THROW(pubs.reopen("統括", w.self_cycle, " "), ValidationError);
  BOOST_CHECK_THROW(pubs.reopen("誰か", w.self_cycle, "遅れ"), NotFoundError);
  BOOST_CHECK_THROW(w.s.import_responses("t", w.self_cycle, {{"13", "8.1", "implemented"}}), CycleStateError);
  const Reopening r = pubs.reopen("統括", w.self_cycle, "財政課の回答が遅れた");
  BOOST_TEST(r.number == 1);
  BOOST_CHECK_THROW(pubs.reopen("統括", w.self_cycle, "again"), CycleStateError);
  w.s.import_responses("t", w.self_cycle, {{"13", "8.1", "implemented"}});
  Exceptions x(w.s);  // counts from the second edition on
  x.approve("CISO", x.request("課長11", ExceptionSpec{"11", "8.1", "", "r", "m", {2025, 1, 1}, {2025, 3, 31}}));
  const Publication second = pubs.close("t", w.self_cycle);
  BOOST_TEST(second.edition == 2);
  const nlohmann::json ch = nlohmann::json::parse(second.changes);
  BOOST_TEST(ch["reopening"]["reason"].get<std::string>() == "財政課の回答が遅れた");
  BOOST_TEST(ch["late_answers"].dump() == R"([["13","8.1","","implemented"]])");
  BOOST_TEST(ch["exceptions"].dump() == R"([["11","8.1"]])");
  BOOST_TEST(!ch["scores"].empty());
  BOOST_TEST(pubs.list(w.self_cycle).size() == 2u);
  BOOST_TEST(w.s.cycle_closes(w.self_cycle).size() == 2u);
  BOOST_TEST((w.s.cycle_closes(w.self_cycle).front() == first.close));
  BOOST_TEST((pubs.latest(w.self_cycle)->record == second.record));
  BOOST_TEST(w.s.verify().ok());
}
