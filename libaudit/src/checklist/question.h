// The naturalness rules of self-inspection questions (docs/extractor.md, "Questions"): the
// topic rewrite question_for applies, and the checks question_problems makes. Internal to the
// checklist stage; extract.h declares the public question_problems.
#pragma once

#include <string>
#include <string_view>

namespace libaudit::question {

// Byte offset of the first 「は、」 outside brackets that leaves a noun topic dangling in a
// question (「情報資産は、…分類しているか。」), or npos. A condition (…場合は、, …際は、,
// …については、, …には、) or 又は/若しくは is not a topic.
std::size_t dangling_topic(std::string_view question);

// `question` (ending in か。) with its dangling topics rewritten: an actor (a role name, 〜者)
// → 「Xが」; otherwise 「Xは、」 → 「Xを」 when the
// rest has no を/が of its own; 「Xが」 when the predicate is passive or a copula (…されて
// いるか, …であるか); 「Xについて、」 otherwise.
std::string rewrite_topics(std::string question);

}  // namespace libaudit::question
