// The cookie glue of transports/api: libpsl's public suffix list, SharedCookieJar, and the CLI's -b/-c parsing.
#include <catch.hpp>

#include <thread>
#include <vector>

#include "bindings/cli/cli_options.hpp"
#include "core/cookies/netscape_file.hpp"
#include "transports/api/libpsl_suffix_list.hpp"
#include "transports/api/shared_cookie_jar.hpp"

using namespace hipp;

namespace {
constexpr std::int64_t kNow = 1'700'000'000;
url::Url u(std::string_view text) { return *url::parse(text); }
Result<std::string> no_file(const std::string& path) { return fail(ErrorCode::body_source_failed, path); }
}  // namespace

TEST_CASE("libpsl: the built-in list knows the public suffixes") {
  LibpslSuffixList psl;
  REQUIRE(psl.loaded());
  for (const char* suffix : {"com", "co.uk", "uk", "github.io", "kawasaki.jp", "x.kawasaki.jp"}) {
    INFO(suffix);
    CHECK(psl.is_public_suffix(suffix));
  }
  for (const char* name : {"example.com", "example.co.uk", "city.kawasaki.jp", "localhost", "test", ""}) {
    INFO(name);
    CHECK_FALSE(psl.is_public_suffix(name));  // "localhost": wildcard-only rules do not count
  }
}

TEST_CASE("libpsl: a jar with the system list refuses public-suffix domains") {
  SharedCookieJar jar;  // system_public_suffixes() by default
  for (const auto& [url, field] : {std::pair{"http://www.example.com/", "a=1; Domain=com"},
                                   std::pair{"http://shop.example.co.uk/", "a=1; Domain=co.uk"},
                                   std::pair{"http://me.github.io/", "a=1; Domain=github.io"}}) {
    INFO(field);
    auto r = jar.set_cookie(u(url), field, kNow);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_set_cookie);
  }
  CHECK(jar.size() == 0);
  CHECK(jar.set_cookie(u("http://shop.example.co.uk/"), "ok=1; Domain=example.co.uk", kNow));
  CHECK(jar.set_cookie(u("http://localhost:8080/"), "dev=1; Domain=localhost", kNow));
  CHECK(jar.cookie_header(u("http://www.example.co.uk/"), kNow) == "ok=1");
  CHECK(jar.cookie_header(u("http://localhost/"), kNow) == "dev=1");
}

TEST_CASE("SharedCookieJar: Netscape load and save, expired cookies left out") {
  SharedCookieJar jar;
  const std::string file =
      "# Netscape HTTP Cookie File\n"
      ".example.com\tTRUE\t/\tFALSE\t" +
      std::to_string(kNow + 3600) +
      "\tlive\t1\n"
      ".example.com\tTRUE\t/\tFALSE\t" +
      std::to_string(kNow - 1) +
      "\tdead\t1\n"
      "#HttpOnly_h.test\tFALSE\t/\tTRUE\t0\tsess\t2\n"
      "garbage\n";
  CHECK(jar.load_netscape(file, kNow) == 2);
  CHECK(jar.cookie_header(u("http://www.example.com/"), kNow) == "live=1");
  CHECK(jar.cookie_header(u("https://h.test/"), kNow) == "sess=2");
  const std::string saved = jar.save_netscape(kNow + 7200);  // "live" has expired by then
  auto back = cookies::read_netscape(saved);
  REQUIRE(back.cookies.size() == 1);
  CHECK(back.cookies[0].name == "sess");
  CHECK(back.cookies[0].http_only);
  CHECK(jar.cookies(kNow).size() == 2);
}

// cookie_header() skips the lock while the jar is empty: every kind of change must end that.
TEST_CASE("SharedCookieJar: answers after every kind of change, empty or not") {
  SharedCookieJar jar;
  const url::Url site = u("http://h.test/");
  CHECK(jar.cookie_header(site, kNow).empty());
  jar.store(site, Headers{{"Set-Cookie", "a=1"}}, kNow);
  CHECK(jar.cookie_header(site, kNow) == "a=1");
  const std::vector<cookies::Cookie> kept = jar.cookies();
  jar.clear();
  CHECK(jar.cookie_header(site, kNow).empty());
  REQUIRE(jar.insert(kept.at(0), kNow));
  CHECK(jar.cookie_header(site, kNow) == "a=1");
  jar.clear();
  REQUIRE(jar.set_cookie(site, "b=2; Max-Age=10", kNow));
  CHECK(jar.cookie_header(site, kNow) == "b=2");
  CHECK(jar.cookie_header(site, kNow + 20).empty());  // expired: dropped by the answer
  jar.store(site, Headers{{"Set-Cookie", "c=3"}}, kNow + 20);
  CHECK(jar.cookie_header(site, kNow + 20) == "c=3");
}

TEST_CASE("SharedCookieJar: many threads store and read at once") {
  SharedCookieJar jar;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&jar, t] {
      for (int i = 0; i < 200; ++i) {
        Headers h{{"Set-Cookie", "t" + std::to_string(t) + "_" + std::to_string(i % 20) + "=" + std::to_string(i)}};
        jar.store(u("http://h.test/"), h, kNow);
        (void)jar.cookie_header(u("http://h.test/"), kNow);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(jar.size() == 50);  // 80 distinct names, capped per domain
}

TEST_CASE("CLI: -b and -c") {
  auto o = cli::parse_cli({"-b", "a=1; b=2", "-b", "cookies.txt", "-c", "out.txt", "http://h/"}, no_file);
  REQUIRE(o);
  CHECK(o->cookies == std::vector<std::string>{"a=1; b=2", "cookies.txt"});
  CHECK(o->cookie_jar == "out.txt");
  auto long_form = cli::parse_cli({"--cookie", "x=y", "--cookie-jar", "-", "http://h/"}, no_file);
  REQUIRE(long_form);
  CHECK(long_form->cookies == std::vector<std::string>{"x=y"});
  CHECK(long_form->cookie_jar == "-");
  CHECK_FALSE(cli::parse_cli({"http://h/", "-b"}, no_file));

  CHECK(cli::is_cookie_string("a=1"));
  CHECK_FALSE(cli::is_cookie_string("cookies.txt"));
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(cli::parse_cookie_string("a=1; b = 2 ;c=;=skipped; noeq; d=x=y") ==
        Pairs{{"a", "1"}, {"b", "2"}, {"c", ""}, {"d", "x=y"}});
  CHECK(cli::parse_cookie_string("").empty());
}
