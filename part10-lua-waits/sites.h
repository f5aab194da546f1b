// part10-lua-waits/sites.h — part 10: which site a request is for, the way nginx's server_name says.
//
// Each site has one name, written as nginx writes a server_name:
//
//   "a.test"     exact: that host only
//   "*.b.test"   wildcard suffix: x.b.test, x.y.b.test, ... but not b.test itself
//   "mail.*"     wildcard prefix: mail.example, mail.example.org, ... but not mail itself
//
// and a request's host is matched in nginx's order of precedence: the exact name, else the
// longest matching "*." suffix, else the longest matching ".*" prefix, else the default site;
// with no default, no site (the caller answers 421, RFC 9110 15.5.20). nginx also has the form
// ".b.test" (b.test and *.b.test at once) and regular expressions; rsp has neither: write
// "b.test" and "*.b.test" as two sites.
//
// Matching looks up whole names in hash maps, one lookup per dot of the host, as nginx's
// ngx_hash_find_wc_head does: the first suffix tried is the longest, so the first hit wins.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rsp {

// The host a request names, made comparable once (nginx's ngx_http_validate_host does the
// same): lower-cased, the port dropped, an IPv6 literal kept in its brackets, and one trailing
// dot dropped ("A.Test.:8080" -> "a.test", "[::1]:80" -> "[::1]").
std::string normaliseHost(std::string_view authority);

class Sites {
 public:
  // names[i] is site i's name (any case). Throws std::invalid_argument for a name nginx would
  // not take ("w*.a.test", "a.*.test", "*", "*.") or that rsp does not (".a.test"), and for a
  // name given twice. defaultSite, if any, is an index into names.
  explicit Sites(const std::vector<std::string>& names,
                 std::optional<std::size_t> defaultSite = std::nullopt);

  // The site for a normalised host (normaliseHost), or nullopt: no site and no default.
  std::optional<std::size_t> match(std::string_view host) const;

 private:
  void add(const std::string& name, std::size_t index);

  std::unordered_map<std::string, std::size_t> exact_;     // "a.test"
  std::unordered_map<std::string, std::size_t> suffixes_;  // "*.b.test" kept as ".b.test"
  std::unordered_map<std::string, std::size_t> prefixes_;  // "mail.*" kept as "mail."
  std::optional<std::size_t> default_;
};

}  // namespace rsp
