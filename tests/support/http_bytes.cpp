// tests/support/http_bytes.cpp — see http_bytes.h.
#include "http_bytes.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace rsp::test {
namespace {

int hexValue(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
}

struct ChunkLine {
  std::size_t size = 0;
  std::size_t dataStart = std::string_view::npos;  // npos: the line has not arrived whole
};

ChunkLine chunkLineAt(std::string_view body, std::size_t at) {
  const std::size_t lineEnd = body.find("\r\n", at);
  if (lineEnd == std::string_view::npos) return {};
  ChunkLine line{0, lineEnd + 2};
  for (std::size_t i = at; i < lineEnd && std::isxdigit(static_cast<unsigned char>(body[i])); ++i)
    line.size = line.size * 16 + static_cast<std::size_t>(hexValue(body[i]));
  return line;
}

}  // namespace

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string fieldValue(std::string_view head, std::string_view name) {
  const std::string lower = lowerCase(std::string(head));
  const std::size_t at = lower.find("\r\n" + lowerCase(std::string(name)) + ":");
  if (at == std::string::npos) return "";
  const std::size_t start = at + 3 + name.size();
  const std::size_t end = head.find("\r\n", start);
  std::string value(head.substr(start, end - start));
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t") + 1);
  return value;
}

std::size_t chunkedEnd(std::string_view body) {
  for (std::size_t at = 0;;) {
    const ChunkLine line = chunkLineAt(body, at);
    if (line.dataStart == std::string_view::npos) return std::string_view::npos;
    if (line.size == 0) {  // the last chunk: then trailer fields, if any, and an empty line
      if (body.substr(line.dataStart).starts_with("\r\n")) return line.dataStart + 2;
      const std::size_t withTrailers = body.find("\r\n\r\n", line.dataStart);
      return withTrailers == std::string_view::npos ? withTrailers : withTrailers + 4;
    }
    at = line.dataStart + line.size + 2;
    if (at > body.size()) return std::string_view::npos;
  }
}

std::string decodeChunked(std::string_view body) {
  std::string data;
  for (std::size_t at = 0; at < body.size();) {
    const ChunkLine line = chunkLineAt(body, at);
    if (line.dataStart == std::string_view::npos || line.size == 0) break;
    data.append(body.substr(line.dataStart, line.size));
    at = line.dataStart + line.size + 2;
  }
  return data;
}

std::size_t requestBodyLength(const std::string& head, std::string_view after) {
  if (lowerCase(fieldValue(head, "Transfer-Encoding")).find("chunked") != std::string::npos) {
    return chunkedEnd(after);
  }
  const std::string length = fieldValue(head, "Content-Length");
  const std::size_t n = length.empty() ? 0 : std::stoull(length);
  return after.size() >= n ? n : std::string_view::npos;
}

}  // namespace rsp::test
