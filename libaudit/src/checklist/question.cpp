// Naturalness of self-inspection questions: the topic rewrite and the checks. See question.h
// and docs/extractor.md ("Questions").
#include "checklist/question.h"

#include <array>
#include <utility>

#include "base/jtext.h"
#include "libaudit/base/messages.h"
#include "libaudit/checklist/extract.h"

namespace libaudit {

using jtext::ends_with;
using jtext::starts_with;

namespace question {

namespace {

constexpr std::string_view kWa = "は、";

bool opens(char32_t c) { return c == U'（' || c == U'(' || c == U'「' || c == U'『' || c == U'【' || c == U'［'; }
bool closes(char32_t c) { return c == U'）' || c == U')' || c == U'」' || c == U'』' || c == U'】' || c == U'］'; }

// Calls f(offset) at every code point outside brackets; stops when f returns true.
template <class F>
void top_level(std::string_view s, F f) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c;
    const std::size_t n = jtext::decode(s, i, c);
    if (opens(c)) ++depth;
    if (depth == 0 && f(i)) return;
    if (closes(c)) depth = depth > 0 ? depth - 1 : 0;
    i += n;
  }
}

// What may stand before は、 without being a topic: conditions and times (場合は、, 際は、,
// 後は、), particles (には、, では、, については、, とは、) and 又は, 若しくは, 或いは (in kanji or
// kana: または、).
bool not_a_topic(std::string_view before) {
  static constexpr std::array<std::string_view, 24> kEndings = {
      "場合", "とき", "時", "際", "後", "以降", "以後", "前",     "間",   "限り", "ほか",   "以外",
      "時点", "上",   "に", "で", "て", "と",   "又",   "若しく", "或い", "また", "もしく", "あるい"};
  for (std::string_view e : kEndings)
    if (ends_with(before, e)) return true;
  return false;
}

// An actor left as topic: the phrase, or the first of the phrases it joins with 及び, 並びに,
// 又は, ends with a role name or 〜者 (「職員等（…）及びアルバイトは、」).
bool names_an_actor(std::string_view topic) {
  for (std::string_view joint : {"及び", "並びに", "又は"}) {
    std::size_t at = std::string_view::npos;
    top_level(topic, [&](std::size_t i) {
      if (!starts_with(topic.substr(i), joint)) return false;
      at = i;
      return true;
    });
    if (at != std::string_view::npos) topic = topic.substr(0, at);
  }
  for (;;) {  // trailing 等 and bracketed asides
    const std::string_view before = topic;
    while (ends_with(topic, "等")) topic.remove_suffix(std::string_view("等").size());
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"}, {"(", ")"}})
      if (ends_with(topic, close))
        if (const std::size_t o = topic.rfind(open); o != std::string_view::npos) topic = topic.substr(0, o);
    if (topic == before) break;
  }
  return jtext::role_suffix(topic) != nullptr || ends_with(topic, "者");
}

bool has_top_level(std::string_view s, std::string_view what) {
  bool found = false;
  top_level(s, [&](std::size_t i) { return found = starts_with(s.substr(i), what); });
  return found;
}

}  // namespace

std::size_t dangling_topic(std::string_view q) {
  std::size_t at = std::string_view::npos;
  std::size_t segment = 0;  // just after the last 、 outside brackets
  top_level(q, [&](std::size_t i) {
    std::string_view rest = q.substr(i);
    if (starts_with(rest, kWa) && !not_a_topic(q.substr(segment, i - segment))) {
      at = i;
      return true;
    }
    if (starts_with(rest, "、")) segment = i + std::string_view("、").size();
    return false;
  });
  return at;
}

std::string rewrite_topics(std::string q) {
  for (int guard = 0; guard < 8; ++guard) {
    const std::size_t at = dangling_topic(q);
    if (at == std::string::npos) break;
    const std::string rest = q.substr(at + kWa.size());
    std::string_view body = rest;
    if (ends_with(body, "か。")) body.remove_suffix(std::string_view("か。").size());
    const bool passive = ends_with(body, "れている") || ends_with(body, "れていない") || ends_with(body, "である") ||
                         ends_with(body, "でない") || ends_with(body, "となっている");
    std::string_view topic = std::string_view(q).substr(0, at);
    std::size_t from = 0;  // the topic's phrase: after the last 、 outside brackets
    top_level(topic, [&](std::size_t i) {
      if (starts_with(topic.substr(i), "、")) from = i + std::string_view("、").size();
      return false;
    });
    topic = topic.substr(from);
    std::string particle;
    if (names_an_actor(topic))  // a second actor: 「…場合、職員等が…」
      particle = "が";
    else if (has_top_level(body, "を") || has_top_level(body, "が"))
      particle = "について、";
    else if (passive)
      particle = "が";
    else
      particle = "を";
    q = q.substr(0, at) + particle + rest;
  }
  return q;
}

}  // namespace question

std::vector<std::string> question_problems(std::string_view q) {
  std::vector<std::string> out;
  if (!ends_with(q, "か。")) out.push_back(tr("it does not end in 「か。」"));
  static constexpr std::array<std::string_view, 7> kDoubled = {"をを", "はは", "のの", "がが", "、、", "。。", "にに"};
  for (std::string_view d : kDoubled) {
    for (std::size_t p = q.find(d); p != std::string_view::npos; p = q.find(d, p + 3)) {
      if (d == "のの" && ends_with(q.substr(0, p), "も")) continue;  // …ものの、
      out.push_back(message("a particle is doubled: 「{particles}」", fmt::arg("particles", d)));
      break;
    }
  }
  if (const std::size_t at = question::dangling_topic(q); at != std::string_view::npos) {
    std::size_t from = q.rfind("、", at);
    from = from == std::string_view::npos ? 0 : from + std::string_view("、").size();
    out.push_back(message("the topic 「{topic}は、」 is left dangling before the question",
                          fmt::arg("topic", q.substr(from, at - from))));
  }
  return out;
}

}  // namespace libaudit
