// tests/blog/transcripts.h — the checker that keeps the posts' terminal sessions true.
//
// A post shows commands and what they print in fenced blocks. A block whose info string holds
// the word `run` is a transcript the checker runs, command by command, comparing what each
// command prints with what the post says it prints:
//
//   ```console run
//   $ build/bin/rsp-part3 blog/configs/missing.lua
//   Error parsing config file: blog/configs/missing.lua: backendPort is not set
//   ```
//
// A line that starts with "$ " is a command; the lines after it, up to the next command or the
// end of the block, are its output, stdout and stderr together, compared exactly. Each command
// runs in its own `/bin/sh -c`, from a copy of the repository's root (every entry a symbolic
// link to the real one, and build/bin/ the binaries of the build under test), with only
// PATH and LC_ALL=C in its environment, and is killed, with everything it started, after
// kCommandDeadline. Only deterministic sessions are marked `run`: no ports the kernel
// picks, no timings, no servers left running.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "listings.h"

namespace rsp::test {

constexpr auto kCommandDeadline = std::chrono::seconds(10);

// One command of a transcript and the output the post gives it.
struct TranscriptStep {
  int line = 0;         // the post's line (1-based) of the "$ " line
  std::string command;  // without the "$ "
  std::vector<std::string> output;
};

// True when a block's info string marks it as a transcript to run (the word `run`).
bool isTranscript(std::string_view info);

// The commands of a transcript and their expected output. Throws std::runtime_error when the
// block does not start with a command.
std::vector<TranscriptStep> stepsOf(const FencedBlock& block);

// What a command printed (stdout and stderr, in order), or a note that it timed out.
struct CommandResult {
  std::string output;
  bool timedOut = false;
};

// Runs one command as described above: `root` is the repository, `binaries` the directory that
// build/bin/ stands for.
CommandResult runCommand(const std::string& command, const std::filesystem::path& root,
                         const std::filesystem::path& binaries,
                         std::chrono::milliseconds deadline = kCommandDeadline);

using CommandRunner = std::function<CommandResult(const std::string& command)>;

// Runs a transcript's commands with `run` and compares. Returns "" when every command printed
// what the post says; otherwise what went wrong for the first command that did not.
std::string checkTranscript(const FencedBlock& block, const CommandRunner& run);

}  // namespace rsp::test
