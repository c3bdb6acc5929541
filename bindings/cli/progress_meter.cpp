#include "bindings/cli/progress_meter.hpp"

#include <cinttypes>
#include <cstdio>

namespace hipp::cli {

namespace {

constexpr const char* kHeader =
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
    "                                 Dload  Upload   Total   Spent    Left  Speed\n";

double seconds_of(ProgressMeter::Duration d) { return std::chrono::duration<double>(d).count(); }

std::uint64_t percent(std::uint64_t done, std::optional<std::uint64_t> total) {
  if (!total) return 0;
  if (*total == 0 || done >= *total) return 100;
  return done * 100 / *total;
}

// A whole number of units, with one decimal while it has only one or two digits: "97.6M", " 976M".
std::string scaled(std::uint64_t bytes, std::uint64_t unit, char suffix) {
  char out[32];
  if (bytes < 100 * unit) {
    const std::uint64_t tenths = bytes * 10 / unit;
    std::snprintf(out, sizeof out, "%2" PRIu64 ".%" PRIu64 "%c", tenths / 10, tenths % 10, suffix);
  } else {
    std::snprintf(out, sizeof out, "%4" PRIu64 "%c", bytes / unit, suffix);
  }
  return out;
}

}  // namespace

std::string format_size5(std::uint64_t bytes) {
  constexpr std::uint64_t k = 1024, m = k * 1024, g = m * 1024, t = g * 1024, p = t * 1024, e = p * 1024;
  char out[32];
  if (bytes < 100000) {
    std::snprintf(out, sizeof out, "%5" PRIu64, bytes);
    return out;
  }
  if (bytes / k < 10000) {
    std::snprintf(out, sizeof out, "%4" PRIu64 "k", bytes / k);
    return out;
  }
  if (bytes / m < 10000) return scaled(bytes, m, 'M');
  if (bytes / g < 10000) return scaled(bytes, g, 'G');
  if (bytes / t < 10000) return scaled(bytes, t, 'T');
  if (bytes / p < 10000) return scaled(bytes, p, 'P');
  std::snprintf(out, sizeof out, "%4" PRIu64 "E", bytes / e);  // at most 15E in 64 bits
  return out;
}

std::string format_time8(std::optional<std::uint64_t> seconds) {
  if (!seconds) return "--:--:--";
  const std::uint64_t s = *seconds;
  char out[32];
  if (s < 100 * 3600) {
    std::snprintf(out, sizeof out, "%2" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
  } else if (s / 86400 < 1000) {
    std::snprintf(out, sizeof out, "%3" PRIu64 "d %02" PRIu64 "h", s / 86400, s / 3600 % 24);
  } else {
    std::snprintf(out, sizeof out, "%7" PRIu64 "d", s / 86400);
  }
  return out;
}

void ProgressMeter::set_upload(std::uint64_t sent, std::optional<std::uint64_t> total) noexcept {
  uploaded_ = sent;
  upload_total_ = total;
}

void ProgressMeter::set_download(std::uint64_t received, std::optional<std::uint64_t> total) noexcept {
  downloaded_ = received;
  download_total_ = total;
}

std::string ProgressMeter::tick(Duration elapsed) {
  if (finished_ || elapsed < kShowAfter) return {};
  if (shown_ && elapsed - last_line_ < kInterval) return {};
  std::string out = shown_ ? std::string() : std::string(kHeader);
  shown_ = true;
  out += status_line(elapsed);
  return out;
}

std::string ProgressMeter::finish(Duration elapsed) {
  if (finished_) return {};
  finished_ = true;
  if (!shown_ && elapsed < kShowAfter) return {};
  std::string out = shown_ ? std::string() : std::string(kHeader);
  shown_ = true;
  out += status_line(elapsed);
  out += '\n';
  return out;
}

std::string ProgressMeter::status_line(Duration elapsed) {
  last_line_ = elapsed;
  const std::uint64_t moved = uploaded_ + downloaded_;
  const double spent = seconds_of(elapsed);
  const auto per_second = [spent](std::uint64_t bytes) {
    return spent > 0 ? static_cast<std::uint64_t>(static_cast<double>(bytes) / spent) : 0;
  };

  // The current speed: bytes over the window the kept samples span (the average until there is one).
  if (sample_count_ == samples_.size()) {
    for (std::size_t i = 1; i < samples_.size(); ++i) samples_[i - 1] = samples_[i];
    --sample_count_;
  }
  samples_[sample_count_++] = Sample{elapsed, moved};
  std::uint64_t current = per_second(moved);
  if (sample_count_ > 1) {
    const Sample& oldest = samples_[0];
    const double window = seconds_of(elapsed - oldest.at);
    if (window > 0) current = static_cast<std::uint64_t>(static_cast<double>(moved - oldest.bytes) / window);
  }

  // The whole transfer's size is known when every direction that moves bytes has a size.
  const bool sizes_known = (upload_total_ || uploaded_ == 0) && (download_total_ || downloaded_ == 0);
  const std::uint64_t expected = upload_total_.value_or(0) + download_total_.value_or(0);
  std::optional<std::uint64_t> total_time;
  std::optional<std::uint64_t> time_left;
  if (sizes_known && expected > 0 && moved > 0) {
    const double average = static_cast<double>(moved) / spent;
    const auto estimate = static_cast<std::uint64_t>(static_cast<double>(expected) / average);
    total_time = estimate;
    const auto done = static_cast<std::uint64_t>(spent);
    time_left = estimate > done ? estimate - done : 0;
  }

  char out[160];
  std::snprintf(out, sizeof out, "\r%3" PRIu64 " %s  %3" PRIu64 " %s  %3" PRIu64 " %s  %s  %s %s %s %s %s",
                sizes_known && expected > 0 ? percent(moved, expected) : std::uint64_t{0}, format_size5(expected).c_str(),
                percent(downloaded_, download_total_), format_size5(downloaded_).c_str(),
                percent(uploaded_, upload_total_), format_size5(uploaded_).c_str(),
                format_size5(per_second(downloaded_)).c_str(), format_size5(per_second(uploaded_)).c_str(),
                format_time8(total_time).c_str(), format_time8(static_cast<std::uint64_t>(spent)).c_str(),
                format_time8(time_left).c_str(), format_size5(current).c_str());
  return out;
}

}  // namespace hipp::cli
