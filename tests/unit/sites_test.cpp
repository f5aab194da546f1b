// tests/unit/sites_test.cpp — part 8: nginx's server_name order, and the Host made comparable.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sites.h"

using rsp::normaliseHost;
using rsp::Sites;

TEST_CASE("a host is normalised once: case, port, brackets, trailing dot", "[sites]") {
  CHECK(normaliseHost("A.Test") == "a.test");
  CHECK(normaliseHost("a.test:8080") == "a.test");
  CHECK(normaliseHost("a.test.:80") == "a.test");
  CHECK(normaliseHost("[::1]:8080") == "[::1]");
  CHECK(normaliseHost("[FE80::1]") == "[fe80::1]");
  CHECK(normaliseHost("127.0.0.1:1") == "127.0.0.1");
  CHECK(normaliseHost("") == "");
}

TEST_CASE("exact, then longest *. suffix, then longest .* prefix, then the default", "[sites]") {
  const Sites sites({"a.test", "*.test", "*.b.test", "www.*", "www.b.*", "fallback"}, 5);
  CHECK(sites.match("a.test") == 0u);
  CHECK(sites.match("x.a.test") == 1u);    // *.test
  CHECK(sites.match("x.b.test") == 2u);    // *.b.test is longer than *.test
  CHECK(sites.match("x.y.b.test") == 2u);  // an asterisk matches several labels
  CHECK(sites.match("www.b.test") == 2u);  // any *. suffix before any .* prefix
  CHECK(sites.match("www.b.org") == 4u);   // www.b.* is longer than www.*
  CHECK(sites.match("www.c.org") == 3u);
  CHECK(sites.match("other.org") == 5u);  // the default
  CHECK(sites.match("") == 5u);
}

TEST_CASE("*.b.test does not match b.test, nor mail.* match mail", "[sites]") {
  const Sites sites({"*.b.test", "mail.*"});
  CHECK(sites.match("b.test") == std::nullopt);
  CHECK(sites.match(".b.test") == std::nullopt);
  CHECK(sites.match("mail") == std::nullopt);
  CHECK(sites.match("mail.") == std::nullopt);
  CHECK(sites.match("mail.x") == 1u);
  CHECK(sites.match("xb.test") == std::nullopt);  // only on a dot border
}

TEST_CASE("names are case-insensitive, and no site and no default is nothing", "[sites]") {
  const Sites sites({"A.Test"});
  CHECK(sites.match("a.test") == 0u);
  CHECK(sites.match("b.test") == std::nullopt);
}

TEST_CASE("names nginx would not take, or rsp does not, are refused", "[sites]") {
  for (const char* bad : {"*", "*.", ".*", "w*.a.test", "a.*.test", "*.a.*", ".a.test", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(Sites({bad}), std::invalid_argument);
  }
  CHECK_THROWS_AS(Sites({"a.test", "A.TEST"}), std::invalid_argument);
  CHECK_THROWS_AS(Sites({"a.test"}, 1), std::invalid_argument);
}
