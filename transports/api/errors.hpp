// The exception hierarchy of the user-facing C++ API, mirroring Hip's
// (hip.exceptions). The core returns Error values; throw_error() is the one
// place that turns them into these exceptions.
//
//   HTTPError
//   ├── PoolError ─── EmptyPoolError, ClosedPoolError
//   ├── RequestError ─ MaxRetryError (error().cause is its reason), RetryError (hyperhttp's; cause = the original)
//   ├── TimeoutError ─ ConnectTimeoutError, ReadTimeoutError, WriteTimeoutError, PoolTimeoutError
//   ├── NewConnectionError ─ NameResolutionError
//   ├── ProtocolError ─ IncompleteRead, InvalidHeader (response side)
//   ├── LocationValueError ─ LocationParseError
//   ├── InvalidRequest ─ InvalidHeader (request side: CR/LF/NUL, bad names)
//   ├── UnrewindableBodyError
//   ├── SSLError, DecodeError
//   ├── CircuitBreakerOpen (hyperhttp's: the host's breaker is open; the detail names host:port and
//   │   the seconds remaining)
//
// Deviation from Hip, on purpose: NewConnectionError is not a ConnectTimeoutError
// (in Hip it is, for historical reasons); a refused connection is not a timeout.
// Every exception carries the core Error (category, code, detail) and the URL.
#pragma once

#include <stdexcept>
#include <string>

#include "core/errors.hpp"

namespace hipp {

class HTTPError : public std::runtime_error {
 public:
  HTTPError(Error error, std::string url);
  const Error& error() const noexcept { return error_; }
  ErrorCode code() const noexcept { return error_.code; }
  const std::string& url() const noexcept { return url_; }

 private:
  Error error_;
  std::string url_;
};

#define HIPP_DECLARE_ERROR(Name, Base) \
  class Name : public Base {           \
   public:                             \
    using Base::Base;                  \
  }

HIPP_DECLARE_ERROR(PoolError, HTTPError);
HIPP_DECLARE_ERROR(EmptyPoolError, PoolError);
HIPP_DECLARE_ERROR(ClosedPoolError, PoolError);
HIPP_DECLARE_ERROR(RequestError, HTTPError);
HIPP_DECLARE_ERROR(MaxRetryError, RequestError);
HIPP_DECLARE_ERROR(RetryError, RequestError);
HIPP_DECLARE_ERROR(TimeoutError, HTTPError);
HIPP_DECLARE_ERROR(ConnectTimeoutError, TimeoutError);
HIPP_DECLARE_ERROR(ReadTimeoutError, TimeoutError);
HIPP_DECLARE_ERROR(WriteTimeoutError, TimeoutError);
HIPP_DECLARE_ERROR(PoolTimeoutError, TimeoutError);
HIPP_DECLARE_ERROR(NewConnectionError, HTTPError);
HIPP_DECLARE_ERROR(NameResolutionError, NewConnectionError);
HIPP_DECLARE_ERROR(ProtocolError, HTTPError);
HIPP_DECLARE_ERROR(IncompleteRead, ProtocolError);
HIPP_DECLARE_ERROR(InvalidHeader, HTTPError);
HIPP_DECLARE_ERROR(LocationValueError, HTTPError);
HIPP_DECLARE_ERROR(LocationParseError, LocationValueError);
HIPP_DECLARE_ERROR(UnrewindableBodyError, HTTPError);
HIPP_DECLARE_ERROR(SSLError, HTTPError);
HIPP_DECLARE_ERROR(DecodeError, HTTPError);
HIPP_DECLARE_ERROR(CircuitBreakerOpen, HTTPError);
// The caller cancelled the request (the async client's cancellation slots).
HIPP_DECLARE_ERROR(RequestCancelled, HTTPError);
// hyperhttp's raise_for_status(): a 4xx or 5xx response.
HIPP_DECLARE_ERROR(HTTPStatusError, HTTPError);

#undef HIPP_DECLARE_ERROR

// Throws the exception that corresponds to `error` (the one mapping table).
[[noreturn]] void throw_error(Error error, std::string url);

}  // namespace hipp
