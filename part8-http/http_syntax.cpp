// part8-http/http_syntax.cpp — part 8: the character classes and small rules of HTTP's grammar.
#include "http_syntax.h"

#include <array>
#include <cctype>
#include <cstring>

namespace rsp {

namespace {

// tchar (RFC 9110 5.6.2): visible ASCII but the delimiters. A table, looked up once a byte: a
// strchr() a byte was a tenth of the time rsp spent parsing a head.
constexpr std::array<bool, 256> kTchar = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0x21; c < 0x7f; ++c) table[c] = true;  // not a control, SP, DEL or non-ASCII
  for (const char delimiter : std::string_view("\"(),/:;<=>?@[\\]{}"))
    table[static_cast<unsigned char>(delimiter)] = false;
  return table;
}();

}  // namespace

bool isTchar(unsigned char c) { return kTchar[c]; }

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!isTchar(static_cast<unsigned char>(c))) return false;
  return true;
}

bool isFieldByte(unsigned char c) {
  return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);  // RFC 9110 5.5: no NUL, CR, LF, CTL
}

bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && isOws(s.back())) s.remove_suffix(1);
  return s;
}

std::string lowerCase(std::string_view s) {
  std::string lower(s);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

const char* splitFieldLine(std::string_view line, std::string_view& name, std::string_view& value) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return "field line without a colon";  // RFC 9112 5
  name = line.substr(0, colon);
  if (name.empty()) return "empty field name";  // field-name = token, 1 byte at least
  if (isOws(name.back())) return "whitespace before the colon";    // RFC 9112 5.1: MUST reject
  if (!isToken(name)) return "invalid character in a field name";  // RFC 9110 5.1
  value = trimOws(line.substr(colon + 1));
  for (const char c : value)
    if (!isFieldByte(static_cast<unsigned char>(c))) return "control character in a field value";
  return nullptr;
}

namespace {

// reg-name = *( unreserved / pct-encoded / sub-delims ) (RFC 3986 3.2.2).
bool isRegName(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {  // pct-encoded = "%" HEXDIG HEXDIG
      if (i + 2 >= s.size() || !isHexDigit(s[i + 1]) || !isHexDigit(s[i + 2])) return false;
      i += 2;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) ||
                 std::strchr("-._~!$&'()*+,;=", c))) {
      return false;  // '@' (userinfo), '/', ':' and the rest have no place in a host
    }
  }
  return true;
}

// The inside of an IP-literal: an IPv6 address's hex digits, colons and dots (an embedded IPv4).
bool isIpLiteral(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!isHexDigit(c) && c != ':' && c != '.') return false;
  return true;
}

}  // namespace

bool isValidHost(std::string_view authority, bool portRequired) {
  std::string_view host = authority;
  std::string_view rest;
  if (!host.empty() && host.front() == '[') {  // IP-literal = "[" IPv6address "]"
    const auto close = host.find(']');
    if (close == std::string_view::npos || !isIpLiteral(host.substr(1, close - 1))) return false;
    rest = host.substr(close + 1);
    host = host.substr(0, close + 1);
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) rest = host.substr(colon), host = host.substr(0, colon);
    if (!isRegName(host)) return false;
  }
  if (rest.empty()) return !portRequired;
  if (rest.front() != ':') return false;
  for (const char c : rest.substr(1))
    if (!isDigit(c)) return false;  // port = *DIGIT
  return !portRequired || rest.size() > 1;
}

}  // namespace rsp
