#include <catch.hpp>

#include "bindings/cli/cli_options.hpp"
#include "bindings/cli/exit_code.hpp"

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
}
