// The CLI's progress meter (bindings/cli/progress_meter.hpp) on made-up times: when it shows, what its
// columns say, and the five- and eight-character fields.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "bindings/cli/progress_meter.hpp"

using hipp::cli::format_size5;
using hipp::cli::format_time8;
using hipp::cli::ProgressMeter;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string last_line(const std::string& text) {
  const auto cr = text.rfind('\r');
  std::string line = cr == std::string::npos ? text : text.substr(cr + 1);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace

TEST_CASE("progress meter: sizes in five characters, times in eight", "[api][cli][progress]") {
  CHECK(format_size5(0) == "    0");
  CHECK(format_size5(99999) == "99999");
  CHECK(format_size5(100000) == "  97k");  // 97.6 KiB
  CHECK(format_size5(10000 * 1024 - 1) == "9999k");
  CHECK(format_size5(10000 * 1024) == " 9.7M");
  CHECK(format_size5(100 * kMiB - 1) == "99.9M");
  CHECK(format_size5(1024 * kMiB) == "1024M");
  CHECK(format_size5(10000 * kMiB) == " 9.7G");
  CHECK(format_size5(5000ULL * 1024 * kMiB) == "5000G");
  CHECK(format_size5(20000ULL * 1024 * kMiB) == "19.5T");
  CHECK(format_size5(20000ULL * 1024 * 1024 * kMiB) == "19.5P");
  CHECK(format_size5(~0ULL) == "  15E");
  for (std::uint64_t v : {0ULL, 1ULL, 99999ULL, 123456789ULL, 1ULL << 40, 1ULL << 50, ~0ULL}) {
    CHECK(format_size5(v).size() == 5);
  }
  CHECK(format_time8(std::nullopt) == "--:--:--");
  CHECK(format_time8(7) == " 0:00:07");
  CHECK(format_time8(3 * 3600 + 25 * 60 + 9) == " 3:25:09");
  CHECK(format_time8(100 * 3600 - 1) == "99:59:59");
  CHECK(format_time8(5 * 86400 + 3 * 3600) == "  5d 03h");
  CHECK(format_time8(std::uint64_t{5000} * 86400).size() == 8);
}

TEST_CASE("progress meter: nothing for a transfer under a second", "[api][cli][progress]") {
  ProgressMeter m;
  m.set_download(1000, 5000);
  CHECK(m.tick(0ms).empty());
  CHECK(m.tick(999ms).empty());
  CHECK(m.finish(999ms).empty());
  CHECK_FALSE(m.shown());
  CHECK(m.tick(2s).empty());  // finished
}

TEST_CASE("progress meter: header once, then a line a second, and the final line", "[api][cli][progress]") {
  ProgressMeter m;
  m.set_download(10 * kMiB, 100 * kMiB);
  const std::string first = m.tick(1s);
  REQUIRE(m.shown());
  CHECK(first.rfind("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
                    "                                 Dload  Upload   Total   Spent    Left  Speed\n\r",
                    0) == 0);
  // 10 MiB of 100 after 1 s: 10 % done, 10 MiB/s, 10 s in all, 9 s left.
  CHECK(last_line(first) == " 10  100M   10 10.0M    0     0  10.0M      0  0:00:10  0:00:01  0:00:09 10.0M");

  m.set_download(20 * kMiB, 100 * kMiB);
  CHECK(m.tick(1500ms).empty());  // within a second of the last line
  m.set_download(30 * kMiB, 100 * kMiB);
  const std::string second = m.tick(2s);
  CHECK(second.find("Total") == std::string::npos);  // no second header
  CHECK(second.front() == '\r');
  // 30 MiB after 2 s: 15 MiB/s on average, 20 MiB/s in the last second.
  CHECK(last_line(second) == " 30  100M   30 30.0M    0     0  15.0M      0  0:00:06  0:00:02  0:00:04 20.0M");

  m.set_download(100 * kMiB, 100 * kMiB);
  const std::string end = m.finish(5s);
  CHECK(end.back() == '\n');
  CHECK(last_line(end) == "100  100M  100  100M    0     0  20.0M      0  0:00:05  0:00:05  0:00:00 22.5M");
  CHECK(m.finish(6s).empty());
}

TEST_CASE("progress meter: an upload, and sizes that are not known", "[api][cli][progress]") {
  SECTION("upload with a size, then a small response with none") {
    ProgressMeter m;
    m.set_upload(512 * kMiB, 1024 * kMiB);
    CHECK(last_line(m.tick(2s)) == " 50 1024M    0     0   50  512M      0   256M  0:00:04  0:00:02  0:00:02  256M");
  }
  SECTION("a chunked download: no total, no percentages, no time estimates") {
    ProgressMeter m;
    m.set_download(3 * kMiB, std::nullopt);
    CHECK(last_line(m.tick(3s)) == "  0     0    0 3072k    0     0  1024k      0 --:--:--  0:00:03 --:--:-- 1024k");
  }
  SECTION("a transfer that ends after a second without a tick still shows its final line") {
    ProgressMeter m;
    m.set_upload(100, 100);
    const std::string end = m.finish(1200ms);
    CHECK(end.find("Dload") != std::string::npos);
    CHECK(last_line(end).rfind("100   100    0     0  100   100", 0) == 0);
  }
}
