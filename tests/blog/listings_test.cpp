// tests/blog/listings_test.cpp — the listing checker itself, on small made-up posts and files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "launch.h"
#include "listings.h"

using namespace rsp::test;

namespace {

// A made-up source file, and listings of it.
const std::vector<std::string> kFile = {
    "int add(int a, int b) {",  //
    "  return a + b;",          //
    "}",                        //
    "",                         //
    "int twice(int a) {",       //
    "  return add(a, a);",      //
    "}",
};

FencedBlock listing(std::vector<std::string> lines) {
  return {10, "cpp title=src/add.cpp", std::move(lines)};
}

// A post with one listing of src/add.cpp between two paragraphs.
std::string post(const std::string& listingBody) {
  return "Some prose.\n\n```cpp title=src/add.cpp\n" + listingBody + "```\n\nMore prose.\n";
}

// A repository holding src/add.cpp, for the tests that go through checkPost().
struct Repository {
  TempDir dir;
  Repository() {
    std::filesystem::create_directories(dir.path() / "src");
    std::string text;
    for (const std::string& line : kFile) text += line + "\n";
    dir.write("src/add.cpp", text);
  }
};

}  // namespace

TEST_CASE("a listing that matches its file passes", "[listings]") {
  CHECK(checkListing(listing({"int twice(int a) {", "  return add(a, a);", "}"}), kFile) == "");
  CHECK(checkListing(listing(kFile), kFile) == "");
}

TEST_CASE("an edited line fails, and the message names it", "[listings]") {
  const std::string problem =
      checkListing(listing({"int twice(int a) {", "  return add(a, a) ;", "}"}), kFile);
  CHECK_THAT(problem, Catch::Contains("its line 2 (post line 12)"));
  CHECK_THAT(problem, Catch::Contains("`  return add(a, a) ;`"));
}

TEST_CASE("indentation is part of the line", "[listings]") {
  CHECK_THAT(checkListing(listing({"return a + b;"}), kFile),
             Catch::Contains("its line 1 (post line 11) is not in the file"));
}

TEST_CASE("lines that exist but not next to each other fail", "[listings]") {
  const std::string problem = checkListing(
      listing({"int add(int a, int b) {", "  return a + b;", "  return add(a, a);"}), kFile);
  CHECK(problem ==
        "its line 3 (post line 13) is not in the file after the lines before it: "
        "`  return add(a, a);`");
}

TEST_CASE("an elision line joins fragments, at any indentation", "[listings]") {
  CHECK(checkListing(listing({"int add(int a, int b) {", "// ...", "int twice(int a) {"}), kFile) ==
        "");
  CHECK(checkListing(listing({"int add(int a, int b) {", "  // ...", "}", "", "// ...",
                              "  return add(a, a);"}),
                     kFile) == "");
  CHECK(checkListing(listing({"// ...", "  return a + b;", "// ..."}), kFile) == "");
}

TEST_CASE("an edited line in a later fragment is named", "[listings]") {
  const std::string problem =
      checkListing(listing({"int add(int a, int b) {", "// ...", "  return add(a, b);"}), kFile);
  CHECK_THAT(problem, Catch::Contains("its line 3 (post line 13)"));
  CHECK_THAT(problem, Catch::Contains("`  return add(a, b);`"));
}

TEST_CASE("fragments out of the file's order fail", "[listings]") {
  const std::string problem =
      checkListing(listing({"int twice(int a) {", "// ...", "int add(int a, int b) {"}), kFile);
  CHECK_THAT(problem, Catch::Contains("its line 3 (post line 13)"));
  CHECK_THAT(problem, Catch::Contains("fragments must follow the file's order"));
}

TEST_CASE("a listing of only elisions quotes nothing, and fails", "[listings]") {
  CHECK(checkListing(listing({"// ..."}), kFile) == "the listing quotes nothing");
}

TEST_CASE("the info string names the file with title=", "[listings]") {
  CHECK(titleOf("cpp title=part1-oneshot/proxy.cpp") == "part1-oneshot/proxy.cpp");
  CHECK(titleOf("title=common/fd.h cpp") == "common/fd.h");
  CHECK(titleOf("cpp") == "");
  CHECK(titleOf("cpp subtitle=common/fd.h") == "");
}

TEST_CASE("fenced blocks are found with their line, info string and content", "[listings]") {
  const auto blocks =
      fencedBlocks("text\n```cpp title=a.cpp\nint x;\n\n```\n~~~\n```\nnot a fence\n~~~\n");
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].line == 2);
  CHECK(blocks[0].info == "cpp title=a.cpp");
  CHECK(blocks[0].lines == std::vector<std::string>{"int x;", ""});
  CHECK(blocks[1].line == 6);
  CHECK(blocks[1].lines == std::vector<std::string>{"```", "not a fence"});
}

TEST_CASE("a post's listings are checked against the files they name", "[listings]") {
  Repository repo;
  int listings = 0;
  CHECK(checkPost("post.md", post("}\n// ...\nint twice(int a) {\n"), repo.dir.path(), &listings)
            .empty());
  CHECK(listings == 1);
  const auto problems = checkPost("post.md", post("int twice(int b) {\n"), repo.dir.path());
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("post.md:3: listing of src/add.cpp: its line 1"));
  CHECK_THAT(problems[0], Catch::Contains("`int twice(int b) {`"));
}

TEST_CASE("a listing naming a file that does not exist fails", "[listings]") {
  Repository repo;
  const std::string text = "```cpp title=src/gone.cpp\nint add(int a, int b) {\n```\n";
  const auto problems = checkPost("post.md", text, repo.dir.path());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "post.md:1: listing of src/gone.cpp: there is no such file");
  const auto outside = checkPost("post.md", "```cpp title=../add.cpp\n}\n```\n", repo.dir.path());
  REQUIRE(outside.size() == 1);
  CHECK_THAT(outside[0], Catch::Contains("relative to the repository's root"));
}

TEST_CASE("blocks that name no file are not checked", "[listings]") {
  Repository repo;
  int listings = 0;
  const std::string text = "```sh\n./tutorial run 1 0 127.0.0.1 8888\n```\n```\nint y;\n```\n";
  CHECK(checkPost("post.md", text, repo.dir.path(), &listings).empty());
  CHECK(listings == 0);
}

TEST_CASE("a file named in a block's first line is refused: one convention", "[listings]") {
  Repository repo;
  const auto problems = checkPost(
      "post.md", "\n```cpp\n// src/add.cpp\nint add(int a, int b) {\n```\n", repo.dir.path());
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("post.md:2: a block names src/add.cpp"));
  CHECK_THAT(problems[0], Catch::Contains("title=src/add.cpp"));
}

TEST_CASE("a first-line comment that names no file is just a comment", "[listings]") {
  Repository repo;
  const std::string text =
      "```sh\n# build/bin/rsp-backend --port 8888\n```\n"
      "```cpp\n// see https://example.org/a.html\n```\n```lua\n-- rsp.lua\n```\n";
  CHECK(checkPost("post.md", text, repo.dir.path()).empty());
}

TEST_CASE("link targets come from the prose, not from code", "[listings]") {
  const std::string text =
      "See [part 1](01-part1-oneshot.md) and [the code](../part1-oneshot/proxy.cpp \"code\").\n"
      "Not `[this](in-code.md)`.\n```cpp\nfilters[i](x);\n```\n[site](https://example.org)\n";
  CHECK(linkTargets(text) == std::vector<std::string>{"01-part1-oneshot.md",
                                                      "../part1-oneshot/proxy.cpp",
                                                      "https://example.org"});
}
