// tests/unit/answers_test.cpp — part 8: the proxy's own answers are whole, valid responses, and
// an access-log line is one line of one-word fields whatever the request held.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "answers.h"
#include "http_syntax.h"

using namespace std::chrono_literals;

namespace {

// The value of `name` in a response head (names compared case-insensitively), or "".
std::string headerOf(const std::string& response, const std::string& name) {
  const std::string lower = rsp::lowerCase(response);
  const auto at = lower.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 4;
  return response.substr(start, response.find("\r\n", start) - start);
}

}  // namespace

TEST_CASE("each answer is a whole HTTP/1.1 response that closes the connection", "[answers]") {
  const int status = GENERATE(400, 408, 421, 431, 501, 502, 504, 505);
  INFO("status " << status);
  REQUIRE(rsp::isOwnAnswer(status));
  const std::string response(rsp::ownAnswer(status));
  CHECK(response.starts_with("HTTP/1.1 " + std::to_string(status) + " "));
  CHECK(rsp::responseStatus(response) == status);
  const auto headEnd = response.find("\r\n\r\n");
  REQUIRE(headEnd != std::string::npos);
  const std::string body = response.substr(headEnd + 4);
  CHECK(headerOf(response, "content-type") == "text/plain");
  CHECK(headerOf(response, "connection") == "close");
  CHECK(headerOf(response, "content-length") == std::to_string(body.size()));
  CHECK(body.size() > 1);
  CHECK(body.find('\n') == body.size() - 1);  // one line
  CHECK(response.substr(0, headEnd).find('\n') != std::string::npos);
  CHECK(rsp::ownAnswer(status).data() == rsp::ownAnswer(status).data());  // made once
}

TEST_CASE("there is no answer of our own for another status", "[answers]") {
  CHECK_FALSE(rsp::isOwnAnswer(200));
  CHECK_FALSE(rsp::isOwnAnswer(500));
  CHECK_THROWS_AS(rsp::ownAnswer(200), std::invalid_argument);
}

TEST_CASE("the status of a backend's response is read from its first 12 bytes", "[answers]") {
  CHECK(rsp::responseStatus("HTTP/1.0 200 OK\r\n") == 200);
  CHECK(rsp::responseStatus("HTTP/1.1 404") == 404);
  CHECK(rsp::responseStatus("HTTP/1.1 40") == 0);  // not there yet
  CHECK(rsp::responseStatus("") == 0);
  CHECK(rsp::responseStatus("HTTP/2 200 OK\r\n") == 0);
  CHECK(rsp::responseStatus("HTTP/1.1 2x0 OK\r\n") == 0);
  CHECK(rsp::responseStatus("SSH-2.0-OpenSSH\r\n") == 0);
}

TEST_CASE("an access-log line: client, method, host, target, status, bytes, backend, time",
          "[answers]") {
  rsp::AccessRecord record{"127.0.0.1",      53012, "GET", "a.test", "/x?y", 200, 1234,
                           "127.0.0.1:8001", 12ms};
  CHECK(rsp::accessLogLine(record) ==
        "127.0.0.1:53012 GET a.test /x?y 200 1234 127.0.0.1:8001 12ms");
  record = {"::1", 80, "", "", "", 400, 150, "", 0ms};
  CHECK(rsp::accessLogLine(record) == "[::1]:80 - - - 400 150 - 0ms");
  record = {"127.0.0.1", 1, "GET", "a.test", "/", 0, 0, "127.0.0.1:8001", 3ms};
  CHECK(rsp::accessLogLine(record) == "127.0.0.1:1 GET a.test / - 0 127.0.0.1:8001 3ms");
}

TEST_CASE("a request cannot forge or flood an access-log line", "[answers]") {
  const std::string target = "/a b\r\nfake 200\\";
  rsp::AccessRecord record{"127.0.0.1", 1, "GET", "a.test", target, 400, 0, "", 0ms};
  CHECK(rsp::accessLogLine(record) ==
        "127.0.0.1:1 GET a.test /a\\x20b\\x0D\\x0Afake\\x20200\\x5C 400 0 - 0ms");
  const std::string longTarget(10000, 'a');
  record.target = longTarget;
  const std::string line = rsp::accessLogLine(record);
  CHECK(line.size() < rsp::kLoggedFieldBytes + 100);
  CHECK(line.find(std::string(rsp::kLoggedFieldBytes, 'a') + "... 400") != std::string::npos);
}
