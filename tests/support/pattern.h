// tests/support/pattern.h — the self-describing body the test backend sends, and its checker.
//
// The body is a sequence of 16-byte lines, each naming its own offset in hex:
//
//   000000000000000\n000000000000010\n000000000000020\n ...
//
// so wherever a client finds a wrong byte it can tell which offset it expected, and after a
// gap it can find its place again and say how much went missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rsp::test {

constexpr std::uint64_t kPatternLine = 16;

// Fills `out` with the `size` pattern bytes that start at body offset `offset`.
void fillPattern(char* out, std::uint64_t offset, std::size_t size);

// FNV-1a, 64 bits: the checksum the backend reports for a POSTed body.
std::uint64_t fnv1a(const char* data, std::size_t size, std::uint64_t hash = 0xcbf29ce484222325);

// What the backend answers to an upload: "length=N fnv1a=HEX\n".
std::string sumReply(std::uint64_t length, std::uint64_t checksum);

// Checks a patterned body as it streams in, byte by byte, without keeping it.
class PatternChecker {
 public:
  explicit PatternChecker(std::uint64_t expected = 0) : expected_(expected) {}

  void feed(const char* data, std::size_t size);
  void finish();  // call once the body has ended: whatever has not arrived is missing

  std::uint64_t expected() const { return expected_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t missing() const { return expected_ > received_ ? expected_ - received_ : 0; }
  std::optional<std::uint64_t> firstBadOffset() const { return firstBad_; }
  bool intact() const { return finished_ && !firstBad_ && received_ == expected_; }

  // One character per cell, the body split into `cells` equal stretches: '#' arrived intact,
  // '.' lost entirely, '-' partly lost.
  std::string map(std::size_t cells) const;
  // "received R of E bytes, M missing, first wrong byte at offset O" (or "... intact").
  std::string summary() const;

 private:
  std::size_t feedInSync(const char* data, std::size_t size);
  std::size_t feedLost(char byte);
  void startGap();

  std::uint64_t expected_;
  std::uint64_t received_ = 0;
  std::uint64_t next_ = 0;  // the offset the next byte should have
  bool inSync_ = true;
  bool finished_ = false;
  std::uint64_t gapStart_ = 0;
  std::string window_;  // while lost: the last bytes seen, looking for a whole line
  std::optional<std::uint64_t> firstBad_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps_;  // [begin, end) never seen
};

}  // namespace rsp::test
