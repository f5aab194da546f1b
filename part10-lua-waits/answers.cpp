// part10-lua-waits/answers.cpp — part 10: the responses the proxy writes itself, and the access log.
// See answers.h.
#include "answers.h"

#include <array>
#include <cstdio>
#include <stdexcept>

namespace rsp {
namespace {

struct Answer {
  int status;
  const char* reason;  // the status line's reason phrase (RFC 9110 15)
  const char* body;    // one line, for a person reading it in curl or a browser
};

constexpr std::array<Answer, 8> kAnswers = {{
    {400, "Bad Request", "The request is not valid HTTP/1.1, and was not passed on."},
    {408, "Request Timeout", "The request's head did not arrive in time."},
    {421, "Misdirected Request", "No site here answers for this host."},
    {431, "Request Header Fields Too Large", "The request's head is too large."},
    {501, "Not Implemented", "The proxy does not implement what the request asks for."},
    {502, "Bad Gateway", "No backend of this site gave an answer."},
    {504, "Gateway Timeout", "No backend of this site answered in time."},
    {505, "HTTP Version Not Supported", "The proxy speaks HTTP/1.0 and HTTP/1.1."},
}};

std::string makeAnswer(const Answer& answer) {
  const std::string body = std::string(answer.body) + "\n";
  return "HTTP/1.1 " + std::to_string(answer.status) + " " + answer.reason +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// Every answer, made on first use (a function-local static: thread-safe, and made once).
const std::array<std::string, kAnswers.size()>& answers() {
  static const std::array<std::string, kAnswers.size()> made = [] {
    std::array<std::string, kAnswers.size()> texts;
    for (std::size_t i = 0; i < kAnswers.size(); ++i) texts[i] = makeAnswer(kAnswers[i]);
    return texts;
  }();
  return made;
}

// `text` as one word of at most kLoggedFieldBytes: "-" if empty, a byte that is not visible
// ASCII (or is a backslash) as \xHH.
std::string field(std::string_view text) {
  if (text.empty()) return "-";
  std::string word;
  for (const char c : text.substr(0, kLoggedFieldBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7f && byte != '\\') {
      word += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      word += escaped;
    }
  }
  return text.size() > kLoggedFieldBytes ? word + "..." : word;
}

}  // namespace

bool isOwnAnswer(int status) {
  for (const Answer& answer : kAnswers) {
    if (answer.status == status) return true;
  }
  return false;
}

std::string_view ownAnswer(int status) {
  for (std::size_t i = 0; i < kAnswers.size(); ++i) {
    if (kAnswers[i].status == status) return answers()[i];
  }
  throw std::invalid_argument("the proxy has no answer of its own for status " +
                              std::to_string(status));
}

// "HTTP/1.x NNN": HTTP-version SP 3DIGIT (RFC 9112 4).
int responseStatus(std::string_view received) {
  if (received.size() < 12 || !received.starts_with("HTTP/1.") || received[8] != ' ') return 0;
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (received[i] < '0' || received[i] > '9') return 0;
    status = status * 10 + (received[i] - '0');
  }
  return status;
}

std::string accessLogLine(const AccessRecord& record) {
  const bool v6 = record.clientAddress.find(':') != std::string_view::npos;
  std::string client = field(record.clientAddress);
  if (v6) client = "[" + client + "]";
  return client + ":" + std::to_string(record.clientPort) + " " + field(record.method) + " " +
         field(record.host) + " " + field(record.target) + " " +
         (record.status > 0 ? std::to_string(record.status) : "-") + " " +
         std::to_string(record.bytes) + " " + field(record.backend) + " " +
         std::to_string(record.time.count()) + "ms";
}

}  // namespace rsp
