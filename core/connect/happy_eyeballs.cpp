#include "core/connect/happy_eyeballs.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace hipp::connect {

std::vector<Address> attempt_order(std::vector<Address> resolved, const HappyEyeballsOptions& options) {
  std::vector<Address> unique;
  unique.reserve(resolved.size());
  for (auto& a : resolved) {
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(std::move(a));
  }
  if (unique.empty()) return unique;

  const AddressFamily first = options.preferred_family.value_or(unique.front().family);
  std::vector<Address> preferred;
  std::vector<Address> other;
  for (auto& a : unique) (a.family == first ? preferred : other).push_back(std::move(a));

  // RFC 8305 §4: `count` of the preferred family, then alternate, one address of each family in turn.
  const std::size_t count = std::max<std::size_t>(options.first_address_family_count, 1);
  std::vector<Address> order;
  order.reserve(unique.size());
  std::size_t p = 0;
  std::size_t o = 0;
  while (p < preferred.size() && p < count) order.push_back(std::move(preferred[p++]));
  while (p < preferred.size() || o < other.size()) {
    if (o < other.size()) order.push_back(std::move(other[o++]));
    if (p < preferred.size()) order.push_back(std::move(preferred[p++]));
  }
  return order;
}

HappyEyeballs::HappyEyeballs(std::string host, std::uint16_t port, std::vector<Address> resolved,
                             HappyEyeballsOptions options)
    : host_(std::move(host)), port_(port), options_(options) {
  options_.attempt_delay = std::max(options_.attempt_delay, Duration::zero());
  for (auto& a : attempt_order(std::move(resolved), options_)) attempts_.push_back(Attempt{.address = std::move(a)});
}

ConnectStep HappyEyeballs::next_step(TimePoint now) {
  if (outcome_) return *outcome_;
  if (attempts_.empty()) {
    return finish(Failed{make_error(ErrorCode::connect_failed, prefix() + "no address for '" + host_ + "'"), {}});
  }
  // A report that came in before the deadline has already decided (on_attempt_connected); past it, nothing
  // more is started or waited for.
  if (now >= options_.deadline) {
    Error error = deadline_error();
    return finish(Failed{std::move(error), cancel_in_flight(now)});
  }
  // The first attempt, the next one after a failure (next_start_ was pulled to the failure), or the next
  // one once the delay since the previous start has passed (RFC 8305 §5).
  if (next_ < attempts_.size() && (in_flight_ == 0 || now >= next_start_)) {
    const std::size_t index = next_++;
    Attempt& a = attempts_[index];
    a.state = AttemptState::connecting;
    a.started = now;
    ++in_flight_;
    next_start_ = now + options_.attempt_delay;
    return StartAttempt{index, a.address};
  }
  if (in_flight_ == 0) return finish(Failed{all_failed_error(), {}});
  return WaitUntil{poll_timeout()};
}

Result<void> HappyEyeballs::on_attempt_connected(std::size_t index, TimePoint now) {
  auto a = reported(index);
  if (!a) return Unexpected{std::move(a).error()};
  if (*a == nullptr) return {};
  (*a)->state = AttemptState::connected;
  (*a)->finished = now;
  --in_flight_;
  finish(Connected{index, cancel_in_flight(now)});
  return {};
}

Result<void> HappyEyeballs::on_attempt_failed(std::size_t index, Error error, TimePoint now) {
  auto a = reported(index);
  if (!a) return Unexpected{std::move(a).error()};
  if (*a == nullptr) return {};
  (*a)->state = AttemptState::failed;
  (*a)->finished = now;
  (*a)->error = std::move(error);
  --in_flight_;
  if (!first_failed_) first_failed_ = index;
  last_failed_ = index;
  // RFC 8305 §5: a failure starts the next attempt at once rather than after the rest of the delay.
  next_start_ = earliest(next_start_, now);
  return {};
}

TimePoint HappyEyeballs::poll_timeout() const noexcept {
  if (outcome_) return TimePoint::never();
  const TimePoint next_attempt = next_ < attempts_.size() ? next_start_ : TimePoint::never();
  return earliest(next_attempt, options_.deadline);
}

Result<Attempt*> HappyEyeballs::reported(std::size_t index) {
  if (index >= attempts_.size()) {
    return fail(ErrorCode::invalid_state, "happy eyeballs: no attempt " + std::to_string(index));
  }
  Attempt& a = attempts_[index];
  switch (a.state) {
    case AttemptState::connecting:
      return &a;
    case AttemptState::cancelled:
      return static_cast<Attempt*>(nullptr);
    case AttemptState::pending:
      return fail(ErrorCode::invalid_state, "happy eyeballs: attempt " + std::to_string(index) + " was not started");
    case AttemptState::connected:
    case AttemptState::failed:
      break;
  }
  return fail(ErrorCode::invalid_state, "happy eyeballs: attempt " + std::to_string(index) + " was already reported");
}

std::vector<std::size_t> HappyEyeballs::cancel_in_flight(TimePoint now) {
  std::vector<std::size_t> cancelled;
  for (std::size_t i = 0; i < attempts_.size(); ++i) {
    if (attempts_[i].state != AttemptState::connecting) continue;
    attempts_[i].state = AttemptState::cancelled;
    attempts_[i].finished = now;
    cancelled.push_back(i);
  }
  in_flight_ = 0;
  return cancelled;
}

const ConnectStep& HappyEyeballs::finish(ConnectStep outcome) {
  outcome_ = std::move(outcome);
  return *outcome_;
}

std::string HappyEyeballs::prefix() const {
  return "failed to connect to " + host_ + " port " + std::to_string(port_) + ": ";
}

std::string HappyEyeballs::tried() const {
  std::string out;
  for (const Attempt& a : attempts_) {
    if (a.state == AttemptState::pending) continue;
    out += out.empty() ? " (tried " : ", ";
    out += a.address.to_string();
  }
  return out.empty() ? out : out + ")";
}

std::shared_ptr<const Error> HappyEyeballs::first_failure() const {
  if (!first_failed_) return nullptr;
  const Attempt& first = attempts_[*first_failed_];
  Error cause = *first.error;
  cause.detail = first.address.to_string() + ": " + cause.detail;
  return std::make_shared<const Error>(std::move(cause));
}

Error HappyEyeballs::all_failed_error() const {
  // Only reached with every attempt failed, so both indexes are set.
  const Error& last = *attempts_[*last_failed_].error;
  Error error = make_error(last.code, prefix() + last.detail + tried(), last.origin);
  if (first_failed_ != last_failed_) error.cause = first_failure();
  return error;
}

Error HappyEyeballs::deadline_error() const {
  Error error = make_error(ErrorCode::connect_timeout,
                           prefix() + "connect did not complete before the connect deadline" + tried());
  error.cause = first_failure();
  return error;
}

}  // namespace hipp::connect
