// tests/http/hostile.h — part 8: the hostile-requests table (hostile.tsv), read for the tests.
//
// One row per case, four fields separated by tabs:
//
//   name <TAB> expected status <TAB> the RFC clause it breaks <TAB> the raw request
//
// The request is written with escapes so that the file stays one line per case and a shell or
// Python script can read it as easily as C++: \r \n \t \\, \xHH for any byte, and \p{N} for N
// bytes of 'a' (a long header without a long line in the file). Lines that are empty or start
// with '#' are comments. The expected status is what rsp answers: 200 for a request that is
// valid and forwarded, else 400, 431, 501 or 505. tests/http/hostile.py reads the same file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rsp::test {

struct HostileCase {
  std::string name;
  int expected = 0;
  std::string clause;
  std::string request;  // the raw bytes, escapes decoded
};

// Decodes the escapes above; throws std::runtime_error on a malformed one.
std::string decodeEscapes(std::string_view text);

// Reads the table; throws std::runtime_error naming the line of a malformed row.
std::vector<HostileCase> loadHostileTable(const std::string& path);

}  // namespace rsp::test
