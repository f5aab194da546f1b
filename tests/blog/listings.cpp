// tests/blog/listings.cpp — the listing checker. See listings.h.
#include "listings.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace rsp::test {
namespace {

struct Fence {
  std::size_t indent;  // spaces before the fence; as many are taken off the content's lines
  char mark;           // '`' or '~'
  std::size_t length;  // how many marks; the closing fence needs at least as many
  std::string info;
};

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::vector<std::string> splitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string line(text.substr(0, end));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

// A fence is 3 or more backticks or tildes, indented by at most 3 spaces (as in CommonMark).
std::optional<Fence> fenceOf(const std::string& line) {
  const std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string::npos || indent > 3) return std::nullopt;
  const char mark = line[indent];
  if (mark != '`' && mark != '~') return std::nullopt;
  const std::size_t end = line.find_first_not_of(mark, indent);
  const std::size_t length = (end == std::string::npos ? line.size() : end) - indent;
  if (length < 3) return std::nullopt;
  return Fence{indent, mark, length, trim(line.substr(indent + length))};
}

// An opening fence; a backtick fence's info string may not hold a backtick (that is inline code).
std::optional<Fence> openingFenceOf(const std::string& line) {
  auto fence = fenceOf(line);
  if (fence && fence->mark == '`' && fence->info.find('`') != std::string::npos) {
    return std::nullopt;
  }
  return fence;
}

bool closes(const Fence& open, const std::string& line) {
  const auto fence = fenceOf(line);
  return fence && fence->mark == open.mark && fence->length >= open.length && fence->info.empty();
}

std::string unindent(const std::string& line, std::size_t indent) {
  std::size_t n = 0;
  while (n < indent && n < line.size() && line[n] == ' ') ++n;
  return line.substr(n);
}

bool isElision(const std::string& line) {
  const std::string text = trim(line);
  return text == "// ..." || text == "# ..." || text == "-- ...";
}

// The listing's lines split at elisions: each fragment as the indices of its lines.
std::vector<std::vector<std::size_t>> fragmentsOf(const FencedBlock& listing) {
  std::vector<std::vector<std::size_t>> fragments(1);
  for (std::size_t i = 0; i < listing.lines.size(); ++i) {
    if (isElision(listing.lines[i])) {
      if (!fragments.back().empty()) fragments.emplace_back();
    } else {
      fragments.back().push_back(i);
    }
  }
  if (fragments.back().empty()) fragments.pop_back();
  return fragments;
}

// How many of the fragment's first lines match the file from line `at` on.
std::size_t matchingPrefix(const std::vector<std::string>& file, std::size_t at,
                           const FencedBlock& listing, const std::vector<std::size_t>& fragment) {
  std::size_t n = 0;
  while (n < fragment.size() && at + n < file.size() &&
         file[at + n] == listing.lines[fragment[n]]) {
    ++n;
  }
  return n;
}

// The first file line at or after `from` where the whole fragment matches.
std::optional<std::size_t> find(const std::vector<std::string>& file, std::size_t from,
                                const FencedBlock& listing,
                                const std::vector<std::size_t>& fragment) {
  for (std::size_t at = from; at < file.size(); ++at) {
    if (matchingPrefix(file, at, listing, fragment) == fragment.size()) return at;
  }
  return std::nullopt;
}

// "its line 5 (post line 61)": a line of the listing, as the listing and the post count it.
std::string where(const FencedBlock& listing, std::size_t index) {
  return "its line " + std::to_string(index + 1) + " (post line " +
         std::to_string(listing.line + 1 + static_cast<int>(index)) + ")";
}

// Why a fragment was not found after the one before it: one of its lines is not in the file
// where the lines before it are, or the whole fragment is there but earlier (out of order).
std::string whyMissing(const std::vector<std::string>& file, const FencedBlock& listing,
                       const std::vector<std::size_t>& fragment) {
  if (find(file, 0, listing, fragment)) {
    return "the fragment at " + where(listing, fragment.front()) +
           " is in the file, but not after the fragment before it: fragments must follow "
           "the file's order";
  }
  std::size_t longest = 0;
  for (std::size_t at = 0; at < file.size(); ++at) {
    longest = std::max(longest, matchingPrefix(file, at, listing, fragment));
  }
  const std::size_t missing = fragment[longest];
  return where(listing, missing) + " is not in the file" +
         (longest > 0 ? " after the lines before it" : "") + ": `" + listing.lines[missing] + "`";
}

// The path a title names, if it stays inside the repository.
bool isInsideRepository(const std::filesystem::path& path) {
  if (path.is_absolute()) return false;
  for (const auto& part : path) {
    if (part == "..") return false;
  }
  return true;
}

// "dir/name.ext": a path with a folder and an extension, as a repository's files are named.
bool looksLikePath(const std::string& word) {
  const auto slash = word.rfind('/');
  const auto dot = word.rfind('.');
  const bool plain = word.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/") ==
                     std::string::npos;
  return plain && slash != std::string::npos && slash > 0 && dot != std::string::npos &&
         dot > slash + 1 && dot + 1 < word.size();
}

// A block that names a file in a comment on its first line, the convention we do not use.
std::string fileNamedInFirstLine(const FencedBlock& block) {
  if (block.lines.empty()) return "";
  const std::string first = trim(block.lines.front());
  for (const std::string comment : {"//", "#", "--"}) {
    if (first.rfind(comment, 0) != 0) continue;
    const auto named = words(first.substr(comment.size()));
    return !named.empty() && looksLikePath(named.front()) ? named.front() : "";
  }
  return "";
}

// A line of prose with its `code spans` taken out.
std::string withoutCodeSpans(const std::string& line) {
  std::string prose;
  bool inCode = false;
  for (const char c : line) {
    if (c == '`') {
      inCode = !inCode;
    } else if (!inCode) {
      prose += c;
    }
  }
  return prose;
}

// The targets of the links `[text](target)` or `[text](target "title")` on one line of prose.
std::vector<std::string> linkTargetsIn(const std::string& prose) {
  std::vector<std::string> targets;
  for (auto at = prose.find("]("); at != std::string::npos; at = prose.find("](", at + 2)) {
    if (prose.rfind('[', at) == std::string::npos) continue;
    const auto end = prose.find_first_of(") \t", at + 2);
    if (end == std::string::npos || end == at + 2) continue;
    targets.push_back(prose.substr(at + 2, end - at - 2));
  }
  return targets;
}

// What is wrong with one block of a post, or "".
std::string checkBlock(const FencedBlock& block, const std::filesystem::path& root, int* listings) {
  const std::string title = titleOf(block.info);
  if (title.empty()) {
    const std::string named = fileNamedInFirstLine(block);
    if (named.empty()) return "";
    return "a block names " + named + " in its first line, so it would not be checked: name " +
           "the file in the info string instead (```cpp title=" + named + ")";
  }
  if (listings) ++*listings;
  if (!isInsideRepository(title)) {
    return "listing of " + title + ": the path must be relative to the repository's root";
  }
  if (!std::filesystem::is_regular_file(root / title)) {
    return "listing of " + title + ": there is no such file";
  }
  const std::string problem = checkListing(block, readLines(root / title));
  return problem.empty() ? "" : "listing of " + title + ": " + problem;
}

}  // namespace

std::vector<FencedBlock> fencedBlocks(std::string_view markdown) {
  std::vector<FencedBlock> blocks;
  std::optional<Fence> open;
  const std::vector<std::string> lines = splitLines(markdown);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!open) {
      open = openingFenceOf(lines[i]);
      if (open) blocks.push_back({static_cast<int>(i + 1), open->info, {}});
    } else if (closes(*open, lines[i])) {
      open.reset();
    } else {
      blocks.back().lines.push_back(unindent(lines[i], open->indent));
    }
  }
  return blocks;
}

std::string titleOf(std::string_view info) {
  for (const std::string& word : words(info)) {
    if (word.rfind("title=", 0) == 0) return word.substr(6);
  }
  return "";
}

std::string checkListing(const FencedBlock& listing, const std::vector<std::string>& fileLines) {
  const auto fragments = fragmentsOf(listing);
  if (fragments.empty()) return "the listing quotes nothing";
  std::size_t from = 0;
  for (const auto& fragment : fragments) {
    const auto at = find(fileLines, from, listing, fragment);
    if (!at) return whyMissing(fileLines, listing, fragment);
    from = *at + fragment.size();
  }
  return "";
}

std::vector<std::string> checkPost(const std::string& post, std::string_view markdown,
                                   const std::filesystem::path& root, int* listings) {
  std::vector<std::string> problems;
  for (const FencedBlock& block : fencedBlocks(markdown)) {
    const std::string problem = checkBlock(block, root, listings);
    if (!problem.empty()) {
      problems.push_back(post + ":" + std::to_string(block.line) + ": " + problem);
    }
  }
  return problems;
}

std::vector<std::string> linkTargets(std::string_view markdown) {
  std::vector<std::string> targets;
  std::optional<Fence> open;
  for (const std::string& line : splitLines(markdown)) {
    if (open) {
      if (closes(*open, line)) open.reset();
    } else if (!(open = openingFenceOf(line))) {
      const auto found = linkTargetsIn(withoutCodeSpans(line));
      targets.insert(targets.end(), found.begin(), found.end());
    }
  }
  return targets;
}

std::vector<std::string> readLines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace rsp::test
