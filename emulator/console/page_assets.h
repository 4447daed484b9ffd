// The console's page (page/: HTML, script, style), built into the binary: no CDN, no build step
// for the user, works offline. The build generates the definition from page/ (cmake/
// embed_assets.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace emu::console {

struct PageAsset {
  std::string_view name;          // "index.html", "console.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

const std::vector<PageAsset>& page_assets();

}  // namespace emu::console
