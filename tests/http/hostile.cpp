// tests/http/hostile.cpp — part 8: the hostile-requests table (hostile.tsv), read for the tests.
#include "hostile.h"

#include <fstream>
#include <stdexcept>

namespace rsp::test {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw std::runtime_error(std::string("bad hex digit '") + c + "' in \\x");
}

// Decodes the escape at text[i] (just after the backslash); returns where the next byte is.
std::size_t decodeOne(std::string_view text, std::size_t i, std::string& out) {
  if (i >= text.size()) throw std::runtime_error("lone backslash at the end");
  switch (text[i]) {
    case 'r':
      out += '\r';
      return i + 1;
    case 'n':
      out += '\n';
      return i + 1;
    case 't':
      out += '\t';
      return i + 1;
    case '\\':
      out += '\\';
      return i + 1;
    case 'x':
      if (i + 2 >= text.size()) throw std::runtime_error("short \\x escape");
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      return i + 3;
    case 'p': {
      const auto close = text.find('}', i);
      if (text.substr(i, 2) != "p{" || close == std::string_view::npos)
        throw std::runtime_error("bad \\p{N} escape");
      out.append(std::stoul(std::string(text.substr(i + 2, close - i - 2))), 'a');
      return close + 1;
    }
    default:
      throw std::runtime_error(std::string("unknown escape \\") + text[i]);
  }
}

}  // namespace

std::string decodeEscapes(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out += text[i++];
      continue;
    }
    i = decodeOne(text, i + 1, out);
  }
  return out;
}

std::vector<HostileCase> loadHostileTable(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<HostileCase> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields;
    for (std::size_t start = 0, tab = 0; tab != std::string::npos; start = tab + 1) {
      tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab - start));
    }
    if (fields.size() != 4)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": want 4 fields");
    try {
      rows.push_back({fields[0], std::stoi(fields[1]), fields[2], decodeEscapes(fields[3])});
    } catch (const std::exception& error) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + error.what());
    }
  }
  return rows;
}

}  // namespace rsp::test
