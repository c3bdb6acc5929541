#include <catch.hpp>

#include "core/body/fields.hpp"

using hipp::body::encode_fields_into_target;
using hipp::body::encode_form;
using hipp::body::Fields;
using hipp::body::urlencode;

TEST_CASE("urlencode: golden strings for tricky values") {
  CHECK(urlencode({}) == "");
  CHECK(urlencode({{"arg", "value"}}) == "arg=value");
  CHECK(urlencode({{"a", "1 2"}}) == "a=1+2");
  CHECK(urlencode({{"a", "x&y=z"}}) == "a=x%26y%3Dz");
  CHECK(urlencode({{"a+b", "1+1=2"}}) == "a%2Bb=1%2B1%3D2");
  CHECK(urlencode({{"pct", "100%"}}) == "pct=100%25");
  CHECK(urlencode({{"e", ""}, {"", "v"}, {"", ""}}) == "e=&=v&=");
  CHECK(urlencode({{"k", "1"}, {"k", "2"}, {"j", "3"}, {"k", "4"}}) == "k=1&k=2&j=3&k=4");
  CHECK(urlencode({{"caf\xC3\xA9", "\xE2\x82\xAC 5"}}) == "caf%C3%A9=%E2%82%AC+5");
  CHECK(urlencode({{"safe", "AZaz09-._~"}}) == "safe=AZaz09-._~");
  CHECK(urlencode({{"r", "*/?#[]@!$'(),;:\"<>\\^`{|}"}}) ==
        "r=%2A%2F%3F%23%5B%5D%40%21%24%27%28%29%2C%3B%3A%22%3C%3E%5C%5E%60%7B%7C%7D");
  CHECK(urlencode({{"ctl", std::string("\r\n\0\x7F\xFF", 5)}}) == "ctl=%0D%0A%00%7F%FF");
}

TEST_CASE("encode_form: the body of request_encode_body without multipart") {
  const auto body = encode_form({{"name", "J\xC3\xB6rg M"}, {"tags", "a&b"}, {"tags", ""}});
  CHECK(body.content_type == "application/x-www-form-urlencoded");
  CHECK(body.data == "name=J%C3%B6rg+M&tags=a%26b&tags=");
}

TEST_CASE("encode_fields_into_target: appends to the query") {
  const Fields fields{{"a", "1 2"}, {"b", "&"}};
  const auto check = [&](std::string_view target, std::string_view expected) {
    INFO("target: " << target);
    const auto out = encode_fields_into_target(target, fields);
    REQUIRE(out);
    CHECK(*out == expected);
  };
  check("http://httpbin.org/get", "http://httpbin.org/get?a=1+2&b=%26");
  check("http://h/get?x=1", "http://h/get?x=1&a=1+2&b=%26");
  check("http://h/get?", "http://h/get?a=1+2&b=%26");
  check("http://h/get?x=1&", "http://h/get?x=1&a=1+2&b=%26");
  check("http://h/get#frag", "http://h/get?a=1+2&b=%26#frag");
  check("http://h/get?x#frag?y", "http://h/get?x&a=1+2&b=%26#frag?y");
  check("http://h", "http://h?a=1+2&b=%26");
  check("/search", "/search?a=1+2&b=%26");
  check("/search?q=%E2%82%ac", "/search?q=%E2%82%ac&a=1+2&b=%26");

  const auto unchanged = encode_fields_into_target("/x?y", {});
  REQUIRE(unchanged);
  CHECK(*unchanged == "/x?y");
}

TEST_CASE("encode_fields_into_target: refuses what url::parse refuses") {
  for (std::string_view bad : {"http://h/\r\nX: y", "http://h:99999/", "http://[::1/"}) {
    const auto out = encode_fields_into_target(bad, {{"a", "b"}});
    REQUIRE_FALSE(out);
    CHECK(out.error().code == hipp::ErrorCode::invalid_url);
  }
}
