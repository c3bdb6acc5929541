// exchange::CookieHeader: the jar's part of the Cookie header is replaced on every attempt, the caller's
// own part is kept, and what a redirect stripped stays stripped.
#include <catch2/catch.hpp>

#include "core/exchange/cookie_store.hpp"

using hipp::Headers;
using hipp::exchange::CookieHeader;

TEST_CASE("CookieHeader: replaces the jar's cookies per attempt, keeps the caller's") {
  SECTION("no caller cookie") {
    Headers h{{"Host", "h.test"}};
    CookieHeader slot;
    slot.apply(h, "a=1");
    CHECK(h.get_all("Cookie") == std::vector<std::string_view>{"a=1"});
    slot.apply(h, "a=1; b=2");  // the next hop's jar answer replaces, never appends
    CHECK(h.get_all("Cookie") == std::vector<std::string_view>{"a=1; b=2"});
    slot.apply(h, "");
    CHECK_FALSE(h.contains("Cookie"));
    slot.apply(h, "c=3");
    CHECK(h.get("Cookie") == "c=3");
  }
  SECTION("the caller's cookie first, then the jar's") {
    Headers h{{"Cookie", "mine=1"}};
    CookieHeader slot;
    slot.apply(h, "a=1");
    CHECK(h.get("Cookie") == "mine=1; a=1");
    slot.apply(h, "b=2");
    CHECK(h.get("Cookie") == "mine=1; b=2");
    slot.apply(h, "");
    CHECK(h.get("Cookie") == "mine=1");
    slot.apply(h, "c=3");
    CHECK(h.get("Cookie") == "mine=1; c=3");
  }
  SECTION("a cross-origin redirect stripped Cookie: the caller's part is gone for good") {
    Headers h{{"Cookie", "mine=1"}};
    CookieHeader slot;
    slot.apply(h, "a=1");
    h.remove("Cookie");  // what policy::plan_redirect does on a cross-origin hop
    slot.apply(h, "other=2");
    CHECK(h.get("Cookie") == "other=2");
    slot.apply(h, "");
    CHECK_FALSE(h.contains("Cookie"));
  }
  SECTION("a hook's new Cookie counts as the caller's from then on") {
    Headers h;
    CookieHeader slot;
    slot.apply(h, "a=1");
    h.set("Cookie", "hooked=1");
    slot.apply(h, "a=1");
    CHECK(h.get("Cookie") == "hooked=1; a=1");
  }
  SECTION("several caller Cookie fields become one") {
    Headers h{{"Cookie", "x=1"}, {"Cookie", "y=2"}};
    CookieHeader slot;
    slot.apply(h, "a=1");
    CHECK(h.get_all("Cookie") == std::vector<std::string_view>{"x=1; y=2; a=1"});
  }
}
