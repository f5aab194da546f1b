// tests/blog/transcripts_test.cpp — the transcript checker itself: parsing, comparing, and
// running commands in a made-up repository.
#include "transcripts.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "launch.h"

using namespace rsp::test;
namespace fs = std::filesystem;

namespace {

FencedBlock transcript(std::vector<std::string> lines) {
  return {20, "console run", std::move(lines)};
}

// A runner that answers from a table instead of running anything.
CommandRunner answers(std::map<std::string, CommandResult> table) {
  return [table](const std::string& command) { return table.at(command); };
}

// A repository with one file, and a "build" directory of one executable script.
struct Repository {
  TempDir root, binaries;
  Repository() {
    root.write("notes.txt", "first line\nsecond line\n");
    const fs::path tool = binaries.write("hello", "#!/bin/sh\necho \"hello from $0\"\n");
    fs::permissions(tool, fs::perms::owner_all);
  }
  CommandResult run(const std::string& command,
                    std::chrono::milliseconds deadline = kCommandDeadline) const {
    return runCommand(command, root.path(), binaries.path(), deadline);
  }
};

}  // namespace

TEST_CASE("a transcript is a block whose info string holds the word run", "[transcripts]") {
  CHECK(isTranscript("console run"));
  CHECK(isTranscript("run console"));
  CHECK_FALSE(isTranscript("console"));
  CHECK_FALSE(isTranscript("console running"));
  CHECK_FALSE(isTranscript("cpp title=run"));
}

TEST_CASE("a transcript splits into commands and their output", "[transcripts]") {
  const auto steps =
      stepsOf(transcript({"$ echo a", "a", "$ true", "$ printf 'b\\n\\nc\\n'", "b", "", "c"}));
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].line == 21);
  CHECK(steps[0].command == "echo a");
  CHECK(steps[0].output == std::vector<std::string>{"a"});
  CHECK(steps[1].output.empty());
  CHECK(steps[2].line == 24);
  CHECK(steps[2].output == std::vector<std::string>{"b", "", "c"});
}

TEST_CASE("a transcript that prints what the post says passes", "[transcripts]") {
  const auto run = answers({{"echo a", {"a\n", false}}, {"true", {"", false}}});
  CHECK(checkTranscript(transcript({"$ echo a", "a", "$ true"}), run) == "");
}

TEST_CASE("a line that differs is named, with what was printed instead", "[transcripts]") {
  const auto run = answers({{"tool", {"one\nthree\n", false}}});
  const std::string problem = checkTranscript(transcript({"$ tool", "one", "two"}), run);
  CHECK_THAT(problem, Catch::StartsWith("`$ tool` (post line 21) printed `three` where the post "
                                        "says `two` (post line 23)"));
  CHECK_THAT(problem, Catch::EndsWith("all it printed:\n    one\n    three"));
}

TEST_CASE("output missing from the post, or from the command, fails", "[transcripts]") {
  const auto run = answers({{"tool", {"one\ntwo\n", false}}, {"quiet", {"", false}}});
  CHECK_THAT(checkTranscript(transcript({"$ tool", "one"}), run),
             Catch::Contains("printed more than the post says, from `two` (post line 23)"));
  CHECK_THAT(checkTranscript(transcript({"$ quiet", "something"}), run),
             Catch::Contains("printed less than the post says: nothing for `something`"));
}

TEST_CASE("a transcript must start with a command and run something", "[transcripts]") {
  const auto run = answers({});
  CHECK_THAT(checkTranscript(transcript({"output first", "$ echo"}), run),
             Catch::Contains("starts with a command"));
  CHECK(checkTranscript(transcript({}), run) == "the transcript runs nothing");
}

TEST_CASE("a command that times out fails and stops the transcript", "[transcripts]") {
  const auto run = answers({{"sleep 60", {"", true}}});
  CHECK_THAT(checkTranscript(transcript({"$ sleep 60", "$ never run"}), run),
             Catch::Equals("`$ sleep 60` (post line 21) did not finish within 10 s"));
}

TEST_CASE("commands run from the repository's root, with build/bin/ the binaries",
          "[transcripts]") {
  const Repository repo;
  CHECK(repo.run("head -n 1 notes.txt").output == "first line\n");
  CHECK(repo.run("build/bin/hello").output == "hello from build/bin/hello\n");
  CHECK(repo.run("ls nothing-here 2>/dev/null; echo \"status $?\"").output == "status 2\n");
  // The copy's links are removed with it; what they point to is not.
  CHECK(fs::exists(repo.root.path() / "notes.txt"));
  CHECK(fs::exists(repo.binaries.path() / "hello"));
}

TEST_CASE("a command's stderr comes with its stdout, in order, in a plain environment",
          "[transcripts]") {
  const Repository repo;
  CHECK(repo.run("echo one; echo two >&2; echo three").output == "one\ntwo\nthree\n");
  CHECK(repo.run("echo \"$LC_ALL ${HOME:-no home}\"").output == "C no home\n");
}

TEST_CASE("a command that hangs is killed, with what it started", "[transcripts]") {
  const Repository repo;
  const auto start = std::chrono::steady_clock::now();
  const CommandResult result =
      repo.run("echo started; sleep 300 & sleep 300", std::chrono::milliseconds(500));
  CHECK(result.timedOut);
  CHECK(result.output == "started\n");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}
