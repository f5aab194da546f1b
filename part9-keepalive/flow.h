// part9-keepalive/flow.h — part 9: one direction of a pair, and the rules for relaying it.
//
// Same as part8-http/flow.h except: a flow carries one message after another. At a message's
// end (its body's end: body.h) the flow writes what is queued and stops, without a FIN, and
// stops reading its source too: what the client sends next is the next request, which waits in
// the kernel until this one is answered (pipelining, one at a time), and any bytes already read
// past the end are kept (takeLeftover()). restart() readies the flow for the next message;
// reopen() turns it into part 7's plain relay (after 101 Switching Protocols). The flow toward
// the client gets its bytes from the backend after the response head, which the Connection
// reads (response_reader.h) and hands over with receive(); a chunked body may go decoded.
//
// From part 8: the flow toward the backend starts with the head the proxy wrote (send()), and
// passes on the body's bytes only up to the body's end (limitTo()).
//
// From part 5: the backend's end of a flow is set once the backend has accepted (until then,
// what the client sends is queued), and a flow counts the bytes it has written, for the idle
// rule (connection.h).
//
// From part 4:
// A pair is two flows, each reading one socket and writing the other:
//
//   client ──▶ recv ──▶ toBackend.queued ──▶ send ──▶ backend      (the request)
//   client ◀── send ◀── toClient.queued  ◀── recv ◀── backend      (the reply)
//
// The rules a Flow keeps (muduo splits them the same way, between its Buffer and TcpConnection):
//  - Write at once when nothing is queued; queue what the socket did not take, behind what is
//    already queued, never around it. Want to write (EPOLLOUT) only while bytes are queued.
//  - Backpressure: once kHighWater bytes are queued, stop reading the source; read it again
//    when the queue is down to kLowWater. A slow client slows the backend down instead of
//    growing the proxy's memory.
//  - Read whole chunks (kReadChunk) while the destination keeps up: they go straight out. Once
//    a send does not take everything, the destination is behind, and until the flow goes quiet
//    (nothing queued, and the source had nothing more) a read takes only the room left in the
//    queue under kHighWater. So a slow peer costs a flow at most kHighWater of queue, after
//    the one short write that found it behind (which may leave most of a chunk). An empty
//    queue holds no memory (buffer.h).
//  - Half-close: when the source has sent everything (recv returns 0), flush the queue, then
//    shutdown(SHUT_WR) the destination: it gets our FIN after the last byte.
//  - A failed send ends the flow (its queue is dropped), not the pair: the other flow goes on,
//    so what the failing peer already sent still reaches the other side. An ended flow reads
//    its source only to drop what it sends, so a peer still sending is not left blocked.
//
// The Flow does the reading and writing; the Connection (connection.h) decides when, from
// the events, and watches each socket for what its two flows want.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "body.h"
#include "buffer.h"

namespace rsp {

class Flow {
 public:
  // One recv() takes up to 64 KiB while the destination keeps up: on a large response that is
  // a quarter of the system calls of 16 KiB reads, which made the difference against HAProxy
  // in ./tutorial bench.
  static constexpr std::size_t kReadChunk = 64 * 1024;
  static constexpr std::size_t kHighWater = 16 * 1024;  // stop reading the source here
  static constexpr std::size_t kLowWater = 4 * 1024;    // and start again here
  // An ended flow reads and drops at most this much before the pair gives up on its peer.
  static constexpr std::size_t kDropLimit = 16 * 1024 * 1024;

  enum class State {
    kOpen,      // reading the source, writing to the destination
    kFlushing,  // the source has sent everything: write what is queued, then FIN
    kDone,      // nothing more goes this way (FIN passed on, or the destination failed)
  };

  // `from` and `to` are sockets the Connection owns; `to` is named in the log ("backend").
  // Either may be -1 until the backend has accepted: then set it with connectFrom()/connectTo().
  Flow(int from, int to, const char* toName) : from_(from), to_(to), toName_(toName) {}
  void connectFrom(int from) { from_ = from; }
  void connectTo(int to) { to_ = to; }

  bool wantsToRead() const;
  bool wantsToWrite() const { return !queued_.empty(); }
  bool over() const { return state_ == State::kDone; }
  bool holding() const { return held_; }  // the message ended: the source waits, unread
  bool sourceEnded() const { return sourceEnded_; }
  bool droppedTooMuch() const { return dropped_ > kDropLimit; }
  std::uint64_t sent() const { return sent_; }  // bytes written to the destination, in all
  bool brokenBody() const { return brokenBody_; }
  // The message ended and all of it was written: the flow is ready for restart().
  bool delivered() const { return messageEnded_ && state_ == State::kDone && !failed_; }
  // Bytes read after the message's end: the next request's start, or a backend's excess.
  bool overran() const { return !leftover_.empty(); }
  std::string takeLeftover() { return std::exchange(leftover_, std::string()); }

  // Writes `bytes` toward the destination as if the source had sent them (the forwarded head,
  // or the proxy's own answer).
  void send(std::string_view bytes) {
    if (!over()) forward(bytes.data(), bytes.size());
  }
  // Queues `bytes` without writing: what comes next joins them, and one handleWrite() sends
  // all (a response's head and its first bytes of body in one send()).
  void queue(std::string_view bytes) {
    if (over()) return;
    queued_.append(bytes.data(), bytes.size());
    if (queued_.size() >= kHighWater) paused_ = true;  // backpressure, as in forward()
  }
  // Nothing more comes from the source (it is not read again): write what is queued, then FIN.
  void finish();
  // From now on, passes on the source's bytes only up to the end of `body` (which must outlive
  // the flow; nullptr: all of them); at its end, endOfMessage(). A broken body ends the flow
  // (brokenBody()). A decoding body passes on its decoded data instead.
  void limitTo(MessageBody* body) { body_ = body; }
  // The message is whole: write what is queued, then stop (no FIN), and read no more.
  void endOfMessage();
  // Bytes someone else read from the source (the response head's reader): taken as if read now.
  void receive(std::string_view bytes);
  // The next message: the flow is open again, with no limit, its counts but sent() reset.
  void restart();
  // After 101 Switching Protocols: a plain relay both ways, as in part 7, until the close.
  void reopen();

  // Reads what has arrived from the source and forwards it (or, once over, drops it). Returns
  // the errno with which the source failed, or 0: a socket that failed cannot be written to
  // either, so the caller then ends the other flow, the one toward it.
  int handleRead();
  // The destination can take more: writes what is queued.
  void handleWrite();
  // The destination failed (EPIPE, ECONNRESET): nothing more can reach it.
  void end(int error);
  // Once everything the source sent has gone out, passes its FIN on to the destination.
  void passOnEnd();

 private:
  void forward(const char* data, std::size_t size);
  std::string_view passable(std::string_view bytes);
  void endBehindIfQuiet();

  int from_;
  int to_;
  const char* toName_;
  Buffer queued_{};  // read from the source, not yet written to the destination
  State state_ = State::kOpen;
  bool paused_ = false;        // backpressure: the queue is full, the source is not read
  bool behind_ = false;        // a send did not take everything: read what fits in kHighWater
  bool sourceEnded_ = false;   // the source's input was read to its end (FIN or error)
  bool sourceDrained_ = true;  // the latest read took all the source had
  std::size_t dropped_ = 0;    // bytes read and dropped since the flow ended
  std::uint64_t sent_ = 0;
  MessageBody* body_ = nullptr;  // set: only the body's bytes pass
  bool messageEnded_ = false;    // no FIN at the end: the peer answers, or sends the next one
  bool held_ = false;            // the message ended: the source is not read until restart()
  bool failed_ = false;          // ended by end(): the destination failed, or was let go
  bool brokenBody_ = false;
  std::string leftover_;         // read past the message's end
};

}  // namespace rsp
