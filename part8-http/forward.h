// part8-http/forward.h — part 8: the head the proxy sends to the backend.
//
// The proxy does not pass the client's head on byte for byte; it writes its own from what the
// parser understood, so that the backend reads exactly what rsp decided:
//
//   GET http://a.test/x?y HTTP/1.0        GET /x?y HTTP/1.1                 request line
//   Connection: keep-alive, X-Trace       host: a.test                      Host first
//   Host: other.test                 ->   accept: */*
//   X-Trace: 1                            x-forwarded-for: 10.0.0.9, 127.0.0.1
//   Accept: */*                           connection: close
//   X-Forwarded-For: 10.0.0.9
//
//  - The request line says HTTP/1.1, rsp's own version (RFC 9110 6.2); an absolute-form target
//    goes as origin-form, and its authority becomes Host (RFC 9112 3.2.2).
//  - Connection, the fields it names, Keep-Alive and Proxy-Connection are this hop's only
//    (RFC 9110 7.6.1) and are dropped; rsp says Connection: close (one request, part 8's LIMIT).
//  - X-Forwarded-For: every incoming line merged into one, the client's address appended.
//    The backend can trust only the last address: the one rsp saw.
//  - Content-Length and Transfer-Encoding are written from the framing decision ("005" goes
//    as "5", "Chunked" as "chunked"), so the backend frames the body as rsp did.
//  - Field names go lower-cased, as HAProxy 2.x sends them; they are case-insensitive anyway
//    (RFC 9110 5.1).
#pragma once

#include <string>
#include <string_view>

#include "framing.h"
#include "http_parser.h"

namespace rsp {

// The head to send for a complete, valid request head whose framing is not an error.
// clientAddress is the client's IP address as text, without port or brackets. backendName
// ("host:port") is the Host of a request that named none (HTTP/1.0 without Host), as nginx's
// default $proxy_host: HTTP/1.1 requires one (RFC 9112 3.2).
std::string forwardedHead(const RequestHead& head, const Framing& framing,
                          std::string_view clientAddress,
                          std::string_view backendName = {});

}  // namespace rsp
