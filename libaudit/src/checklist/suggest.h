// Did-you-mean: the closest candidate to a misspelt name, if one is close enough.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

namespace libaudit {

// Edit distance between two byte strings (insert, delete, substitute, adjacent swap).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest `word`, when its distance is at most max(1, |word| / 3).
std::optional<std::string_view> suggest(std::string_view word, const std::vector<std::string_view>& candidates);
std::optional<std::string_view> suggest(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace libaudit
