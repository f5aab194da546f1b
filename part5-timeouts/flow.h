// part5-timeouts/flow.h — part 5: one direction of a pair, and the rules for relaying it.
//
// Same as part4-slow-writes/flow.h except: the backend's end of a flow is set once the backend
// has accepted (until then, what the client sends is queued), and a flow counts the bytes it
// has written, for the idle rule (connection.h).
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
  bool sourceEnded() const { return sourceEnded_; }
  bool droppedTooMuch() const { return dropped_ > kDropLimit; }
  std::uint64_t sent() const { return sent_; }  // bytes written to the destination

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
};

}  // namespace rsp
