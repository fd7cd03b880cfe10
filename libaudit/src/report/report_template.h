// Mustache templates of the reports (kainjow/mustache), looked up in a list of directories
// (a user's first, then the built-in one), with the checks the library itself lacks: a tag
// the view model does not have, or a partial that is nowhere, is an error (TemplateError naming
// the template file, the line and the tag) instead of rendering as nothing.
// Partials are bounded before anything renders: every chain of partials a template can reach,
// whatever the data, is at most kMaxPartialDepth long (so a partial never includes itself,
// directly or through others), and a template or partial is a file name (no '/', '\\') that
// resolves, symbolic links followed, to a regular file inside the directory it was found in.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace libaudit::report_detail {

enum class Escape { html, markdown };

// The longest chain of partials (template > a > b …): beyond it, TemplateError naming the chain.
inline constexpr std::size_t kMaxPartialDepth = 16;

// Markdown escaping of a text from data: \ ` * _ { } [ ] < > # | and & become inert, line
// breaks become spaces (a table row stays one row).
std::string markdown_escape(const std::string& s);

class Templates {
 public:
  // IoError when a directory does not exist.
  explicit Templates(std::vector<std::filesystem::path> dirs);
  ~Templates();
  Templates(Templates&&) noexcept;
  Templates& operator=(Templates&&) noexcept;

  // Renders template `name` (e.g. "committee.html.mustache") with the view model.
  // TemplateError: not found, a syntax error, an unknown tag or partial, a chain of partials
  // longer than kMaxPartialDepth, a file resolving outside its directory or not a regular file.
  std::string render(const std::string& name, const nlohmann::ordered_json& view, Escape escape);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace libaudit::report_detail
