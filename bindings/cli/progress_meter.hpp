// ProgressMeter — curl's progress meter for one transfer, as text for a terminal.
//
// The CLI feeds it the bytes moved (set_upload, set_download) and asks tick(elapsed) what to write to
// stderr; it never reads a clock or writes anything itself, so tests drive it with made-up times.
// Nothing is shown for a transfer shorter than kShowAfter (one second). After that the two header lines
// are written once, then one status line at most every kInterval, each starting with '\r' so it
// overwrites the last; finish() writes the final line and the newline. The columns are curl's:
//
//     % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
//                                    Dload  Upload   Total   Spent    Left  Speed
//   100 1024M  100 1024M    0     0   512M      0  0:00:02  0:00:02 --:--:--  520M
//
// Sizes and speeds are five characters wide (bytes, then k, M, G, T, P, E in powers of 1024); a size that is
// not known counts as 0 in the totals and leaves the time columns "--:--:--". "Total" and "Left" come
// from the average speed; "Current" is the speed over the last few seconds.
//
// Thread safety: none; one transfer's thread uses it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace hipp::cli {

class ProgressMeter {
 public:
  using Duration = std::chrono::steady_clock::duration;
  static constexpr Duration kShowAfter = std::chrono::seconds(1);
  static constexpr Duration kInterval = std::chrono::seconds(1);

  // Request body bytes written, and the body's size when known.
  void set_upload(std::uint64_t sent, std::optional<std::uint64_t> total) noexcept;
  // Response body bytes received, and the body's size when known (Content-Length).
  void set_download(std::uint64_t received, std::optional<std::uint64_t> total) noexcept;

  // What to write to the terminal now, `elapsed` after the transfer started: nothing before kShowAfter
  // or within kInterval of the last line; otherwise the header (the first time) and a status line.
  std::string tick(Duration elapsed);
  // The transfer is over (done or failed): the last status line and a newline if the meter is shown or
  // the transfer lasted kShowAfter, else nothing. Later calls return nothing.
  std::string finish(Duration elapsed);

  // Whether anything has been written (the CLI then ends the line before an error message).
  bool shown() const noexcept { return shown_; }

 private:
  std::string status_line(Duration elapsed);

  std::uint64_t uploaded_ = 0;
  std::optional<std::uint64_t> upload_total_{};
  std::uint64_t downloaded_ = 0;
  std::optional<std::uint64_t> download_total_{};
  bool shown_ = false;
  bool finished_ = false;
  Duration last_line_{};
  // One sample per status line, for the current speed: (elapsed, bytes moved either way).
  struct Sample {
    Duration at{};
    std::uint64_t bytes = 0;
  };
  std::array<Sample, 5> samples_{};
  std::size_t sample_count_ = 0;
};

// Five characters for a byte count or a speed: "  999", "99999", " 976k", "9999k", "97.6M", " 976M", ...
std::string format_size5(std::uint64_t bytes);
// Eight characters for a duration in whole seconds: " 0:00:07", "99:59:59", then " 4d 03h", and
// "--:--:--" for std::nullopt (not known).
std::string format_time8(std::optional<std::uint64_t> seconds);

}  // namespace hipp::cli
