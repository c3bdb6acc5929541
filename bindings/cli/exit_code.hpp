// curl's exit codes for the failures hipp can have, so scripts written for curl keep working.
#pragma once

#include "core/errors.hpp"

namespace hipp::cli {

enum ExitCode : int {
  kOk = 0,
  kUsage = 2,             // CURLE_FAILED_INIT: bad command line
  kBadUrl = 3,            // CURLE_URL_MALFORMAT
  kResolve = 6,           // CURLE_COULDNT_RESOLVE_HOST
  kConnect = 7,           // CURLE_COULDNT_CONNECT
  kPartialBody = 18,      // CURLE_PARTIAL_FILE
  kHttpError = 22,        // CURLE_HTTP_RETURNED_ERROR (with --fail)
  kWriteError = 23,       // CURLE_WRITE_ERROR
  kReadError = 26,        // CURLE_READ_ERROR (an upload source)
  kTimeout = 28,          // CURLE_OPERATION_TIMEDOUT
  kTlsConnect = 35,       // CURLE_SSL_CONNECT_ERROR
  kPeerFailedVerification = 60,  // CURLE_PEER_FAILED_VERIFICATION
  kPinnedPublicKeyMismatch = 90,  // CURLE_SSL_PINNEDPUBKEYNOTMATCH (--pinnedpubkey)
  kMaxRedirects = 47,     // CURLE_TOO_MANY_REDIRECTS
  kEmptyReply = 52,       // CURLE_GOT_NOTHING
  kSendError = 55,        // CURLE_SEND_ERROR
  kReceiveError = 56,     // CURLE_RECV_ERROR
  kWeirdReply = 8,        // CURLE_WEIRD_SERVER_REPLY
  kHttp2 = 16,            // CURLE_HTTP2: a problem in the HTTP/2 framing layer (or a reset stream)
  kBadContentEncoding = 61,
  kAbortedByCallback = 42, // CURLE_ABORTED_BY_CALLBACK
};

// The curl exit code for a core error code alone.
int exit_code_for(ErrorCode code) noexcept;

// The curl exit code for an error, looking through the wrappers of the retry policies:
//   max_retries about redirects (detail "too many redirects…" or "redirect loop…") → 47, as curl's
//     CURLE_TOO_MANY_REDIRECTS;
//   other max_retries and retry_exhausted (retries ran out) → the exit code of their cause, the last
//     attempt's error (7 for a refused connection, 28 for a timeout…), as curl reports the last failure;
//     without a cause (statuses retried until Hip's Retry gave up) → 22, an HTTP error;
//   anything else → exit_code_for(error.code).
int exit_code_for(const Error& error) noexcept;

}  // namespace hipp::cli
