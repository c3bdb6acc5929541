#include <catch.hpp>

#include "transports/api/prepared_request.hpp"

using namespace hipp;

namespace {
PreparedRequest prepare(std::string_view method, std::string_view url, RequestOptions o = {},
                        const Headers& defaults = {}) {
  auto r = prepare_request(method, url, std::move(o), defaults);
  if (!r) FAIL(r.error().message());
  return std::move(*r);
}
ErrorCode prepare_error(std::string_view method, std::string_view url, RequestOptions o = {}) {
  auto r = prepare_request(method, url, std::move(o), {});
  REQUIRE_FALSE(r);
  return r.error().code;
}
}  // namespace

TEST_CASE("a GET gets Host first, then defaults, then the caller's headers") {
  auto r = prepare("GET", "http://Example.COM:8080/a?b=1", {.headers = {{"X-Id", "7"}}}, Headers{{"Accept", "text/plain"}});
  CHECK(r.target == "/a?b=1");
  REQUIRE(r.headers.size() >= 4);
  CHECK(r.headers[0].name == "Host");
  CHECK(r.headers[0].value == "example.com:8080");
  CHECK(r.headers.get("Accept") == "text/plain");
  CHECK(r.headers.get("X-Id") == "7");
  CHECK(r.headers.get("User-Agent") == kDefaultUserAgent);
  CHECK_FALSE(r.headers.contains("Content-Length"));
}

TEST_CASE("the caller's header replaces the client default of the same name") {
  auto r = prepare("GET", "http://h/", {.headers = {{"accept", "application/json"}}}, Headers{{"Accept", "text/plain"}});
  CHECK(r.headers.get_all("Accept") == std::vector<std::string_view>{"application/json"});
}

TEST_CASE("fields go into the query for GET, HEAD and DELETE") {
  auto r = prepare("GET", "http://h/get?x=1", {.fields = {{"arg", "a b"}, {"k", "&="}}});
  CHECK(r.target == "/get?x=1&arg=a+b&k=%26%3D");
  CHECK(std::holds_alternative<std::monostate>(r.body));
}

TEST_CASE("fields become a form body for POST") {
  auto r = prepare("POST", "http://h/post", {.fields = {{"hello", "world"}}});
  CHECK(r.target == "/post");
  CHECK(std::get<std::string>(r.body) == "hello=world");
  CHECK(r.headers.get("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.headers.get("Content-Length") == "11");
}

TEST_CASE("json becomes a JSON body") {
  auto r = prepare("POST", "http://h/post", {.json = nlohmann::json{{"attribute", "value"}}});
  CHECK(std::get<std::string>(r.body) == R"({"attribute":"value"})");
  CHECK(r.headers.get("Content-Type") == "application/json");
}

TEST_CASE("a generator body is sent chunked and is not rewindable") {
  auto r = prepare("POST", "http://h/", {.body = GeneratorBody{[] { return std::optional<std::string>{}; }}});
  CHECK(r.headers.get("Transfer-Encoding") == "chunked");
  CHECK_FALSE(r.headers.contains("Content-Length"));
  CHECK_FALSE(r.body_rewindable());
}

TEST_CASE("a POST without a body says Content-Length: 0") {
  CHECK(prepare("POST", "http://h/").headers.get("Content-Length") == "0");
}

TEST_CASE("Expect: 100-continue is noticed") {
  CHECK(prepare("PUT", "http://h/", {.headers = {{"Expect", "100-continue"}}, .body = std::string("x")}).expect_continue);
}

TEST_CASE("scheme-less URLs are http") {
  CHECK(prepare("GET", "127.0.0.1:8080/x").url.scheme == "http");
}

TEST_CASE("bad input is refused before any connection, with a typed error") {
  CHECK(prepare_error("GET", "http://h/", {.headers = {{"X-Evil", "a\r\nInjected: 1"}}}) == ErrorCode::invalid_header_value);
  CHECK(prepare_error("GET", "http://h/", {.headers = {{"Bad Name", "v"}}}) == ErrorCode::invalid_header_name);
  CHECK(prepare_error("GET /x HTTP/1.1\r\n", "http://h/") == ErrorCode::invalid_method);
  CHECK(prepare_error("GET", "http://h/\r\nX: y") == ErrorCode::invalid_url);
  CHECK(prepare_error("GET", "http://h:99999/") == ErrorCode::invalid_url);
  CHECK(prepare_error("GET", "ftp://h/") == ErrorCode::invalid_url);
  CHECK(prepare_error("POST", "http://h/", {.fields = {{"a", "1"}}, .body = std::string("x")}) == ErrorCode::invalid_state);
  CHECK(prepare_error("POST", "http://h/", {.body = std::string("x"), .json = nlohmann::json(1)}) == ErrorCode::invalid_state);
  CHECK(prepare_error("PUT", "http://h/", {.body = FileBody{"/nonexistent/file"}}) == ErrorCode::body_source_failed);
}

TEST_CASE("prepared headers carry the validated mark, so the HTTP/1.1 machine does not check them again") {
  auto r = prepare("POST", "http://h/", {.headers = {{"X-Id", "7"}}, .body = std::string("x")}, Headers{{"Accept", "text/plain"}});
  CHECK(r.headers.validated());
  // The mark travels with the fields and is dropped by any change.
  Headers moved = std::move(r.headers);
  CHECK(moved.validated());
  moved.add("X-Later", "v");
  CHECK_FALSE(moved.validated());
}
