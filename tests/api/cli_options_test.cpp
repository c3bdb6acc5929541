#include <catch.hpp>

#include <limits>
#include <optional>

#include "bindings/cli/cli_options.hpp"
#include "bindings/cli/exit_code.hpp"
#include "bindings/cli/transfer_policy.hpp"
#include "core/auth/basic_auth.hpp"
#include "core/auth/bearer_auth.hpp"
#include "core/auth/digest_auth.hpp"

using namespace hipp;
using hipp::cli::CliOptions;

namespace {
Result<std::string> fake_file(const std::string& path) {
  if (path == "form.txt") return std::string("a=1\r\nb=2\n");
  if (path == "data.json") return std::string("{\"k\":1}");
  return fail(ErrorCode::body_source_failed, "cannot read '" + path + "'");
}
Result<CliOptions> parse(std::vector<std::string> args) { return cli::parse_cli(args, fake_file); }
}  // namespace

TEST_CASE("curl's flags parse into options") {
  auto o = parse({"-X", "PUT", "-H", "X-A: 1", "-H", "X-B: 2", "-i", "-s", "-S", "-v", "--fail",
                  "--connect-timeout", "1.5", "-m", "10", "-o", "out.bin", "http://h/"});
  REQUIRE(o);
  CHECK(o->method == "PUT");
  CHECK(o->headers == std::vector<std::string>{"X-A: 1", "X-B: 2"});
  CHECK(o->include_headers);
  CHECK(o->silent);
  CHECK(o->show_error);
  CHECK(o->verbose);
  CHECK(o->fail);
  CHECK(o->connect_timeout == 1.5);
  CHECK(o->max_time == 10);
  CHECK(o->outputs == std::vector<std::string>{"out.bin"});
  CHECK(o->urls == std::vector<std::string>{"http://h/"});
}

TEST_CASE("-d joins with '&' and strips CR/LF from @files; --data-binary @file streams") {
  auto o = parse({"-d", "x=1", "-d", "@form.txt", "http://h/"});
  REQUIRE(o);
  CHECK(o->data == "x=1&a=1b=2");
  CHECK(o->data_kind == CliOptions::DataKind::form);

  auto b = parse({"--data-binary", "@big.iso", "http://h/"});
  REQUIRE(b);
  CHECK(b->data_file == "big.iso");
  CHECK_FALSE(b->data);

  auto raw = parse({"--data-raw", "@literal", "http://h/"});
  REQUIRE(raw);
  CHECK(raw->data == "@literal");
}

TEST_CASE("--json takes data or @file") {
  auto o = parse({"--json", "@data.json", "http://h/"});
  REQUIRE(o);
  CHECK(o->data == "{\"k\":1}");
  CHECK(o->data_kind == CliOptions::DataKind::json);
}

TEST_CASE("several URLs are fetched in order") {
  auto o = parse({"http://a/", "-o", "a.out", "http://b/"});
  REQUIRE(o);
  CHECK(o->urls == std::vector<std::string>{"http://a/", "http://b/"});
  CHECK(o->outputs == std::vector<std::string>{"a.out"});
}

TEST_CASE("bad command lines are refused with a message") {
  CHECK_FALSE(parse({}));
  CHECK_FALSE(parse({"--bogus", "http://h/"}));
  CHECK_FALSE(parse({"-H"}));
  CHECK_FALSE(parse({"-m", "soon", "http://h/"}));
  CHECK_FALSE(parse({"-m", "-1", "http://h/"}));
  CHECK_FALSE(parse({"--json", "{}", "-d", "a=1", "http://h/"}));
  auto missing = parse({"-d", "@missing.txt", "http://h/"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::body_source_failed);
}

TEST_CASE("errors map to curl's exit codes") {
  CHECK(cli::exit_code_for(ErrorCode::invalid_url) == 3);
  CHECK(cli::exit_code_for(ErrorCode::resolve_failed) == 6);
  CHECK(cli::exit_code_for(ErrorCode::connect_failed) == 7);
  CHECK(cli::exit_code_for(ErrorCode::incomplete_body) == 18);
  CHECK(cli::exit_code_for(ErrorCode::read_timeout) == 28);
  CHECK(cli::exit_code_for(ErrorCode::connect_timeout) == 28);
  CHECK(cli::exit_code_for(ErrorCode::connection_closed) == 52);
  CHECK(cli::exit_code_for(ErrorCode::invalid_chunk) == 56);
  CHECK(cli::exit_code_for(ErrorCode::conflicting_framing) == 8);
  CHECK(cli::exit_code_for(ErrorCode::max_retries) == 47);  // too many redirects, and redirect loops
  CHECK(cli::exit_code_for(ErrorCode::circuit_open) == 7);
  CHECK(cli::exit_code_for(ErrorCode::tls_failed) == 35);                 // CURLE_SSL_CONNECT_ERROR
  CHECK(cli::exit_code_for(ErrorCode::certificate_verify_failed) == 60);  // CURLE_PEER_FAILED_VERIFICATION
  CHECK(cli::exit_code_for(ErrorCode::public_key_mismatch) == 90);        // CURLE_SSL_PINNEDPUBKEYNOTMATCH
}

TEST_CASE("-L, --max-redirs and the --retry flags parse") {
  auto o = parse({"-L", "--max-redirs", "3", "--retry", "4", "--retry-delay", "0.5", "--retry-max-time", "20",
                  "http://h/"});
  REQUIRE(o);
  CHECK(o->location);
  CHECK(o->max_redirs == 3);
  CHECK(o->retry == 4);
  CHECK(o->retry_delay == 0.5);
  CHECK(o->retry_max_time == 20);
  auto defaults = parse({"http://h/"});
  REQUIRE(defaults);
  CHECK_FALSE(defaults->location);
  CHECK(defaults->max_redirs == 50);
  CHECK(defaults->retry == 0);
  CHECK(parse({"--max-redirs", "-1", "http://h/"})->max_redirs == -1);
  for (const auto& bad : std::vector<std::vector<std::string>>{{"--max-redirs", "-2", "http://h/"},
                                                               {"--retry", "-1", "http://h/"},
                                                               {"--retry", "two", "http://h/"},
                                                               {"--retry", "99999999999", "http://h/"},
                                                               {"--retry-delay", "x", "http://h/"},
                                                               {"--retry-max-time", "-3", "http://h/"},
                                                               {"--retry"}}) {
    CAPTURE(bad);
    auto r = parse(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find(bad[0]) != std::string::npos);
  }
}

TEST_CASE("without -L redirects are not followed and nothing is retried") {
  auto o = parse({"http://h/"});
  REQUIRE(o);
  const auto p = cli::retry_policy(*o);
  CHECK_FALSE(p.follow_redirects);
  CHECK(p.max_retries == 0);
}

TEST_CASE("-L follows up to --max-redirs, -1 is unlimited") {
  auto o = parse({"-L", "http://h/"});
  REQUIRE(o);
  CHECK(cli::retry_policy(*o).follow_redirects);
  CHECK(cli::retry_policy(*o).max_redirects == 50);
  o->max_redirs = 2;
  CHECK(cli::retry_policy(*o).max_redirects == 2);
  o->max_redirs = -1;
  CHECK(cli::retry_policy(*o).max_redirects == std::numeric_limits<int>::max());
}

TEST_CASE("--retry retries curl's transient set with curl's waits") {
  auto o = parse({"--retry", "5", "http://h/"});
  REQUIRE(o);
  const auto p = cli::retry_policy(*o);
  CHECK(p.max_retries == 5);
  for (int status : {408, 429, 500, 502, 503, 504}) {
    CAPTURE(status);
    CHECK(p.retries_status(status));
  }
  for (int status : {200, 301, 400, 404, 501, 505}) {
    CAPTURE(status);
    CHECK_FALSE(p.retries_status(status));
  }
  for (auto code : {ErrorCode::connect_timeout, ErrorCode::read_timeout, ErrorCode::connect_failed,
                    ErrorCode::resolve_failed}) {
    auto category = policy::retry_category(make_error(code));
    REQUIRE(category);
    CHECK(p.retries(*category));
  }
  CHECK(p.respect_retry_after);
  CHECK(p.retry_non_idempotent);
  // curl: 1 s, doubling, at most 10 minutes; never jittered.
  using std::chrono::seconds;
  CHECK(policy::backoff_delay(p.backoff_strategy, 0, {}, 0.9) == seconds(1));
  CHECK(policy::backoff_delay(p.backoff_strategy, 1, {}, 0.1) == seconds(2));
  CHECK(policy::backoff_delay(p.backoff_strategy, 3, {}, 0.5) == seconds(8));
  CHECK(policy::backoff_delay(p.backoff_strategy, 20, {}, 0.5) == seconds(600));
}

TEST_CASE("--retry-delay waits exactly that long before every retry and ignores Retry-After") {
  auto o = parse({"--retry", "3", "--retry-delay", "2", "http://h/"});
  REQUIRE(o);
  const auto p = cli::retry_policy(*o);
  for (int n : {0, 1, 2, 10}) {
    CAPTURE(n);
    CHECK(policy::backoff_delay(p.backoff_strategy, n, {}, 0.99) == std::chrono::seconds(2));
  }
  CHECK_FALSE(p.respect_retry_after);
  // curl: --retry-delay 0 means the default backoff.
  o->retry_delay = 0;
  CHECK(policy::backoff_delay(cli::retry_policy(*o).backoff_strategy, 1, {}, 0) == std::chrono::seconds(2));
}

TEST_CASE("--retry-max-time caps the retries whose waits start within it") {
  struct Row {
    int retry;
    std::optional<double> delay;
    std::optional<double> max_time;
    int expected;
  };
  // Default waits 1, 2, 4, 8: a retry starts at 1, 3, 7, 15 s after the first failure.
  for (const Row& row : std::vector<Row>{{5, std::nullopt, std::nullopt, 5},
                                         {5, std::nullopt, 0.0, 5},
                                         {5, std::nullopt, 0.5, 1},
                                         {5, std::nullopt, 3.0, 2},
                                         {5, std::nullopt, 3.5, 3},
                                         {2, std::nullopt, 100.0, 2},
                                         {10, 1.0, 2.5, 3},
                                         {10, 1.0, 3.0, 3},
                                         {0, 1.0, 3.0, 0}}) {
    CliOptions o;
    o.retry = row.retry;
    o.retry_delay = row.delay;
    o.retry_max_time = row.max_time;
    CAPTURE(row.retry, row.delay, row.max_time);
    CHECK(cli::retries_within_max_time(o) == row.expected);
    CHECK(cli::retry_policy(o).max_retries == row.expected);
  }
}

TEST_CASE("-u is Basic, with --digest Digest; --oauth2-bearer is Bearer") {
  auto none = parse({"http://h/"});
  REQUIRE(none);
  auto no_auth = cli::transfer_auth(*none);
  REQUIRE(no_auth);
  CHECK(*no_auth == nullptr);

  auto basic = parse({"-u", "user:pa:ss", "http://h/"});
  REQUIRE(basic);
  auto basic_auth = cli::transfer_auth(*basic);
  REQUIRE(basic_auth);
  CHECK(dynamic_cast<auth::BasicAuth*>(basic_auth->get()) != nullptr);

  auto digest = parse({"--digest", "-u", "user:passwd", "http://h/"});
  REQUIRE(digest);
  CHECK(digest->digest);
  auto digest_auth = cli::transfer_auth(*digest);
  REQUIRE(digest_auth);
  CHECK(dynamic_cast<auth::DigestAuth*>(digest_auth->get()) != nullptr);
  auto back_to_basic = parse({"--digest", "--basic", "-u", "u:p", "http://h/"});
  REQUIRE(back_to_basic);
  CHECK(dynamic_cast<auth::BasicAuth*>(cli::transfer_auth(*back_to_basic)->get()) != nullptr);

  auto bearer = parse({"-u", "u:p", "--oauth2-bearer", "abc.DEF-123", "http://h/"});
  REQUIRE(bearer);
  CHECK(bearer->oauth2_bearer == "abc.DEF-123");
  auto bearer_auth = cli::transfer_auth(*bearer);
  REQUIRE(bearer_auth);
  CHECK(dynamic_cast<auth::BearerAuth*>(bearer_auth->get()) != nullptr);

  auto bad = parse({"--oauth2-bearer", "has space", "http://h/"});
  REQUIRE(bad);
  auto refused = cli::transfer_auth(*bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_credentials);
}

TEST_CASE("retry wrappers map to 47 for redirects, else to their cause's exit code") {
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries,
                                      "too many redirects (max_redirects=2) with url: http://h/")) == 47);
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries,
                                      "max retries exceeded with url: http://h/ (too many redirects)")) == 47);
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries, "redirect loop: /a -> /b -> /a")) == 47);
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries, "max retries exceeded with url: http://h/",
                                      make_error(ErrorCode::connect_failed, "refused"))) == 7);
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries, "max retries exceeded with url: http://h/",
                                      make_error(ErrorCode::read_timeout, "read"))) == 28);
  CHECK(cli::exit_code_for(make_error(ErrorCode::retry_exhausted, "gave up after 2 retries",
                                      make_error(ErrorCode::connect_timeout, "slow"))) == 28);
  CHECK(cli::exit_code_for(make_error(ErrorCode::max_retries,
                                      "max retries exceeded with url: http://h/ (too many 503 error responses)")) ==
        22);
  CHECK(cli::exit_code_for(make_error(ErrorCode::connection_closed, "empty")) == 52);
}

TEST_CASE("TLS flags: -k, --cacert, --capath, --cert, --key, --pass") {
  auto o = parse({"-k", "--cacert", "/ca.pem", "--capath", "/certs", "-E", "/me.pem", "--key", "/me.key", "--pass",
                  "secret", "https://a/"});
  REQUIRE(o);
  CHECK(o->insecure);
  CHECK(o->cacert == "/ca.pem");
  CHECK(o->capath == "/certs");
  CHECK(o->cert == "/me.pem");
  CHECK(o->key == "/me.key");
  CHECK(o->pass == "secret");
  auto plain = parse({"https://a/"});
  REQUIRE(plain);
  CHECK_FALSE(plain->insecure);
  CHECK_FALSE(plain->cacert.has_value());
  CHECK_FALSE(parse({"--cacert"}));  // a flag without its value
  CHECK_FALSE(plain->pinnedpubkey.has_value());
}

TEST_CASE("--pinnedpubkey takes curl's sha256// list and refuses anything else") {
  const std::string pin = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  auto one = parse({"--pinnedpubkey", pin, "https://a/"});
  REQUIRE(one);
  CHECK(one->pinnedpubkey == pin);
  auto two = parse({"--pinnedpubkey", pin + ";" + pin, "https://a/"});
  REQUIRE(two);
  CHECK(two->pinnedpubkey == pin + ";" + pin);
  for (const std::string& bad : {std::string("sha256//short"), std::string("/path/to/key.pem"), pin + ";"}) {
    CAPTURE(bad);
    auto refused = parse({"--pinnedpubkey", bad, "https://a/"});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().detail.rfind("option --pinnedpubkey", 0) == 0);
  }
  CHECK_FALSE(parse({"--pinnedpubkey"}));
}

TEST_CASE("--compressed asks for and decodes compressed bodies; decode errors exit 61") {
  auto o = parse({"--compressed", "http://a/"});
  REQUIRE(o);
  CHECK(o->compressed);
  auto plain = parse({"http://a/"});
  REQUIRE(plain);
  CHECK_FALSE(plain->compressed);
  for (ErrorCode code : {ErrorCode::decode_failed, ErrorCode::unsupported_encoding, ErrorCode::too_many_encodings,
                         ErrorCode::decompression_bomb, ErrorCode::decode_window_too_large}) {
    CHECK(cli::exit_code_for(make_error(code, "x")) == 61);
  }
}
