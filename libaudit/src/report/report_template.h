// Mustache templates of the reports (kainjow/mustache), looked up in a list of directories
// (a user's first, then the built-in one), with the checks the library itself lacks: a tag
// the view model does not have, or a partial that is nowhere, is an error (TemplateError naming
// the template file, the line and the tag) instead of rendering as nothing.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace libaudit::report_detail {

enum class Escape { html, markdown };

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
  // TemplateError: not found, a syntax error, an unknown tag or partial.
  std::string render(const std::string& name, const nlohmann::ordered_json& view, Escape escape);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace libaudit::report_detail
