// tests/parts/headers_test.cpp — every file of this part's folder names itself in its header.
// A part starts as a copy of the one before; a copied file whose first line still names the old
// part's folder tells the reader the wrong part.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "part_under_test.h"

namespace fs = std::filesystem;

namespace {

// This part's folder, e.g. "part3-lua".
std::string partFolder() {
  const std::string prefix = "part" + std::to_string(rsp::test::kPart) + "-";
  for (const auto& entry : fs::directory_iterator(RSP_SOURCE_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind(prefix, 0) == 0) return name;
  }
  return "";
}

std::string firstLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST_CASE("every file of this part opens with its own path", "[headers]") {
  const std::string folder = partFolder();
  REQUIRE(!folder.empty());
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(RSP_SOURCE_DIR) / folder)) {
    const std::string name = entry.path().filename().string();
    // The build file is the same in every part but for its list of sources (rsp_add_part).
    if (!entry.is_regular_file() || name == "CMakeLists.txt") continue;
    const std::string path = folder + "/" + name;
    const std::string line = firstLine(entry.path());
    INFO(path << " opens with: " << line);
    CHECK((line.rfind("// " + path + " — ", 0) == 0 || line.rfind("-- " + path + ": ", 0) == 0));
    ++files;
  }
  CHECK(files >= 2);  // at least main.cpp and proxy.cpp: the folder was really read
}
