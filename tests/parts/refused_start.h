// tests/parts/refused_start.h — this part started with a config file it must refuse.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "part_under_test.h"

namespace rsp::test {

// Starts this part with `lua` as its config file (bad.lua) and checks that it refuses to start:
// exit status 1, one line on stderr containing `says`, nothing on stdout. A part that starts
// anyway is stopped again. Returns that line.
inline std::string checkRefused(const std::string& lua, const std::string& says) {
  const TempDir dir;
  ChildProcess proxy({kPartBinary, dir.write("bad.lua", lua).string()});
  INFO("config: " << lua);
  if (const auto port = proxy.waitForStarted(10s)) {
    FAIL_CHECK("it started instead, on port " << *port);
    return {};
  }
  const auto status = proxy.waitForExit(10s);
  REQUIRE(status.has_value());
  const std::string errors = proxy.errors();
  CHECK(status->exited);
  CHECK(status->code == 1);
  CHECK_THAT(errors, Catch::Contains(says));
  CHECK(std::count(errors.begin(), errors.end(), '\n') == 1);
  CHECK(proxy.output().empty());
  return errors;
}

// A bad setting, in part 3's style: also starts "Error parsing config file: " and names the file.
inline void checkConfigError(const std::string& lua, const std::string& setting) {
  const std::string errors = checkRefused(lua, setting);
  INFO("config: " << lua);
  if (errors.empty()) return;  // it started: that failure is reported already
  CHECK_THAT(errors,
             Catch::StartsWith("Error parsing config file: ") && Catch::Contains("bad.lua"));
}

}  // namespace rsp::test
