// common/error.cpp — introduced by part 1. See error.h.
#include "common/error.h"

#include <cerrno>
#include <cstring>

namespace rsp {

SystemError::SystemError(const std::string& what, int code)
    : std::runtime_error(what + ": " + std::strerror(code)), code_(code) {}

void throwErrno(const std::string& what) { throw SystemError(what, errno); }

}  // namespace rsp
