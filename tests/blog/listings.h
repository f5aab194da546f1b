// tests/blog/listings.h — the checker that keeps the posts' code listings true to the code.
//
// A post quotes code in fenced blocks. A block whose info string names a file is a listing of
// that file, and is checked against it:
//
//   ```cpp title=part1-oneshot/proxy.cpp
//   void Proxy::run() {
//     for (;;) {
//   // ...
//   }
//   ```
//
// The listing's lines must appear in the file exactly as written (only a trailing '\r' is
// ignored), contiguous. An elision line — `// ...`, `# ...` or `-- ...` alone on a line, at any
// indentation — separates fragments: each fragment is found contiguous, and the fragments in the
// order of the file. A block that names no file is not checked, but one whose first line names
// a file in a comment (`// part1-oneshot/proxy.cpp`) is an error: the name goes in the info
// string, so that there is one convention and every listing that looks checked is.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rsp::test {

// One fenced block of a post.
struct FencedBlock {
  int line = 0;                    // the post's line (1-based) of the opening fence
  std::string info;                // the info string, e.g. "cpp title=part1-oneshot/proxy.cpp"
  std::vector<std::string> lines;  // the block's content, without the fences
};

// Every fenced block (``` or ~~~) of a markdown text, in order.
std::vector<FencedBlock> fencedBlocks(std::string_view markdown);

// The file a block's info string names with title=PATH, or "" when it names none.
std::string titleOf(std::string_view info);

// Checks one listing against the lines of the file it names. Returns "" when it matches;
// otherwise what is wrong, naming the first line of the listing that was not found.
std::string checkListing(const FencedBlock& listing, const std::vector<std::string>& fileLines);

// What a post's listings get wrong, one message each, each starting "POST:LINE: ". `root` is
// the repository the titles are relative to; `post` is the name used in the messages.
// `listings` (if given) receives how many listings were checked.
std::vector<std::string> checkPost(const std::string& post, std::string_view markdown,
                                   const std::filesystem::path& root, int* listings = nullptr);

// The targets of a markdown text's inline links, `[text](target)`, in order.
std::vector<std::string> linkTargets(std::string_view markdown);

// The lines of a text file; throws std::runtime_error if it cannot be read.
std::vector<std::string> readLines(const std::filesystem::path& path);

}  // namespace rsp::test
