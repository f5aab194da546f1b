// tests/support/redis_server.cpp — part 10's tests: a real Redis. See redis_server.h.
#include "redis_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "backend.h"
#include "client.h"
#include "io.h"

namespace rsp::test {
namespace {

using namespace std::chrono_literals;

// A port nobody listens on now (bound to port 0, then let go): Redis gets it next.
std::uint16_t freePort() {
  std::uint16_t port = 0;
  const Fd probe = listenOnLoopback(0, &port);
  return port;
}

std::string encode(const std::vector<std::string>& arguments) {
  std::string out = "*" + std::to_string(arguments.size()) + "\r\n";
  for (const std::string& argument : arguments) {
    out += "$" + std::to_string(argument.size()) + "\r\n" + argument + "\r\n";
  }
  return out;
}

// Reads until `reply` holds a whole line (and, after "$N", the N bytes and CR LF).
bool wholeReply(const std::string& reply) {
  const auto end = reply.find("\r\n");
  if (end == std::string::npos) return false;
  if (reply[0] != '$' || reply.starts_with("$-1")) return true;
  return reply.size() >= end + 2 + std::stoul(reply.substr(1, end - 1)) + 2;
}

}  // namespace

RedisServer::RedisServer() : port_(freePort()) {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--dir", dir_.path().string()});
  for (auto end = std::chrono::steady_clock::now() + 10s;;) {
    try {
      if (command({"PING"}) == "+PONG") return;
    } catch (const std::exception&) {
      // not listening yet
    }
    if (!process_->running() || std::chrono::steady_clock::now() > end) {
      throw std::runtime_error("redis-server did not start: " + process_->errors() +
                               process_->output());
    }
    std::this_thread::sleep_for(20ms);
  }
}

RedisServer::~RedisServer() {
  if (paused_) process_->sendSignal(SIGCONT);
  process_->stop();
}

std::string RedisServer::command(const std::vector<std::string>& arguments) const {
  const Fd fd = connectClient(port_);
  if (!fd) throw std::runtime_error("cannot connect to redis-server");
  const std::string request = encode(arguments);
  const GiveUp giveUp{std::chrono::steady_clock::now() + 5s};
  if (!sendAll(fd.get(), request.data(), request.size(), giveUp)) {
    throw std::runtime_error("cannot send to redis-server");
  }
  std::string reply;
  while (!wholeReply(reply)) {
    char chunk[4096];
    if (!waitFor(fd.get(), POLLIN, giveUp)) throw std::runtime_error("redis-server is silent");
    const ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("redis-server closed the connection");
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  const auto end = reply.find("\r\n");
  if (reply[0] == '$' && !reply.starts_with("$-1")) {
    return reply.substr(end + 2, reply.size() - end - 4);  // the value, without its CR LF
  }
  return reply.substr(0, end);
}

void RedisServer::set(const std::string& key, const std::string& value) const {
  const std::string reply = command({"SET", key, value});
  if (reply != "+OK") throw std::runtime_error("redis SET " + key + ": " + reply);
}

std::optional<std::string> RedisServer::get(const std::string& key) const {
  const std::string reply = command({"GET", key});
  if (reply == "$-1") return std::nullopt;
  return reply;
}

void RedisServer::pause() {
  process_->sendSignal(SIGSTOP);
  paused_ = true;
}

void RedisServer::resume() {
  process_->sendSignal(SIGCONT);
  paused_ = false;
}

}  // namespace rsp::test
