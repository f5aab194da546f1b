// tests/support/recording_backend_test.cpp — the recording backend records what reached it:
// the head, a body framed by Content-Length or chunked, and the bytes after it; and it answers
// with its name. (Staging only: the lead may move it to tests/unit/ with the support library.)
#include <catch2/catch.hpp>
#include <string>

#include "client.h"
#include "io.h"
#include "recording_backend.h"

using namespace rsp::test;
using namespace std::chrono_literals;

namespace {

std::string talk(const RecordingBackend& backend, const std::string& request) {
  const rsp::Fd fd = connectClient(backend.port());
  REQUIRE(fd);
  REQUIRE(sendAll(fd.get(), request.data(), request.size(),
                  GiveUp{std::chrono::steady_clock::now() + 5s}));
  return readUntilClosed(fd.get(), 5s).received;
}

}  // namespace

TEST_CASE("the recording backend keeps head, body and what came after", "[recording-backend]") {
  RecordingBackend backend("b1");
  CHECK(backend.connections() == 0);
  const std::string head = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n";
  const std::string reply = talk(backend, head + "helloEXTRA");
  CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(reply.find("\r\nX-Backend: b1\r\n") != std::string::npos);
  CHECK(reply.ends_with("\r\n\r\nb1\n"));
  const std::string chunkedHead =
      "POST /y HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunked = "5\r\nhello\r\n3;x=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n";
  talk(backend, chunkedHead + chunked);
  talk(backend, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  REQUIRE(backend.waitForRequests(3, 2s));
  const auto received = backend.received();
  REQUIRE(received.size() == 3);
  CHECK(received[0].head == head);
  CHECK(received[0].body == "hello");
  CHECK(received[0].bytes == head + "helloEXTRA");
  CHECK(received[1].body == chunked);
  CHECK(received[2].body.empty());
  CHECK(backend.connections() == 3);
  CHECK(backend.bytesReceived() ==
        received[0].bytes.size() + received[1].bytes.size() + received[2].bytes.size());
}

TEST_CASE("a connection that never completes its head is counted, with no head",
          "[recording-backend]") {
  RecordingBackend backend("b1");
  {
    const rsp::Fd fd = connectClient(backend.port());
    REQUIRE(sendAll(fd.get(), "GET / HT", 8, GiveUp{std::chrono::steady_clock::now() + 5s}));
    std::this_thread::sleep_for(100ms);
  }
  CHECK_FALSE(backend.waitForRequests(1, 300ms));
  CHECK(backend.connections() == 1);
  CHECK(backend.bytesReceived() == 8);
}
