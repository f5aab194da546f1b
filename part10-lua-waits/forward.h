// part10-lua-waits/forward.h — part 10: the heads the proxy sends on, both ways.
//
// Same as part8-http/forward.h except: the response's head too, and the hop's own fields in
// both. A kept-alive connection is this hop's business: what the client's Connection line says
// is for rsp, not for the backend, and what the backend's says is for rsp, not for the client.
// So rsp speaks for itself on each side: toward the backend nothing (HTTP/1.1 keeps it open),
// or Connection: close when it will not reuse it; toward the client nothing, Connection:
// keep-alive for an HTTP/1.0 client that asked for it, or Connection: close when rsp will close.
// The fields of a hop, never passed on (RFC 9110 7.6.1): Connection and the fields it names,
// Keep-Alive, Proxy-Connection, TE, Trailer and Upgrade (but for a protocol upgrade, below).
//
// A request that asks to switch protocols (Connection: upgrade with an Upgrade field, e.g.
// WebSocket) keeps both, and if the backend answers 101 Switching Protocols, so does the
// response: then the pair relays bytes as in part 7, both ways, until either side closes.
//
// The request (from part 8):
//
//   GET http://a.test/x?y HTTP/1.0        GET /x?y HTTP/1.1                 request line
//   Connection: keep-alive, X-Trace       host: a.test                      Host first
//   Host: other.test                 ->   accept: */*
//   X-Trace: 1                            x-forwarded-for: 10.0.0.9, 127.0.0.1
//   Accept: */*
//   X-Forwarded-For: 10.0.0.9
//
//  - The request line says HTTP/1.1, rsp's own version (RFC 9110 6.2); an absolute-form target
//    goes as origin-form, and its authority becomes Host (RFC 9112 3.2.2).
//  - X-Forwarded-For: every incoming line merged into one, the client's address appended.
//    The backend can trust only the last address: the one rsp saw.
//  - Content-Length and Transfer-Encoding are written from the framing decision ("005" goes
//    as "5", "Chunked" as "chunked"), so the backend frames the body as rsp did.
//  - Field names go lower-cased, as HAProxy 2.x sends them; they are case-insensitive anyway
//    (RFC 9110 5.1).
//
// The response: the status line as HTTP/1.1 with the backend's status and reason; its fields
// but the hop's (never its framing fields, whatever Connection names), spelled as the backend
// spelled them; a chunked body decoded for an HTTP/1.0 client goes without Transfer-Encoding,
// delimited by the close.
#pragma once

#include <string>
#include <string_view>

#include "framing.h"
#include "http_parser.h"

namespace rsp {

// True when the request asks to switch protocols (RFC 9110 7.8): HTTP/1.1, Connection: upgrade
// and an Upgrade field.
bool asksToUpgrade(const RequestHead& head);

// The head to send for a complete, valid request head whose framing is not an error.
// clientAddress is the client's IP address as text, without port or brackets. backendName
// ("host:port") is the Host of a request that named none (HTTP/1.0 without Host), as nginx's
// default $proxy_host: HTTP/1.1 requires one (RFC 9112 3.2). With `reuse`
// false it says Connection: close (the backend's connection will not be kept).
std::string forwardedHead(const RequestHead& head, const Framing& framing,
                          std::string_view clientAddress, bool reuse = false,
                          std::string_view backendName = {});

// How the client's side of a response goes: kept alive after it (and told so if HTTP/1.0), or
// closed after it (and told so); with `decode`, a chunked body goes decoded (no
// Transfer-Encoding).
struct ResponseOptions {
  bool keepAlive = true;
  bool http10Client = false;
  bool decode = false;
};

// The head to send to the client for a complete, valid response head.
std::string forwardedResponseHead(const ResponseHead& head, const ResponseOptions& options);

}  // namespace rsp
