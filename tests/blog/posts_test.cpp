// tests/blog/posts_test.cpp — the posts in blog/ against the code: every listing that names a
// file matches it (see listings.h), every transcript marked `run` prints what the post says
// (see transcripts.h), every post is in the index, and every relative link leads somewhere.
// Changing the code without its post fails here.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "listings.h"
#include "transcripts.h"

using namespace rsp::test;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = RSP_SOURCE_DIR;
const fs::path kBlog = kRoot / "blog";
const fs::path kBinaries = RSP_BINARY_DIR;  // what build/bin/ means in a transcript

// Every blog/*.md, README.md included, sorted by name.
std::vector<fs::path> markdownFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kBlog)) {
    if (entry.is_regular_file() && entry.path().extension() == ".md") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string nameInRepository(const fs::path& path) { return fs::relative(path, kRoot).string(); }

// A link to a file of this repository (not to a site, nor to an anchor of this page).
bool isLocal(const std::string& target) {
  return target.find("://") == std::string::npos && target.rfind("mailto:", 0) != 0 &&
         target.front() != '#';
}

std::string withoutAnchor(const std::string& target) { return target.substr(0, target.find('#')); }

}  // namespace

TEST_CASE("every listing in the posts matches the file it names", "[blog]") {
  int listings = 0;
  for (const fs::path& post : markdownFiles()) {
    for (const std::string& problem :
         checkPost(nameInRepository(post), readText(post), kRoot, &listings)) {
      FAIL_CHECK(problem);
    }
  }
  INFO("no post in " << kBlog << " has a listing with title=FILE: nothing was checked");
  CHECK(listings > 0);
}

TEST_CASE("every transcript marked run prints what the post says", "[blog]") {
  const CommandRunner run = [](const std::string& command) {
    return runCommand(command, kRoot, kBinaries);
  };
  int transcripts = 0;
  for (const fs::path& post : markdownFiles()) {
    for (const FencedBlock& block : fencedBlocks(readText(post))) {
      if (!isTranscript(block.info)) continue;
      ++transcripts;
      const std::string problem = checkTranscript(block, run);
      if (!problem.empty()) {
        FAIL_CHECK(nameInRepository(post) << ":" << block.line << ": transcript: " << problem);
      }
    }
  }
  INFO("no post in " << kBlog << " has a transcript marked run: nothing was checked");
  CHECK(transcripts > 0);
}

TEST_CASE("every post in blog/ is linked from blog/README.md", "[blog]") {
  const auto targets = linkTargets(readText(kBlog / "README.md"));
  for (const fs::path& post : markdownFiles()) {
    const std::string name = post.filename().string();
    if (name == "README.md") continue;
    const bool linked = std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
      return withoutAnchor(t) == name || withoutAnchor(t) == "./" + name;
    });
    INFO("blog/" << name << " is not linked from blog/README.md");
    CHECK(linked);
  }
}

TEST_CASE("every relative link in the posts and the README leads to a file", "[blog]") {
  std::vector<fs::path> pages = markdownFiles();
  pages.push_back(kRoot / "README.md");
  for (const fs::path& page : pages) {
    for (const std::string& target : linkTargets(readText(page))) {
      if (!isLocal(target)) continue;
      INFO(nameInRepository(page) << " links to " << target);
      CHECK(fs::exists(page.parent_path() / withoutAnchor(target)));
    }
  }
}
