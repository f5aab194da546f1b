// tests/support/pattern.cpp — see pattern.h.
#include "pattern.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace rsp::test {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void formatLine(char* line, std::uint64_t offset) {
  for (int i = 14; i >= 0; --i) {
    line[i] = kHex[offset & 0xf];
    offset >>= 4;
  }
  line[15] = '\n';
}

// The offset a whole line names, if `line` is one.
std::optional<std::uint64_t> parseLine(const std::string& line) {
  if (line.size() != kPatternLine || line.back() != '\n') return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i + 1 < kPatternLine; ++i) {
    const char* digit = std::strchr(kHex, line[i]);
    if (digit == nullptr || line[i] == '\0') return std::nullopt;
    value = value * 16 + static_cast<std::uint64_t>(digit - kHex);
  }
  if (value % kPatternLine != 0) return std::nullopt;
  return value;
}

}  // namespace

void fillPattern(char* out, std::uint64_t offset, std::size_t size) {
  char line[kPatternLine];
  while (size > 0) {
    const std::uint64_t lineStart = offset - offset % kPatternLine;
    const std::size_t skip = offset - lineStart;
    const std::size_t take = std::min<std::size_t>(kPatternLine - skip, size);
    formatLine(line, lineStart);
    std::memcpy(out, line + skip, take);
    out += take;
    offset += take;
    size -= take;
  }
}

std::uint64_t fnv1a(const char* data, std::size_t size, std::uint64_t hash) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 0x100000001b3;
  }
  return hash;
}

std::string sumReply(std::uint64_t length, std::uint64_t checksum) {
  char text[64];
  std::snprintf(text, sizeof text, "length=%llu fnv1a=%016llx\n",
                static_cast<unsigned long long>(length), static_cast<unsigned long long>(checksum));
  return text;
}

void PatternChecker::feed(const char* data, std::size_t size) {
  received_ += size;
  while (size > 0) {
    const std::size_t used = inSync_ ? feedInSync(data, size) : feedLost(*data);
    data += used;
    size -= used;
  }
}

// Compares a run of bytes with what the pattern says they should be; stops at the first wrong
// one and starts a gap there. Returns how many bytes it used.
std::size_t PatternChecker::feedInSync(const char* data, std::size_t size) {
  char expected[4096];
  const std::size_t take = std::min<std::uint64_t>({size, sizeof expected, expected_ - next_});
  fillPattern(expected, next_, take);
  const std::size_t same = std::mismatch(data, data + take, expected).first - data;
  next_ += same;
  if (same > 0) return same;
  startGap();
  return 0;
}

void PatternChecker::startGap() {
  if (!firstBad_) firstBad_ = next_;
  inSync_ = false;
  gapStart_ = next_;
  window_.clear();
}

// Lost: slide a 16-byte window until it holds a whole line at or after the gap, then resume.
std::size_t PatternChecker::feedLost(char byte) {
  window_.push_back(byte);
  if (window_.size() > kPatternLine) window_.erase(0, 1);
  const std::optional<std::uint64_t> line = parseLine(window_);
  if (!line || *line < gapStart_ || *line + kPatternLine > expected_) return 1;
  gaps_.emplace_back(gapStart_, *line);
  next_ = *line + kPatternLine;
  inSync_ = true;
  return 1;
}

void PatternChecker::finish() {
  if (finished_) return;
  finished_ = true;
  if (inSync_ && next_ < expected_) startGap();
  if (!inSync_) gaps_.emplace_back(gapStart_, expected_);
}

std::string PatternChecker::map(std::size_t cells) const {
  std::string out;
  for (std::size_t i = 0; i < cells; ++i) {
    const std::uint64_t begin = expected_ * i / cells;
    const std::uint64_t end = expected_ * (i + 1) / cells;
    std::uint64_t lost = 0;
    for (const auto& [gapBegin, gapEnd] : gaps_) {
      const std::uint64_t from = std::max(begin, gapBegin);
      const std::uint64_t to = std::min(end, gapEnd);
      if (from < to) lost += to - from;
    }
    out += lost == 0 ? '#' : (lost >= end - begin ? '.' : '-');
  }
  return out;
}

std::string PatternChecker::summary() const {
  std::string text =
      "received " + std::to_string(received_) + " of " + std::to_string(expected_) + " bytes";
  if (intact()) return text + ", intact";
  text += ", " + std::to_string(missing()) + " missing";
  if (firstBad_) text += ", first wrong byte at offset " + std::to_string(*firstBad_);
  return text;
}

}  // namespace rsp::test
