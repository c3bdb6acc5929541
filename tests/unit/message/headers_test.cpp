#include <catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/message/headers.hpp"
#include "core/message/method.hpp"
#include "core/message/status.hpp"

using hipp::Headers;

TEST_CASE("Headers look up names case-insensitively and keep the caller's spelling") {
  Headers h{{"Content-Type", "text/plain"}, {"X-Trace", "a"}, {"x-trace", "b"}};
  CHECK(h.get("content-type") == "text/plain");
  CHECK(h.contains("X-TRACE"));
  CHECK(h.get_all("X-Trace") == std::vector<std::string_view>{"a", "b"});
  CHECK(h.get_combined("x-trace") == "a, b");
  CHECK(h[0].name == "Content-Type");
  CHECK(h[2].name == "x-trace");
}

TEST_CASE("Headers::set replaces every same-named field in place of the first") {
  Headers h{{"A", "1"}, {"B", "2"}, {"a", "3"}};
  h.set("A", "9");
  REQUIRE(h.size() == 2);
  CHECK(h[0].name == "A");
  CHECK(h[0].value == "9");
  CHECK(h[1].name == "B");
}

TEST_CASE("Headers::remove, set_default and has_token") {
  Headers h{{"Connection", "keep-alive, Close"}, {"Host", "x"}};
  CHECK(h.has_token("connection", "close"));
  CHECK_FALSE(h.has_token("connection", "upgrade"));
  CHECK_FALSE(h.set_default("host", "y"));
  CHECK(h.get("Host") == "x");
  CHECK(h.set_default("Accept", "*/*"));
  CHECK(h.remove("HOST") == 1);
  CHECK_FALSE(h.contains("host"));
}

TEST_CASE("Headers equality ignores name case but not same-name value order") {
  CHECK(Headers{{"A", "1"}, {"B", "2"}} == Headers{{"b", "2"}, {"a", "1"}});
  CHECK_FALSE(Headers{{"A", "1"}, {"A", "2"}} == Headers{{"A", "2"}, {"A", "1"}});
}

TEST_CASE("validate_field refuses header injection") {
  CHECK(hipp::validate_field("X-Ok", "fine value"));
  CHECK(hipp::validate_field("X-Bad", "a\r\nInjected: 1").error().code == hipp::ErrorCode::invalid_header_value);
  CHECK(hipp::validate_field("X-Bad", std::string("a\0b", 3)).error().code == hipp::ErrorCode::invalid_header_value);
  CHECK(hipp::validate_field("Bad Name", "v").error().code == hipp::ErrorCode::invalid_header_name);
  CHECK(hipp::validate_field("", "v").error().code == hipp::ErrorCode::invalid_header_name);
}

TEST_CASE("Headers::validate is remembered until the next mutation", "[message][headers]") {
  const Headers good{{"Host", "h"}, {"X-A", "1"}, {"x-a", "2"}};
  CHECK_FALSE(Headers(good).validated());

  struct Row {
    const char* what;
    void (*mutate)(Headers&);
    bool still_validated;
  };
  const Row rows[] = {
      {"add", [](Headers& h) { h.add("X-B", "v"); }, false},
      {"set of a new name", [](Headers& h) { h.set("X-B", "v"); }, false},
      {"set of an existing name", [](Headers& h) { h.set("x-A", "v"); }, false},
      {"set_default that adds", [](Headers& h) { CHECK(h.set_default("X-B", "v")); }, false},
      {"extend", [](Headers& h) { h.extend(Headers{{"X-B", "v"}}); }, false},
      {"clear", [](Headers& h) { h.clear(); }, false},
      {"copy assignment from an unchecked one", [](Headers& h) { h = Headers{{"X", "a\r\nEvil: 1"}}; }, false},
      // Changes nothing, or only drops fields: whatever is left was checked.
      {"set_default that does not add", [](Headers& h) { CHECK_FALSE(h.set_default("host", "v")); }, true},
      {"remove", [](Headers& h) { CHECK(h.remove("X-A") == 2); }, true},
      {"reserve", [](Headers& h) { h.reserve(64); }, true},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Headers h = good;
    REQUIRE(h.validate());
    REQUIRE(h.validated());
    row.mutate(h);
    CHECK(h.validated() == row.still_validated);
  }
}

TEST_CASE("Headers::validate reports the first bad field and marks nothing", "[message][headers]") {
  Headers h{{"Host", "h"}, {"Bad Name", "v"}, {"X", "a\r\nEvil: 1"}};
  auto r = h.validate();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == hipp::ErrorCode::invalid_header_name);
  CHECK_FALSE(h.validated());
  CHECK(h.remove("Bad Name") == 1);
  CHECK(h.validate().error().code == hipp::ErrorCode::invalid_header_value);
  CHECK_FALSE(h.validated());
}

TEST_CASE("copies keep the validated mark, moved-from Headers are empty and unmarked", "[message][headers]") {
  Headers h{{"Host", "h"}, {"X-A", "1"}};
  REQUIRE(h.validate());
  Headers copy = h;
  CHECK(copy.validated());
  Headers assigned;
  assigned = h;
  CHECK(assigned.validated());

  Headers moved = std::move(h);
  CHECK(moved.validated());
  CHECK(moved.size() == 2);
  CHECK(h.empty());  // NOLINT(bugprone-use-after-move): the documented moved-from state
  CHECK_FALSE(h.validated());

  Headers target{{"X", "a\r\nEvil: 1"}};
  target = std::move(moved);
  CHECK(target.validated());
  CHECK(target.get("X-A") == "1");
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move)
  CHECK_FALSE(moved.validated());
}

// The definitions of RFC 9110 §5.6.2 and ASCII case, written out plainly, so
// the table-driven versions are checked against every byte value.
namespace {
bool reference_tchar(unsigned char c) {
  if (std::isalnum(c) && c < 0x80) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
unsigned char reference_lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }
}  // namespace

TEST_CASE("Headers storage: fields survive growth, self-references and the garbage set() leaves", "[message][headers]") {
  SECTION("many fields of every length keep their bytes across regrowth, copy and move") {
    Headers h;
    std::vector<std::pair<std::string, std::string>> expected;
    for (int i = 0; i < 300; ++i) {
      std::string name = "X-Field-" + std::to_string(i);
      std::string value(static_cast<std::size_t>(i % 37), static_cast<char>('a' + i % 26));
      h.add(name, value);
      expected.emplace_back(std::move(name), std::move(value));
    }
    const auto matches = [&](const Headers& got) {
      REQUIRE(got.size() == expected.size());
      std::size_t i = 0;
      for (const hipp::HeaderField f : got) {
        CHECK(f.name == expected[i].first);
        CHECK(f.value == expected[i].second);
        ++i;
      }
    };
    matches(h);
    const Headers copy = h;
    matches(copy);
    Headers moved = std::move(h);
    matches(moved);
    CHECK(h.empty());
    h = moved;  // a moved-from Headers takes new fields
    matches(h);
  }

  SECTION("arguments that view the Headers' own bytes are copied before the buffer moves") {
    Headers h{{"A", "first"}};
    for (int i = 0; i < 200; ++i) {
      const std::string_view own = *h.get("A");  // a view into h, kept across the growth add() may cause
      h.add("A", own);
    }
    for (const std::string_view v : h.get_all("A")) CHECK(v == "first");
    h.set("B", *h.get("A"));
    CHECK(h.get("B") == "first");
    const std::string_view name = h[0].name;  // set() with a name viewing the field it replaces
    h.set(name, "only");
    CHECK(h.get_all("a") == std::vector<std::string_view>{"only"});
    CHECK(h.size() == 2);
  }

  SECTION("set() over and over stays bounded: growth keeps only live fields") {
    Headers h{{"Keep", "k"}};
    for (int i = 0; i < 10000; ++i) h.set("Counter", std::string(100, static_cast<char>('0' + i % 10)));
    CHECK(h.size() == 2);
    CHECK(h.get("Keep") == "k");
    CHECK(h.get("Counter") == std::string(100, '9'));
  }

  SECTION("extend() with itself doubles the fields") {
    Headers h{{"A", "1"}, {"B", "2"}};
    h.extend(h);
    REQUIRE(h.size() == 4);
    CHECK(h[2].name == "A");
    CHECK(h[3].value == "2");
  }

  SECTION("clear() keeps nothing, empty names and values are fields too") {
    Headers h{{"A", "1"}};
    h.clear();
    CHECK(h.empty());
    CHECK_FALSE(h.contains("A"));
    h.add("", "");
    h.add("E", "");
    REQUIRE(h.size() == 2);
    CHECK(h[0].name.empty());
    CHECK(h.get("E") == "");
    const Headers copy = h;
    CHECK(copy == h);
  }

  SECTION("assign() keeps one copy of a block: fields at their spans, later additions after them") {
    std::string wire = "Server: nginx\r\nContent-Length:  100 \r\n";
    using Span = Headers::FieldSpan;
    const std::vector<Span> spans{{0, 6, 8, 5}, {15, 14, 32, 3}};
    Headers h{{"Old", "gone"}};
    h.assign(wire, spans);
    wire.assign(wire.size(), 'x');  // the Headers owns its copy
    REQUIRE(h.size() == 2);
    CHECK(h[0].name == "Server");
    CHECK(h[0].value == "nginx");
    CHECK(h.get("content-length") == "100");
    CHECK_FALSE(h.contains("Old"));
    CHECK_FALSE(h.validated());
    for (int i = 0; i < 100; ++i) h.add("X-" + std::to_string(i), "v");  // growth moves the spans' bytes along
    CHECK(h.get("Server") == "nginx");
    CHECK(h.get("Content-Length") == "100");
    const Headers copy = h;
    CHECK(copy == h);
    CHECK(copy[1].value == "100");
    // A block that views the Headers' own bytes.
    const std::string_view own(h[0].name.data(), 13);  // "Server" .. "nginx"
    h.assign(own, std::vector<Span>{{0, 6, 8, 5}});
    REQUIRE(h.size() == 1);
    CHECK(h.get("Server") == "nginx");
  }

  SECTION("iterators work with the standard algorithms") {
    const Headers h{{"A", "1"}, {"B", "2"}, {"C", "3"}};
    const auto it = std::find_if(h.begin(), h.end(), [](const hipp::HeaderField& f) { return f.name == "B"; });
    REQUIRE(it != h.end());
    CHECK(it->value == "2");
    CHECK(it - h.begin() == 1);
    CHECK(std::distance(h.begin(), h.end()) == 3);
    CHECK(std::ranges::count_if(h, [](hipp::HeaderField f) { return f.value != "2"; }) == 2);
  }
}

TEST_CASE("is_token, iequals and validate_field agree with their definitions on every byte") {
  for (int i = 0; i < 256; ++i) {
    const auto c = static_cast<unsigned char>(i);
    const std::string one(1, static_cast<char>(c));
    INFO("byte " << i);
    CHECK(hipp::is_token(one) == reference_tchar(c));
    CHECK(hipp::is_token("X-" + one + "y") == reference_tchar(c));
    const bool bad_value = c == '\r' || c == '\n' || c == '\0';
    CHECK(static_cast<bool>(hipp::validate_field("X", "a" + one + "b")) == !bad_value);
    for (int j = 0; j < 256; ++j) {
      const auto d = static_cast<unsigned char>(j);
      const std::string other(1, static_cast<char>(d));
      if (hipp::iequals("k" + one, "K" + other) != (reference_lower(c) == reference_lower(d))) {
        FAIL("iequals disagrees on bytes " << i << " and " << j);
      }
    }
  }
  CHECK(hipp::to_lower("Content-LENGTH\xC4") == "content-length\xC4");
  CHECK_FALSE(hipp::iequals("abc", "abcd"));
}

TEST_CASE("methods: tokens only, idempotency as RFC 9110 and Hip define it") {
  CHECK(hipp::method::validate("GET"));
  CHECK_FALSE(hipp::method::validate("GET /x HTTP/1.1\r\n"));
  CHECK_FALSE(hipp::method::validate(""));
  CHECK(hipp::method::is_idempotent("PUT"));
  CHECK_FALSE(hipp::method::is_idempotent("POST"));
  CHECK(hipp::method::encodes_fields_in_url("DELETE"));
  CHECK_FALSE(hipp::method::encodes_fields_in_url("PATCH"));
}

TEST_CASE("status reason phrases and classes") {
  CHECK(hipp::status::reason_phrase(404) == "Not Found");
  CHECK(hipp::status::reason_phrase(799).empty());
  CHECK(hipp::status::is_redirect(308));
  CHECK_FALSE(hipp::status::is_redirect(304));
}

// validate_field checks eight bytes at a time: a forbidden byte must be found
// at every offset of values of every length, and the allowed bytes below 0x0E
// (which make a word look suspicious) must still pass.
TEST_CASE("validate_field finds CR, LF and NUL at every offset", "[message][headers]") {
  for (std::size_t size = 1; size <= 40; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (char bad : {'\r', '\n', '\0'}) {
        std::string value(size, 'v');
        value[at] = bad;
        INFO("size " << size << ", byte " << int(bad) << " at " << at);
        REQUIRE(hipp::validate_field("X-A", value).error().code == hipp::ErrorCode::invalid_header_value);
      }
      for (char allowed : {'\t', '\x01', '\x0b', '\x0c', '\x0e', '\x7f', '\x80', '\xff'}) {
        std::string value(size, 'v');
        value[at] = allowed;
        INFO("size " << size << ", byte " << int(allowed) << " at " << at);
        REQUIRE(hipp::validate_field("X-A", value).has_value());
      }
    }
  }
}
