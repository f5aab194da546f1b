// part10-lua-waits/forward.cpp — part 10: the heads the proxy sends on, both ways. See forward.h.
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

// The names of this hop's fields: Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade (kept by
// the caller for an upgrade), and each connection-option of every Connection line (RFC 9110
// 7.6.1: a proxy MUST remove those before forwarding).
std::vector<std::string> hopByHopNames(const MessageHead& head) {
  std::vector<std::string> names = {"connection", "keep-alive", "proxy-connection",
                                    "te",         "trailer",    "upgrade"};
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

bool isIn(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool asksToUpgrade(const RequestHead& head) {
  return head.minorVersion == 1 && head.hasToken("connection", "upgrade") &&
         head.find("upgrade") != nullptr;
}

std::string forwardedHead(const RequestHead& head, const Framing& framing,
                          std::string_view clientAddress, bool reuse,
                          std::string_view backendName) {
  std::string out = head.method + " " + originTarget(head) + " HTTP/1.1\r\n";
  // RFC 9112 3.2: Host comes first. An HTTP/1.0 request may name no authority: then the
  // backend's own name, since an HTTP/1.1 request must carry a Host.
  addField(out, "host", head.authority.empty() ? backendName : head.authority);
  const std::vector<std::string> hopByHop = hopByHopNames(head);
  std::string forwardedFor;
  for (const auto& field : head.fields) {
    if (field.name == "x-forwarded-for" && !field.value.empty())
      forwardedFor.append(field.value).append(", ");  // repeated lines merge (RFC 9110 5.3)
    if (rewritten(field.name) || isIn(hopByHop, field.name)) continue;
    addField(out, field.name, field.value);
  }
  if (framing.kind == Framing::Kind::kLength)
    addField(out, "content-length", std::to_string(framing.length));
  if (framing.kind == Framing::Kind::kChunked) addField(out, "transfer-encoding", "chunked");
  addField(out, "x-forwarded-for", forwardedFor.append(clientAddress));
  if (asksToUpgrade(head)) {
    addField(out, "upgrade", *head.find("upgrade"));
    addField(out, "connection", "upgrade");
  } else if (!reuse) {
    addField(out, "connection", "close");
  }
  return out.append("\r\n");
}

std::string forwardedResponseHead(const ResponseHead& head, const ResponseOptions& options) {
  std::string out = "HTTP/1.1 " + std::to_string(head.status) + " " + head.reason + "\r\n";
  const std::vector<std::string> hopByHop = hopByHopNames(head);
  for (const auto& field : head.fields) {
    // The framing fields stay, whatever Connection names: the client must frame the body as
    // rsp did (decideResponseFraming read them), or it reads the next response as this one's.
    const bool framing = field.name == "content-length" || field.name == "transfer-encoding";
    if (!framing && isIn(hopByHop, field.name)) continue;
    if (options.decode && field.name == "transfer-encoding") continue;
    addField(out, field.spelling, field.value);
  }
  if (head.status == 101) {  // the upgrade goes through: both sides switch (RFC 9110 15.2.2)
    if (const std::string* upgrade = head.find("upgrade")) addField(out, "upgrade", *upgrade);
    addField(out, "connection", "upgrade");
  } else if (!options.keepAlive) {
    addField(out, "connection", "close");
  } else if (options.http10Client) {
    addField(out, "connection", "keep-alive");  // HTTP/1.0 closes unless told (RFC 9112 9.3)
  }
  return out.append("\r\n");
}

}  // namespace rsp
