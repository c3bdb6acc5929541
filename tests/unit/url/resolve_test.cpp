#include <catch.hpp>

#include <string>
#include <vector>

#include "core/url/url.hpp"

using hipp::url::parse;
using hipp::url::remove_dot_segments;
using hipp::url::resolve;

namespace {

struct Example {
  const char* reference;
  const char* target;
};

void check_examples(const std::vector<Example>& examples) {
  const auto base = parse("http://a/b/c/d;p?q");
  REQUIRE(base);
  REQUIRE(base->to_string() == "http://a/b/c/d;p?q");
  for (const auto& e : examples) {
    INFO("reference: \"" << e.reference << '"');
    const auto target = resolve(*base, e.reference);
    REQUIRE(target);
    CHECK(target->to_string() == e.target);
  }
}

}  // namespace

TEST_CASE("resolve: RFC 3986 §5.4.1 normal examples") {
  check_examples({
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  });
}

TEST_CASE("resolve: RFC 3986 §5.4.2 abnormal examples") {
  check_examples({
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      // Strict parsers (§5.2.2) keep a scheme equal to the base's.
      {"http:g", "http:g"},
  });
}

TEST_CASE("resolve: components of the target") {
  const auto base = parse("https://user:pw@Example.com:8443/a/b?x#frag");
  REQUIRE(base);
  SECTION("a relative reference keeps the base authority and drops its fragment") {
    const auto t = resolve(*base, "c?y");
    REQUIRE(t);
    CHECK(t->userinfo == "user:pw");
    CHECK(t->host == "example.com");
    CHECK(t->port == 8443);
    CHECK(t->path == "/a/c");
    CHECK(t->query == "y");
    CHECK_FALSE(t->fragment);
  }
  SECTION("an absolute reference is normalised like parse()") {
    const auto t = resolve(*base, "HTTP://Other.ORG:80/x/../y z?q r#f g");
    REQUIRE(t);
    CHECK(t->to_string() == "http://other.org:80/y%20z?q%20r#f%20g");
    CHECK_FALSE(t->userinfo);
  }
  SECTION("an empty base path is merged as '/'") {
    const auto root = parse("http://h");
    REQUIRE(root);
    CHECK(resolve(*root, "g")->to_string() == "http://h/g");
    CHECK(resolve(*root, "?q")->to_string() == "http://h?q");
  }
  SECTION("a base without authority merges at its last '/'") {
    const auto mail = parse("x:a/b");
    REQUIRE(mail);
    CHECK(resolve(*mail, "c")->to_string() == "x:a/c");
    const auto flat = parse("x:a");
    REQUIRE(flat);
    CHECK(resolve(*flat, "c")->to_string() == "x:c");
  }
  SECTION("a name that is no valid scheme stays in the path") {
    CHECK(resolve(*base, "1a:b")->path == "/a/1a:b");
  }
}

TEST_CASE("resolve: errors") {
  const auto base = parse("http://a/b");
  REQUIRE(base);
  const auto injected = resolve(*base, "/x\r\nSet-Cookie: a=b");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().code == hipp::ErrorCode::invalid_url);
  CHECK_FALSE(resolve(*base, "//h:99999/"));
  CHECK_FALSE(resolve(*base, "//[::1/"));
  CHECK_FALSE(resolve(*base, "https://exa mple/"));

  const auto relative_base = parse("/only/a/path");
  REQUIRE(relative_base);
  const auto no_scheme = resolve(*relative_base, "g");
  REQUIRE_FALSE(no_scheme);
  CHECK_THAT(no_scheme.error().detail, Catch::Contains("no scheme"));
}

TEST_CASE("remove_dot_segments: RFC 3986 §5.2.4 walk-throughs") {
  CHECK(remove_dot_segments("/a/b/c/./../../g") == "/a/g");
  CHECK(remove_dot_segments("mid/content=5/../6") == "mid/6");
  CHECK(remove_dot_segments("") == "");
  CHECK(remove_dot_segments("/") == "/");
  CHECK(remove_dot_segments(".") == "");
  CHECK(remove_dot_segments("..") == "");
  CHECK(remove_dot_segments("../a") == "a");
  CHECK(remove_dot_segments("/..") == "/");
  CHECK(remove_dot_segments("/.") == "/");
  CHECK(remove_dot_segments("/a/..") == "/");
  CHECK(remove_dot_segments("/a/.") == "/a/");
  CHECK(remove_dot_segments("/a//../b") == "/a/b");
  CHECK(remove_dot_segments("/.//x") == "//x");
  CHECK(remove_dot_segments("/a/%2E%2E/b") == "/a/%2E%2E/b");
}
