#include "checklist/yaml_reader.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "checklist/suggest.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit::yaml {

namespace {

// Line of a second YAML document, or 0. Document markers ("---", "...") at column 0 always
// delimit documents in YAML, even inside block or quoted scalars, so a line scan is exact.
int second_document_line(std::string_view text) {
  bool content = false, ended = false;
  int line = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    ++line;
    auto marker = [&](std::string_view m) {
      return l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    };
    std::string_view body = text::trim(l);
    bool blank = body.empty() || body.front() == '#';
    if (marker("---")) {
      if (content || ended) return line;
      content = l.size() > 3 && !text::trim(l.substr(3)).empty() && text::trim(l.substr(3)).front() != '#';
    } else if (marker("...")) {
      ended = content || ended;
    } else if (!blank && l.front() != '%') {
      if (ended) return line;
      content = true;
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  return 0;
}

// Counts nodes with aliases expanded; false once the budget is exceeded. Iterative, so a
// self-referencing alias (`&b [*b]`, an endless expansion) cannot overflow the stack.
bool within_budget(const YAML::Node& root, std::size_t budget) {
  std::vector<YAML::Node> pending{root};
  while (!pending.empty()) {
    if (budget == 0) return false;
    --budget;
    YAML::Node n = pending.back();  // a handle: copying it copies no tree
    pending.pop_back();
    if (n.IsSequence()) {
      for (const auto& child : n) pending.push_back(child);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        pending.push_back(kv.first);
        pending.push_back(kv.second);
      }
    }
    if (pending.size() > budget) return false;  // more waiting than may still be visited
  }
  return true;
}

}  // namespace

std::string size_text(std::uintmax_t bytes) {
  constexpr std::uintmax_t kMB = 1u << 20;
  if (bytes < kMB) return message_n("{n} byte", "{n} bytes", bytes);
  char buf[32];
  std::snprintf(buf, sizeof buf, bytes % kMB ? "%.1f MB" : "%.0f MB", double(bytes) / double(kMB));
  return buf;
}

std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return tr("a mapping");
    case YAML::NodeType::Sequence: return tr("a list");
    case YAML::NodeType::Scalar: return tr("a scalar");
    case YAML::NodeType::Null: return tr("nothing");
    default: return tr("an undefined value");
  }
}

std::pair<std::string, std::uintmax_t> read_bounded(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError(message("{file}: is a directory", fmt::arg("file", path.string())));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(message("{file}: cannot open for reading", fmt::arg("file", path.string())));
  std::string data;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) break;  // enough to know it is too large
  }
  if (in.bad()) throw IoError(message("{file}: read error", fmt::arg("file", path.string())));
  std::uintmax_t size = data.size();
  if (size > max_bytes) {
    const std::uintmax_t whole = std::filesystem::file_size(path, ec);
    if (!ec && whole > size) size = whole;  // a regular file: its real size, not what was read
  }
  return {std::move(data), size};
}

// ---- YamlReader

YamlReader::Lines::Lines(std::string_view text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

// yaml-cpp marks are 0-based lines and byte columns; diagnostics count characters from 1.
std::pair<int, int> YamlReader::Lines::position(std::string_view text, const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return {1, 1};
  std::size_t line = static_cast<std::size_t>(mark.line);
  if (line >= starts_.size()) return {mark.line + 1, mark.column + 1};
  std::size_t start = starts_[line];
  std::size_t end = std::min(text.size(), start + static_cast<std::size_t>(std::max(0, mark.column)));
  return {mark.line + 1, static_cast<int>(text::char_count(text.substr(start, end - start))) + 1};
}

YamlReader::YamlReader(std::string_view yaml, std::string origin, Bounds bounds, std::uintmax_t size)
    : yaml_(yaml), origin_(std::move(origin)), bounds_(bounds), size_(size), lines_(yaml) {}

YAML::Node YamlReader::parse(const DocumentWords& words, int max_depth) {
  if (size_ > bounds_.max_bytes) {
    fail_at(1, 1, words.too_large);
    throw_if_failed();
  }
  if (auto bad = text::find_invalid_utf8(yaml_)) {
    fail_at(bad->line, bad->column,
            message("invalid UTF-8 (byte offset {offset}); save the file as UTF-8", fmt::arg("offset", bad->offset)));
    throw_if_failed();
  }
  if (int line = second_document_line(yaml_)) {
    fail_at(line, 1, words.several);
    throw_if_failed();
  }
  YAML::Node root;
  try {
    // YAML::Load, not LoadAll: yaml-cpp 0.7's LoadAll loops forever on input such as ","
    // (upstream issue #1040, fixed after 0.8). Extra documents are refused above.
    root = YAML::Load(std::string(yaml_));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard (a few hundred levels), far past any depth a document needs.
    fail(e.mark, message("nested more than {depth} deep (sections, lists or mappings within each other); the YAML "
                         "parser stops here",
                         fmt::arg("depth", max_depth)));
    throw_if_failed();
  } catch (const YAML::Exception& e) {
    fail(e.mark, message("not valid YAML: {reason}", fmt::arg("reason", e.msg)));
    throw_if_failed();
  }
  if (!root.IsDefined() || root.IsNull()) {
    fail_at(1, 1, words.empty);
    throw_if_failed();
  }
  if (!within_budget(root, bounds_.max_expanded_nodes)) {
    fail(root.Mark(), message("the document expands past {n} nodes (aliases nested too deeply: a YAML bomb?)",
                              fmt::arg("n", bounds_.max_expanded_nodes)));
    throw_if_failed();
  }
  return root;
}

void YamlReader::throw_if_failed() {
  if (diags_.empty()) return;
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  throw ChecklistError(std::move(diags_));
}

void YamlReader::fail_at(int line, int column, std::string message) {
  diags_.push_back(Diagnostic{origin_, line, column, std::move(message)});
}

void YamlReader::fail(const YAML::Mark& mark, std::string message) {
  auto [line, column] = position(mark);
  fail_at(line, column, std::move(message));
}

std::pair<int, int> YamlReader::position(const YAML::Mark& mark) const { return lines_.position(yaml_, mark); }

bool YamlReader::check_mapping(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                               std::initializer_list<std::string_view> required, const std::string& what) {
  if (!node.IsMap()) {
    fail(node.Mark(), message("{what} must be a mapping (key: value), found {kind}", fmt::arg("what", what),
                              fmt::arg("kind", kind_name(node))));
    return false;
  }
  std::vector<std::string_view> known(allowed);
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      fail(kv.first.Mark(), message("keys in {what} must be plain names", fmt::arg("what", what)));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      if (auto s = suggest(key, known))
        fail(kv.first.Mark(), message("unknown key '{key}' in {what} (did you mean '{suggestion}'?)",
                                      fmt::arg("key", key), fmt::arg("what", what), fmt::arg("suggestion", *s)));
      else
        fail(kv.first.Mark(), message("unknown key '{key}' in {what}", fmt::arg("key", key), fmt::arg("what", what)));
    } else if (!seen.insert(key).second) {
      fail(kv.first.Mark(),
           message("key '{key}' appears twice in {what}", fmt::arg("key", key), fmt::arg("what", what)));
    }
  }
  for (std::string_view key : required)
    if (!seen.count(std::string(key)))
      fail(node.Mark(),
           message("missing required key '{key}' in {what}", fmt::arg("key", key), fmt::arg("what", what)));
  return true;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& n, std::string_view key, const std::string& what,
                                              bool non_empty) {
  if (!n.IsDefined()) return std::nullopt;
  if (!n.IsScalar()) {
    fail(n.Mark(), message("'{key}' in {what} must be text, found {kind}", fmt::arg("key", key), fmt::arg("what", what),
                           fmt::arg("kind", kind_name(n))));
    return std::nullopt;
  }
  std::string value = n.Scalar();
  if (non_empty && text::trim(value).empty()) {
    fail(n.Mark(), message("'{key}' in {what} is empty", fmt::arg("key", key), fmt::arg("what", what)));
    return std::nullopt;
  }
  return value;
}

YAML::Mark YamlReader::key_mark(const YAML::Node& map, std::string_view key) {
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first.Mark();
  return map.Mark();
}

std::string YamlReader::required_text(const YAML::Node& map, std::string_view key, const std::string& what) {
  const YAML::Node value = map[std::string(key)];
  if (value.IsDefined() && value.IsNull()) {  // "text:" with nothing after it: point at the key, not the next line
    fail(key_mark(map, key), message("'{key}' in {what} is empty", fmt::arg("key", key), fmt::arg("what", what)));
    return {};
  }
  return scalar(value, key, what, true).value_or("");
}

std::vector<std::pair<std::string, YAML::Mark>> YamlReader::string_list(const YAML::Node& n, std::string_view key,
                                                                        const std::string& what) {
  std::vector<std::pair<std::string, YAML::Mark>> out;
  if (!n.IsDefined()) return out;
  if (!n.IsSequence()) {
    fail(n.Mark(), message("'{key}' in {what} must be a list, found {kind}", fmt::arg("key", key),
                           fmt::arg("what", what), fmt::arg("kind", kind_name(n))));
    return out;
  }
  for (const auto& e : n) {
    if (!e.IsScalar() || text::trim(e.Scalar()).empty()) {
      fail(e.Mark(), message("entries of '{key}' in {what} must be non-empty text", fmt::arg("key", key),
                             fmt::arg("what", what)));
      continue;
    }
    out.emplace_back(e.Scalar(), e.Mark());
  }
  return out;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, const std::string& message_if_not) {
  bool value = false;
  if (!n.IsScalar() || n.Tag() == "!" || !YAML::convert<bool>::decode(n, value)) {
    fail(n.Mark(), message_if_not);
    return std::nullopt;
  }
  return value;
}

bool YamlReader::check_tier(const std::string& tier, const YAML::Mark& mark) {
  if (find_tier(tier)) return true;
  std::vector<std::string_view> ids;
  for (const Term& t : tiers()) ids.push_back(t.id);
  if (auto s = suggest(tier, ids))
    fail(mark, message("unknown tier '{tier}' (did you mean '{suggestion}'?)", fmt::arg("tier", tier),
                       fmt::arg("suggestion", *s)));
  else
    fail(mark, message("unknown tier '{tier}'; tiers are mynumber, lgwan and internet", fmt::arg("tier", tier)));
  return false;
}

}  // namespace libaudit::yaml
