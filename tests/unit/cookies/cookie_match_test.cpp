#include <catch2/catch.hpp>

#include "core/cookies/cookie_match.hpp"

using namespace hipp::cookies;

TEST_CASE("domain-match (RFC 6265 §5.1.3)") {
  struct Row {
    const char* host;
    const char* domain;
    bool match;
  };
  const Row rows[] = {
      {"example.com", "example.com", true},      // identical
      {"www.example.com", "example.com", true},  // suffix after a '.'
      {"a.b.example.com", "example.com", true},
      {"a.b.example.com", "b.example.com", true},
      {"example.com", "www.example.com", false},   // the domain is longer
      {"notexample.com", "example.com", false},    // suffix, but not after a '.'
      {"example.com.evil", "example.com", false},  // not a suffix
      {"www.example.com", "com", true},            // domain-match itself knows no public suffixes
      {"www.example.com", ".example.com", false},  // the jar strips the dot before matching
      {"www.example.com", "", false},
      {"127.0.0.1", "127.0.0.1", true},  // an IP matches only itself
      {"1.127.0.0.1", "127.0.0.1", false},
      {"10.0.0.1", "0.0.1", false},  // a host of digits is an address, never a suffix match
      {"::1", "::1", true},
      {"a::1", "::1", false},
      {"WWW.example.com", "example.com", true},   // callers pass lower case; the suffix still matches
      {"www.example.com", "EXAMPLE.com", false},  // exact comparison
  };
  for (const auto& row : rows) {
    INFO(row.host << " vs " << row.domain);
    CHECK(domain_match(row.host, row.domain) == row.match);
  }
}

TEST_CASE("default-path (RFC 6265 §5.1.4)") {
  struct Row {
    const char* request_path;
    const char* expected;
  };
  const Row rows[] = {
      {"", "/"},            // no path
      {"relative/x", "/"},  // does not start with '/'
      {"/", "/"},           // one '/'
      {"/file", "/"},       // one '/'
      {"/dir/", "/dir"},    // up to, not including, the last '/'
      {"/dir/file", "/dir"},
      {"/a/b/c/file", "/a/b/c"},
      {"//", "/"},
      {"/a//b", "/a/"},
  };
  for (const auto& row : rows) {
    INFO(row.request_path);
    CHECK(default_path(row.request_path) == row.expected);
  }
}

TEST_CASE("path-match (RFC 6265 §5.1.4)") {
  struct Row {
    const char* request_path;
    const char* cookie_path;
    bool match;
  };
  const Row rows[] = {
      {"/", "/", true},  // identical
      {"/foo", "/foo", true},
      {"/foo/bar", "/foo", true},  // prefix, followed by '/'
      {"/foo/", "/foo", true},
      {"/foobar", "/foo", false},   // prefix, but not at a '/' boundary
      {"/foo/bar", "/foo/", true},  // the cookie path ends in '/'
      {"/foo", "/foo/", false},     // shorter than the cookie path
      {"/anything", "/", true},
      {"/bar", "/foo", false},
      {"/FOO", "/foo", false},        // case-sensitive
      {"", "/", true},                // an empty request path is "/"
      {"/foo%2Fbar", "/foo", false},  // an escaped slash is no '/'
      {"/a/b/c", "/a/b", true},
      {"/a/bc", "/a/b", false},
  };
  for (const auto& row : rows) {
    INFO(row.request_path << " vs " << row.cookie_path);
    CHECK(path_match(row.request_path, row.cookie_path) == row.match);
  }
}

TEST_CASE("is_ip_address and canonical_host") {
  CHECK(is_ip_address("127.0.0.1"));
  CHECK(is_ip_address("::1"));
  CHECK(is_ip_address("2130706433"));
  CHECK_FALSE(is_ip_address("localhost"));
  CHECK_FALSE(is_ip_address("1.example"));
  CHECK_FALSE(is_ip_address(""));
  CHECK(canonical_host(*hipp::url::parse("http://[::1]:8080/")) == "::1");
  CHECK(canonical_host(*hipp::url::parse("http://Example.COM./x")) == "example.com");
}
