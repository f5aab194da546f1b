// part10-lua-waits/cosocket.h — part 10: one rsp.tcp() socket (rsp_library.h), whose calls
// wait without stopping the loop.
//
//   local sock = rsp.tcp()             -- a TCP socket, closed at the latest when route ends
//   sock:settimeout(200)               -- ms, for each later connect, send and receive
//   local ok, err = sock:connect("127.0.0.1", 6379)   -- a numeric address: no resolver here
//   local bytes, err = sock:send("PING\r\n")
//   local line, err, partial = sock:receive("*l")     -- a line, without its CR LF
//   local data, err, partial = sock:receive(5)        -- exactly 5 bytes
//   sock:close()
//
// As OpenResty's ngx.socket.tcp: on success connect and close return 1, send the number of
// bytes; on failure each returns nil and an error ("timeout", "closed", "connection refused",
// ...), and receive a third value, the bytes it had read. A receive that times out leaves the
// socket open, any other failure closes it. These work only inside route(request), in the
// coroutine the proxy runs it in (coroutine.h); elsewhere they raise an error.
//
//   Lua: sock:receive("*l") ─▶ advance() ─ done ─▶ returns at once
//                                 │ EAGAIN
//                                 ▼
//        LuaCoroutine::waitOn (EPOLLIN + a timer), lua_yieldk ─▶ the loop serves other pairs
//                                 │ EPOLLIN: advance() again ... done   │ or the deadline:
//                                 ▼                                     ▼ timedOut()
//        lua_resume ─▶ the continuation pushes outcome: line | nil, "timeout", partial
//
// Underneath, each call tries its operation on the non-blocking socket at once; only when it
// cannot finish does it register with the loop (LuaCoroutine::waitOn) and yield. The loop calls
// advance() as the socket becomes ready, and resumes the coroutine once it says the operation
// is done, or when the socket's deadline passes; a continuation (lua_yieldk) then returns the
// outcome to Lua. The C++ side keeps the bytes (in, out, result), so nothing is pushed on the
// coroutine's stack from outside a protected run.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

// One rsp.tcp() socket. Owned by the LuaCoroutine that made it; the Lua value holds its id only.
struct Cosocket {
  enum class Op { kNone, kConnect, kSend, kReceiveBytes, kReceiveLine };
  static constexpr std::chrono::milliseconds kDefaultTimeout{60000};  // as OpenResty's
  static constexpr std::size_t kMaxReceive = 1024 * 1024;  // bytes one receive may ask for

  std::uint64_t id = 0;
  Fd fd;
  bool connected = false;
  std::chrono::milliseconds timeout = kDefaultTimeout;
  Timers::Clock::time_point deadline{};  // of the operation under way
  Op op = Op::kNone;
  std::string out;        // send: the bytes not yet written
  std::size_t sent = 0;   // send: how many went out in all
  std::size_t want = 0;   // receive(n): how many
  std::string in;         // read from the socket, not yet returned
  std::string result;     // receive: what it returns
  const char* error = nullptr;  // the operation failed: why (a static string)

  enum class Connect { kDone, kUnderWay, kFailed, kNotNumeric };
  // Opens the socket and starts connecting to host:port, a numeric address; kFailed sets error.
  Connect startConnect(const char* host, int port) noexcept;
  // send: keeps a copy of the bytes to send; false if there is no memory for it.
  bool queue(const char* data, std::size_t size) noexcept;
  // Tries the operation under way with what the socket can do now; true once it is over
  // (done, or failed with `error` set). Never throws, never blocks.
  bool advance() noexcept;
  // The deadline passed: the operation fails with "timeout".
  void timedOut() noexcept;
  // Out of the loop and closed; later calls on it fail with "closed".
  void close(EventLoop& loop) noexcept;

 private:
  bool satisfied();
  bool finishConnect();
  bool writeSome();
  bool readSome();
};

}  // namespace rsp
