// part10-lua-waits/http_syntax.h — part 10: the character classes and small rules of HTTP's grammar.
//
// What the request-head parser (http_parser.h), the framing decision (framing.h) and the
// chunked-body scanner (chunked.h) share: which bytes may appear in a token, a field value or a
// host, and how one field line splits into a name and a value. Each function is one ABNF rule,
// named after it, with the RFC section that defines it.
#pragma once

#include <string>
#include <string_view>

namespace rsp {

// tchar (RFC 9110 5.6.2): the bytes of a token (methods, field names, codings).
bool isTchar(unsigned char c);
// token = 1*tchar (RFC 9110 5.6.2).
bool isToken(std::string_view s);
// OWS is SP and HTAB (RFC 9110 5.6.3).
inline bool isOws(char c) { return c == ' ' || c == '\t'; }
// A byte allowed in a field value: VCHAR, obs-text, SP, HTAB (RFC 9110 5.5). Not NUL, CR, LF
// or another control character.
bool isFieldByte(unsigned char c);
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c);

// Removes leading and trailing OWS (RFC 9112 5: OWS around a field value is not part of it).
std::string_view trimOws(std::string_view s);
// ASCII lower case (field names and host names compare case-insensitively).
std::string lowerCase(std::string_view s);

// Splits "name: value" (RFC 9112 5: field-line = field-name ":" OWS field-value OWS).
// Returns nullptr with name and value set (value trimmed), or a short reason it is invalid.
const char* splitFieldLine(std::string_view line, std::string_view& name, std::string_view& value);

// Host = uri-host [ ":" port ] (RFC 9110 7.2, RFC 3986 3.2.2): an IP literal in brackets or a
// reg-name, no userinfo. With portRequired (CONNECT's authority-form), the port must be there.
bool isValidHost(std::string_view authority, bool portRequired = false);

}  // namespace rsp
