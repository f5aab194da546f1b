// part8-http/forward.cpp — part 8: the head the proxy sends to the backend.
#include "forward.h"

#include <algorithm>
#include <vector>

#include "http_syntax.h"

namespace rsp {

namespace {

// The request-target toward the backend (RFC 9112 3.2.1, 3.2.2 and 3.2.4).
std::string originTarget(const RequestHead& head) {
  if (head.form != TargetForm::kAbsolute) return head.target;
  if (!head.pathAndQuery.empty() && head.pathAndQuery.front() == '/') return head.pathAndQuery;
  // RFC 9112 3.2.4: OPTIONS for a URI with no path and no query is sent to the origin as "*".
  if (head.method == "OPTIONS" && head.pathAndQuery.empty()) return "*";
  return "/" + head.pathAndQuery;  // RFC 9112 3.2.1: an empty path is sent as "/"
}

// The names of this hop's fields: Keep-Alive and Proxy-Connection, and each connection-option
// of every Connection line (RFC 9110 7.6.1: a proxy MUST remove those before forwarding).
std::vector<std::string> hopByHopNames(const RequestHead& head) {
  std::vector<std::string> names = {"connection", "keep-alive", "proxy-connection"};
  for (const auto& field : head.fields) {
    if (field.name != "connection") continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      names.push_back(lowerCase(trimOws(rest.substr(0, comma))));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return names;
}

// Fields rsp writes itself, whatever came in under those names. The framing fields among them
// are written from decideFraming's answer, so a Connection line naming them cannot strip them.
bool rewritten(const std::string& name) {
  return name == "host" || name == "content-length" || name == "transfer-encoding" ||
         name == "x-forwarded-for";
}

void addField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string forwardedHead(const RequestHead& head, const Framing& framing,
                          std::string_view clientAddress, std::string_view backendName) {
  std::string out = head.method + " " + originTarget(head) + " HTTP/1.1\r\n";
  // RFC 9112 3.2: Host comes first. An HTTP/1.0 request may name no authority: then the
  // backend's own name, since an HTTP/1.1 request must carry a Host.
  addField(out, "host", head.authority.empty() ? backendName : head.authority);
  const std::vector<std::string> hopByHop = hopByHopNames(head);
  std::string forwardedFor;
  for (const auto& field : head.fields) {
    if (field.name == "x-forwarded-for" && !field.value.empty())
      forwardedFor.append(field.value).append(", ");  // repeated lines merge (RFC 9110 5.3)
    if (rewritten(field.name) ||
        std::find(hopByHop.begin(), hopByHop.end(), field.name) != hopByHop.end())
      continue;
    addField(out, field.name, field.value);
  }
  if (framing.kind == Framing::Kind::kLength)
    addField(out, "content-length", std::to_string(framing.length));
  if (framing.kind == Framing::Kind::kChunked) addField(out, "transfer-encoding", "chunked");
  addField(out, "x-forwarded-for", forwardedFor.append(clientAddress));
  addField(out, "connection", "close");  // LIMIT: one request per connection; part 9 lifts it
  return out.append("\r\n");
}

}  // namespace rsp
