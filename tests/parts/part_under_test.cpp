// tests/parts/part_under_test.cpp — which part a test-partN executable tests. The one file of
// the suite compiled once per part, with RSP_PART and RSP_PART_BINARY set; every other file in
// tests/parts/ is compiled once, and reads the part from here when it runs.
#include "part_under_test.h"

namespace rsp::test {

static_assert(RSP_PART >= 1 && RSP_PART <= kParts, "RSP_PART names a part");

constinit const int kPart = RSP_PART;
constinit const char* const kPartBinary = RSP_PART_BINARY;
constinit const Expectations kExpected = expectationsFor(RSP_PART);

}  // namespace rsp::test
