// What a caller can say about one request, shared by the sync and async clients.
// Options are aggregates meant for designated initializers:
//
//   http.request("POST", url, {.fields = {{"a", "1"}}, .headers = {{"X-Id", "7"}}});
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/body/fields.hpp"
#include "core/exchange/hooks.hpp"
#include "core/message/headers.hpp"
#include "core/auth/auth.hpp"
#include "core/policy/retry.hpp"
#include "core/policy/retry_policy.hpp"
#include "core/policy/timeout.hpp"
#include "transports/api/generator_body.hpp"
#include "transports/api/multipart_encoder.hpp"

namespace hipp {

using Fields = body::Fields;
using Timeout = policy::Timeout;
using Retry = policy::Retry;
using RetryPolicy = policy::RetryPolicy;
// Hip's `retries` argument in all its forms, and hyperhttp's RetryPolicy.
using Retries = std::variant<bool, int, Retry, RetryPolicy>;

// A request body streamed from a file: sent with Content-Length, read in
// chunks, and rewindable (a resend reads it again from the start).
struct FileBody {
  std::filesystem::path path{};
};

// A pre-built MultipartEncoder is a body too (hyperhttp's content=encoder): its Content-Type and
// Content-Length (or chunked) are added to the request.
using Body = std::variant<std::monostate, std::string, FileBody, GeneratorBody, MultipartEncoder>;

// Hip's `fields` with file tuples, hyperhttp's `files=`: name → file part.
using Files = std::vector<std::pair<std::string, MultipartFile>>;

// Upload progress (core/exchange/hooks.hpp): body bytes written on this attempt and the body's size when
// known. Each attempt that sends the body starts at 0, so a retry or 307/308 resend restarts the count.
using UploadProgress = exchange::UploadProgress;

// Per-request cookies, name → value, in the order sent.
using RequestCookies = std::vector<std::pair<std::string, std::string>>;

// No member holds a std::string directly (nor a type whose buffer lives inside it): the async verbs take
// RequestOptions by value with `= {}` as default, and Debian's g++ 12.2 mishandles the temporary that
// default makes inside a co_await expression: the frame's copy of a short string ends up pointing at an
// inline buffer that is not its own (free() of an invalid pointer on `co_await client.get(url)`; reduced
// to a 10-line program, clang 16 is fine). The members here, vectors and heap-owning types, survive it.
// tests/asio calls the verbs with their defaults, so a member that breaks this fails there.
struct RequestOptions {
  // Hip's `fields`: query string for GET/HEAD/DELETE, form body otherwise (urlencoded, or the text
  // parts of a multipart body when `files` is not empty or encode_multipart is set).
  Fields fields{};
  // File parts: a multipart/form-data body of `fields` (first, in order) then `files`. hyperhttp's rule:
  // multipart only when files are present. Not allowed with GET/HEAD/DELETE/OPTIONS.
  Files files{};
  // Hip's encode_multipart: send `fields` as multipart/form-data even without files.
  bool encode_multipart = false;
  // chunk_size and the name/filename style of a multipart body built from fields and files.
  MultipartOptions multipart{};
  // Added after the client's default headers; same name replaces the default.
  Headers headers{};
  // Raw body; mutually exclusive with `fields` (for body methods) and `json`.
  Body body{};
  // JSON body (sets Content-Type: application/json).
  std::optional<nlohmann::json> json{};
  // Overrides the client's timeout for this request.
  std::optional<Timeout> timeout{};
  // Hip's preload_content: true reads the whole body before returning;
  // false returns after the head and streams (read(), stream(), release_conn()).
  bool preload_content = true;
  // Hip's decode_content: undo the response's Content-Encoding (gzip, deflate, br, zstd; see
  // core/decode) as the body is read. false hands out the bytes as they came (curl without --compressed).
  // Either way Response::bytes_read() counts the bytes received, not the decoded ones (Hip's tell()).
  bool decode_content = true;
  // Hip's `retries`: a Retry, a count (Retry(n)), false (no retries, redirects
  // returned as they are), or hyperhttp's RetryPolicy. Unset: the client's.
  std::optional<Retries> retries{};
  // Hip's `redirect`: follow redirects (counted by the retry policy). false
  // returns the 3xx response as it is.
  bool redirect = true;
  // hyperhttp's per-request follow_redirects, for every client: unset, the client's (the async client's
  // ClientOptions::follow_redirects; the sync clients have none, so each retry policy's own rule). With a
  // RetryPolicy it sets the policy's follow_redirects for this request. `redirect = false` still wins.
  std::optional<bool> follow_redirects{};
  // Unset: the client's auth. A null pointer: no auth for this call.
  std::optional<std::shared_ptr<auth::Auth>> auth{};
  // Cookies for this request only ("name=value; ..." after any Cookie header of `headers`, before the
  // jar's). They go to this request's origin and to same-origin redirects only: a cross-origin hop drops
  // them for the rest of the chain (as it drops Cookie), and the client's jar never stores them.
  // Errors: a name that is not an RFC 9110 token (invalid_header_name), a value holding ';', CR, LF, NUL
  // or another control (invalid_header_value).
  RequestCookies cookies{};
  // Called as the request body goes out: (bytes written so far on this attempt, the body's size or
  // std::nullopt when chunked), for bytes, FileBody, generator and multipart bodies alike. The first call
  // of every attempt that sends a body has sent == 0 (a resend restarts the count); after that one call
  // per write, the last with sent == total. Runs on the thread that called request(); keep it short. If it
  // throws, the request is aborted and the exception propagates from request().
  UploadProgress upload_progress{};
};

}  // namespace hipp
