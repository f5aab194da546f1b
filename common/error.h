// common/error.h — introduced by part 1.
//
// One error policy for every part. A start-up error (bad arguments, a port in use, a config
// that does not parse) throws; main() prints what() as one line on stderr and exits 1. Inside
// the event loop an error closes the connection it happened on, never the process.
#pragma once

#include <stdexcept>
#include <string>

namespace rsp {

// An error from a system call, carrying its errno. what() reads "<what>: <strerror(code)>",
// e.g. "cannot listen on port 80: Permission denied".
class SystemError : public std::runtime_error {
 public:
  SystemError(const std::string& what, int code);
  int code() const noexcept { return code_; }

 private:
  int code_;
};

// Throws a SystemError for the current errno.
[[noreturn]] void throwErrno(const std::string& what);

}  // namespace rsp
