// Closest names first: for error messages that list what would have been valid ("use one of: X
// (closest), Y, ..."), so that a typo's fix comes first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace emu {

// `candidates` ordered by edit distance (Levenshtein, case-insensitive) to `word`, nearest
// first; equal distances keep their given order.
std::vector<std::string> closest_first(std::string_view word, std::vector<std::string> candidates);

}  // namespace emu
