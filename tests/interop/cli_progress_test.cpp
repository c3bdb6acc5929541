// The hipp binary's progress meter: on a terminal's stderr for transfers longer than a second, against a
// slow scripted server; silent with -s, when stderr is not a terminal, and when the body itself goes to
// the terminal.
#include <catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cli_run.hpp"
#include "tests/support/scripted_server.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
namespace step = hipp::test::step;
using hipp::test::ScriptedServer;

namespace {

constexpr std::size_t kPiece = 64 * 1024;
constexpr std::size_t kPieces = 8;  // 512 KiB in about 1.6 s

// Every connection: the head, then 64 KiB every 200 ms.
hipp::test::Script slow_download() {
  hipp::test::Script s{step::read_request(),
                       step::send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kPiece * kPieces) + "\r\n\r\n")};
  for (std::size_t i = 0; i < kPieces; ++i) {
    s.push_back(step::sleep(200ms));
    s.push_back(step::send(std::string(kPiece, 'd')));
  }
  return s;
}

// Every connection: nothing read for 1.5 s (the upload stalls once the socket buffers are full), then the
// whole request and a two-byte answer.
hipp::test::Script slow_reader() {
  return {step::sleep(1500ms), step::read_request(), step::send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")};
}

bool has_meter(const std::string& terminal) { return terminal.find("Dload  Upload   Total   Spent") != std::string::npos; }

}  // namespace

TEST_CASE("hipp shows curl's progress meter on a terminal for a slow download", "[cli][progress]") {
  ScriptedServer server([](std::size_t) { return slow_download(); });
  hipp::test::TempDir dir("hipp-cli-progress-");
  const std::string out = (dir.path() / "body").string();

  auto shown = hipp::test::run_cli_on_terminal(HIPP_CLI_PATH, {"-o", out, server.url("/slow")}, false);
  CHECK(shown.exit_code == 0);
  CHECK(has_meter(shown.out));
  // The final line: all 512 KiB of 512 KiB received.
  CHECK(shown.out.find("\r100  512k  100  512k    0     0") != std::string::npos);
  CHECK(hipp::test::read_file(out) == std::string(kPiece * kPieces, 'd'));

  auto silent = hipp::test::run_cli_on_terminal(HIPP_CLI_PATH, {"-s", "-o", out, server.url("/slow")}, false);
  CHECK(silent.exit_code == 0);
  CHECK(silent.out.empty());

  // The body on the terminal itself: no meter mixed into it (curl's rule).
  auto body_on_terminal = hipp::test::run_cli_on_terminal(HIPP_CLI_PATH, {server.url("/slow")}, true);
  CHECK(body_on_terminal.exit_code == 0);
  CHECK_FALSE(has_meter(body_on_terminal.out));
  CHECK(body_on_terminal.out.find(std::string(1000, 'd')) != std::string::npos);

  // stderr not a terminal.
  auto piped = hipp::test::run_cli(HIPP_CLI_PATH, "-o '" + out + "' '" + server.url("/slow") + "'");
  CHECK(piped.exit_code == 0);
  CHECK(piped.out.empty());
}

TEST_CASE("hipp's meter counts uploads: --data-binary @file and -F file parts", "[cli][progress]") {
  ScriptedServer server([](std::size_t) { return slow_reader(); });
  hipp::test::TempDir dir("hipp-cli-progress-");
  const std::string file = (dir.path() / "upload.bin").string();
  std::ofstream(file, std::ios::binary) << std::string(32 * 1024 * 1024, 'u');  // more than the socket buffers

  auto binary = hipp::test::run_cli_on_terminal(HIPP_CLI_PATH,
                                                {"--data-binary", "@" + file, "-o", "/dev/null", server.url("/up")}, false);
  CHECK(binary.exit_code == 0);
  CHECK(has_meter(binary.out));
  // 32 MiB sent of 32 MiB, the two-byte answer received.
  CHECK(binary.out.find("\r100 32.0M  100     2  100 32.0M") != std::string::npos);

  auto form = hipp::test::run_cli_on_terminal(HIPP_CLI_PATH, {"-F", "file=@" + file, "-o", "/dev/null", server.url("/up")},
                                              false);
  CHECK(form.exit_code == 0);
  CHECK(has_meter(form.out));
  CHECK(form.out.find("\r100 32.0M  100     2  100 32.0M") != std::string::npos);

  auto silent = hipp::test::run_cli_on_terminal(
      HIPP_CLI_PATH, {"-s", "-F", "file=@" + file, "-o", "/dev/null", server.url("/up")}, false);
  CHECK(silent.exit_code == 0);
  CHECK(silent.out.empty());

  auto piped = hipp::test::run_cli(HIPP_CLI_PATH, "-F 'file=@" + file + "' -o /dev/null '" + server.url("/up") + "'");
  CHECK(piped.exit_code == 0);
  CHECK(piped.out.empty());
  CHECK(server.errors().empty());
}
