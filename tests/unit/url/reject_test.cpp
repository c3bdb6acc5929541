#include <catch.hpp>

#include <string>
#include <vector>

#include "core/url/url.hpp"

using hipp::ErrorCode;
using hipp::url::parse;

namespace {

struct Rejection {
  std::string input;
  std::string reason;  // a fragment of the error detail
};

void check_rejected(const Rejection& r) {
  INFO("input: " << r.input);
  const auto url = parse(r.input);
  REQUIRE_FALSE(url);
  CHECK(url.error().code == ErrorCode::invalid_url);
  CHECK(url.error().category == hipp::ErrorCategory::usage);
  CHECK_THAT(url.error().detail, Catch::Contains(r.reason));
}

}  // namespace

TEST_CASE("parse rejects CR, LF, NUL and every C0 control in every component") {
  // '^' marks where the control character goes.
  const std::vector<std::string> templates = {
      "ht^tp://user:pass@host:80/path?query#fragment",  // in the scheme
      "http://us^er:pass@host:80/path?query#fragment",   // in the userinfo
      "http://user:pass@ho^st:80/path?query#fragment",   // in the host
      "http://user:pass@host:8^0/path?query#fragment",   // in the port
      "http://user:pass@host:80/pa^th?query#fragment",   // in the path
      "http://user:pass@host:80/path?qu^ery#fragment",   // in the query
      "http://user:pass@host:80/path?query#frag^ment",   // in the fragment
      "^http://host/", "http://host/^", "/pa^th", "host^:80",
  };
  for (int control = 0; control < 0x20; ++control) {
    for (const auto& t : templates) {
      std::string input = t;
      input[input.find('^')] = static_cast<char>(control);
      check_rejected({input, "control character"});
    }
  }
  check_rejected({"http://h/a\r\nHost: evil", "control character 0x0D at offset 10"});
  check_rejected({std::string("http://h/\0x", 11), "0x00"});
}

TEST_CASE("parse rejects bad ports") {
  const std::vector<Rejection> cases = {
      {"http://h:99999/", "out of range"},
      {"http://h:65536/", "out of range"},
      {"http://h:-1/", "not a number"},
      {"http://h:8a/", "not a number"},
      {"http://h:+80/", "not a number"},
      {"http://h: 80/", "not a number"},
      {"http://h:80:81/", "not a number"},
      {"http://h:000080/", "more than five digits"},
      {"http://[::1]:x/", "not a number"},
      {"h:99999999999999999999", "out of range"},
      {"[::1]:8a", "not a number"},
      {"localhost:99999", "out of range"},
  };
  for (const auto& c : cases) check_rejected(c);
}

TEST_CASE("parse rejects invalid hosts") {
  const std::vector<Rejection> cases = {
      {"http://exa mple.com/", "space in host"},
      {"http:// example.com/", "space in host"},
      {"http://example.com /", "space in host"},
      {"exa mple.com", "space in host"},
      {"http://ex\"ample/", "invalid character '\"'"},
      {"http://ex<ample/", "invalid character '<'"},
      {"http://ex\\ample/", "invalid character '\\'"},
      {"http://ex%41mple/", "invalid character '%'"},
      {"http://ex\x7Fmple/", "invalid character"},
      {"http://b\xC3\xBC" "cher.de/", "non-ASCII host"},
      {"http://h]/", "unbalanced brackets"},
      {"http://h[/", "unbalanced brackets"},
      {"http://user:pass@secret@h]/", "in 'h]'"},
  };
  for (const auto& c : cases) check_rejected(c);
}

TEST_CASE("parse rejects malformed IPv6 literals") {
  const std::vector<Rejection> cases = {
      {"http://[::1/", "unbalanced brackets"},
      {"http://[::1", "unbalanced brackets"},
      {"http://::1]/", "unbalanced brackets"},
      {"http://[zz::1]/", "invalid IPv6 address"},
      {"http://[]/", "invalid IPv6 address"},
      {"http://[1]/", "invalid IPv6 address"},
      {"http://[:::]/", "invalid IPv6 address"},
      {"http://[1:::2]/", "invalid IPv6 address"},
      {"http://[1::2::3]/", "invalid IPv6 address"},
      {"http://[:1::2]/", "invalid IPv6 address"},
      {"http://[1::2:]/", "invalid IPv6 address"},
      {"http://[1:2:3:4:5:6:7:8:9]/", "invalid IPv6 address"},
      {"http://[1:2:3:4:5:6:7]/", "invalid IPv6 address"},
      {"http://[1:2:3:4:5:6:7:8::]/", "invalid IPv6 address"},
      {"http://[12345::]/", "invalid IPv6 address"},
      {"http://[::1.2.3]/", "invalid IPv6 address"},
      {"http://[::1.2.3.256]/", "invalid IPv6 address"},
      {"http://[::01.2.3.4]/", "invalid IPv6 address"},
      {"http://[1.2.3.4::]/", "invalid IPv6 address"},
      {"http://[1:2:3:4:5:6:7:1.2.3.4]/", "invalid IPv6 address"},
      {"http://[127.0.0.1]/", "invalid IPv6 address"},
      {"http://[v1.fe]/", "IPvFuture"},
      {"http://[::1]x/", "after IPv6 literal"},
      {"http://[::1]]/", "after IPv6 literal"},
      {"http://[fe80::1%]/", "empty IPv6 zone id"},
      {"http://[fe80::1%25e th]/", "zone id"},
      {"http://[fe80::1%25e/th]/", "unbalanced brackets"},
  };
  for (const auto& c : cases) check_rejected(c);
}

TEST_CASE("error details never carry the userinfo") {
  const auto url = parse("http://alice:s3cret@h:99999/");
  REQUIRE_FALSE(url);
  CHECK(url.error().detail.find("s3cret") == std::string::npos);
  CHECK_THAT(url.error().detail, Catch::Contains("h:99999"));
}
