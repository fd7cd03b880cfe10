// Reading a YAML document of the checklist stage (a checklist, a body profile) the one way: the
// file read within a byte bound, refused whole when it is not UTF-8, holds several documents, is
// empty or expands past a node budget (alias bombs); then a walk that collects every problem as a
// located Diagnostic (1-based line, character column) and throws ChecklistError once at the end.
// A YamlReader is used by one thread for one document; nothing here is shared.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libaudit/base/error.h"

namespace libaudit::yaml {

// "42.6 MB" (MB = 2^20 bytes), "32 MB", or "100 bytes" below 1 MB.
std::string size_text(std::uintmax_t bytes);

// "a mapping", "a list", "a scalar", "nothing": what a node is, for messages.
std::string kind_name(const YAML::Node& n);

// The file's bytes, read only up to just past `max_bytes` (enough to know it is too large), and
// the file's whole size. Throws IoError when it cannot be read or is a directory.
std::pair<std::string, std::uintmax_t> read_bounded(const std::filesystem::path& path, std::size_t max_bytes);

// What a reader says about a document it refuses whole, in the words of what the document is
// ("a checklist", "a body profile"), already translated by the caller.
struct DocumentWords {
  std::string too_large;  // the file is over the byte limit (with its size and the limit)
  std::string several;    // more than one YAML document in the file
  std::string empty;      // nothing in it
};

struct Bounds {
  std::size_t max_bytes = 32u << 20;
  std::size_t max_expanded_nodes = 2'000'000;
};

class YamlReader {
 public:
  // `size`: the size of the whole file when `yaml` is only its first part (read up to the limit).
  YamlReader(std::string_view yaml, std::string origin, Bounds bounds, std::uintmax_t size);

  // The document's root, or throws ChecklistError with the one diagnostic that refuses it whole.
  // Sections, lists or mappings nested past `max_depth` are refused with yaml-cpp's own guard.
  YAML::Node parse(const DocumentWords& words, int max_depth);

  // Throws ChecklistError with every diagnostic so far, in file order, when there are any.
  void throw_if_failed();

  const std::string& origin() const noexcept { return origin_; }
  bool failed() const noexcept { return !diags_.empty(); }

  // ---- diagnostics
  void fail_at(int line, int column, std::string message);
  void fail(const YAML::Mark& mark, std::string message);
  std::pair<int, int> position(const YAML::Mark& mark) const;  // 1-based line, character column

  // ---- checks of the walk
  // Checks that `node` is a mapping whose keys are scalars from `allowed`, none repeated, and
  // that every key in `required` is present. `what` names the mapping in messages.
  bool check_mapping(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                     std::initializer_list<std::string_view> required, const std::string& what);
  // A scalar as text, or nullopt (with a diagnostic) when it is not one.
  std::optional<std::string> scalar(const YAML::Node& n, std::string_view key, const std::string& what, bool non_empty);
  // A required non-empty text ("" with a diagnostic when empty or not text).
  std::string required_text(const YAML::Node& map, std::string_view key, const std::string& what);
  // A list of non-empty texts with their marks.
  std::vector<std::pair<std::string, YAML::Mark>> string_list(const YAML::Node& n, std::string_view key,
                                                              const std::string& what);
  // A boolean written as one (true/false, not quoted); nullopt with a diagnostic otherwise.
  std::optional<bool> boolean(const YAML::Node& n, const std::string& message_if_not);
  // True for a tier id of the vocabulary; else false with a diagnostic (did you mean …?).
  bool check_tier(const std::string& tier, const YAML::Mark& mark);
  // The mark of `key`'s key node in `map` (where a diagnostic about the key belongs), or the map's.
  static YAML::Mark key_mark(const YAML::Node& map, std::string_view key);

 private:
  class Lines {
   public:
    explicit Lines(std::string_view text);
    std::pair<int, int> position(std::string_view text, const YAML::Mark& mark) const;

   private:
    std::vector<std::size_t> starts_;
  };

  std::string_view yaml_;
  std::string origin_;
  Bounds bounds_;
  std::uintmax_t size_;
  Lines lines_;
  std::vector<Diagnostic> diags_;
};

}  // namespace libaudit::yaml
