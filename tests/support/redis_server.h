// tests/support/redis_server.h — part 10's tests: a real Redis, started for the test.
//
// The worked example of part 10 keeps the map from site to backend in Redis, as a hosting
// platform would; its tests run Debian's redis-server (installed by ./tutorial) on a free
// loopback port, in a temporary folder, with nothing saved to disk, and stop it by its PID.
// set() and get() are a tiny RESP client, so that a test can change what Redis says;
// pause() and resume() (SIGSTOP, SIGCONT) make it a database that stops answering.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "launch.h"
#include "process.h"

namespace rsp::test {

class RedisServer {
 public:
  // Starts redis-server and waits (up to 10 s) until it answers PING; throws if it does not.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }

  // One command and its reply's first line ("+OK", "$5", ":1", "-ERR ...") or, for a bulk
  // string, its value; throws if Redis does not answer within 5 s.
  std::string command(const std::vector<std::string>& arguments) const;
  void set(const std::string& key, const std::string& value) const;
  std::optional<std::string> get(const std::string& key) const;

  void pause();   // SIGSTOP: it keeps its connections but answers nothing
  void resume();  // SIGCONT

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace rsp::test
