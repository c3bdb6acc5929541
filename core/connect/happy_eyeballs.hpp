// HappyEyeballs: which resolved address to try when, for one connection (RFC 8305), decided without I/O.
//
// Theory of operation. The transport resolves the host (the core does no DNS), builds the machine from the
// list as the resolver returned it, and then loops:
//
//   for (;;) switch (he.next_step(now)):
//     StartAttempt{i, address}  start a non-blocking connect to `address` now; call next_step again at once
//     WaitUntil{at}             wait until `at`, or until an attempt in flight completes, whichever is first;
//                               report a completion with on_attempt_connected / on_attempt_failed
//     Connected{i, cancel}      attempt i is the connection; close every attempt listed in `cancel`. Done.
//     Failed{error, cancel}     no connection: close every attempt in `cancel` and report `error`. Done.
//
// The rules (RFC 8305):
// - Order (§4). The resolver's list is taken as sorted by RFC 6724 (system resolvers do that) and interleaved
//   by family: `first_address_family_count` addresses of the preferred family, then one of the other, then
//   alternating; when a family runs out the rest of the other follows. Duplicates are tried once.
// - Stagger (§5). The first attempt starts at the first next_step. Each next attempt starts
//   `attempt_delay` after the previous one started while the earlier ones keep running, so a black-holed
//   IPv6 address costs the delay, not the whole connect timeout. A failed attempt starts the next one at
//   once instead of waiting out the delay; the delay then counts from that start.
// - End (§5). The first attempt to connect wins and every other attempt in flight is cancelled. When every
//   address has failed the machine fails with connect_failed; when `deadline` passes first, with
//   connect_timeout. Attempts not yet started are simply never started.
//
// Time comes in as `now` on every input; the machine never reads a clock. Once Connected or Failed,
// next_step returns the same step again. Reports about attempts that a Connected/Failed step cancelled are
// ignored (an async transport's cancelled connect may still complete, or fail with "aborted", afterwards).
//
// Not thread-safe: the caller serialises calls. No call performs I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/connect/address.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace hipp::connect {

struct HappyEyeballsOptions {
  // hyperhttp's happy_eyeballs_delay, RFC 8305's Connection Attempt Delay: how long an attempt runs alone
  // before the next address is tried beside it. Zero races every address at once; negative counts as zero.
  Duration attempt_delay = std::chrono::milliseconds(250);
  // RFC 8305's First Address Family Count: addresses of the preferred family tried before the first one of
  // the other family. Zero counts as one.
  std::size_t first_address_family_count = 1;
  // The family tried first. Unset: the family of the first resolved address (the resolver's order decides,
  // as RFC 8305 §4 has it). IPv6 by default, as hyperhttp ("set the delay high to effectively prefer IPv6").
  std::optional<AddressFamily> preferred_family = AddressFamily::v6;
  // The connect deadline (policy::RequestDeadlines::connect, shared by every address): at or past it the
  // machine fails with connect_timeout. never(): no limit of the machine's own.
  TimePoint deadline = TimePoint::never();
};

// next_step() answers.
struct StartAttempt {  // start connecting to `address` now; it is attempt `index` in later reports
  std::size_t index;
  Address address;
};
struct WaitUntil {  // nothing to start before `at` (the next attempt's start, or the deadline; never() when
  TimePoint at;     // neither): wait for it or for a report from an attempt in flight, then ask again
};
struct Connected {  // attempt `index` connected: use it, and close the attempts in `cancel`
  std::size_t index;
  std::vector<std::size_t> cancel;
};
struct Failed {  // no attempt connected: close the attempts in `cancel` (only after a deadline) and fail with
  Error error;   // `error` (see HappyEyeballs::next_step for its codes)
  std::vector<std::size_t> cancel;
};
using ConnectStep = std::variant<StartAttempt, WaitUntil, Connected, Failed>;

enum class AttemptState {
  pending,     // not started (and, once the machine is done, never will be)
  connecting,  // started, not reported yet
  connected,   // reported connected: the winner
  failed,      // reported failed
  cancelled,   // was connecting when another attempt won or the deadline passed
};

// One address in attempt order and what became of it.
struct Attempt {
  Address address;
  AttemptState state = AttemptState::pending;
  TimePoint started{};   // when StartAttempt was returned (meaningful unless pending)
  TimePoint finished{};  // when it was reported connected or failed, or cancelled
  std::optional<Error> error{};  // the reported failure (state failed)
};

// `resolved` in the order RFC 8305 §4 tries it under `options` (interleaved by family, duplicates dropped).
std::vector<Address> attempt_order(std::vector<Address> resolved, const HappyEyeballsOptions& options);

class HappyEyeballs {
 public:
  // `host` and `port` name the target in error messages ("failed to connect to example.com port 443: ...").
  // `resolved` is the resolver's list for them; it may be empty (the machine then fails at once).
  HappyEyeballs(std::string host, std::uint16_t port, std::vector<Address> resolved,
                HappyEyeballsOptions options = {});

  // What the transport does next at `now` (see the theory of operation). Failed's error:
  // - connect_failed "failed to connect to H port P: no address for 'H'" when `resolved` was empty;
  // - when every address failed: the last failure's code and origin, detail "failed to connect to H port P:
  //   <last failure's detail> (tried A1, A2, ...)", and, when more than one failed, `cause` = the first
  //   failure with its address in front of its detail ("[2001:db8::1]:443: Network is unreachable");
  // - connect_timeout "failed to connect to H port P: connect did not complete before the connect deadline
  //   (tried A1, ...)" when `deadline` passed first, `cause` = the first failure if any.
  ConnectStep next_step(TimePoint now);

  // Attempt `index` (of a StartAttempt) connected at `now`: it wins unless the machine is already done.
  // Errors: invalid_state when `index` was never started or was already reported. A report about an attempt
  // a Connected/Failed step cancelled is ignored (returns success).
  Result<void> on_attempt_connected(std::size_t index, TimePoint now);
  // Attempt `index` failed at `now` with `error` (its detail the reason alone, e.g. "Connection refused";
  // the machine adds the address). The next address then starts at the next next_step.
  // Errors and ignored reports as on_attempt_connected.
  Result<void> on_attempt_failed(std::size_t index, Error error, TimePoint now);

  // The addresses in attempt order, each with its state; indexes are those of StartAttempt.
  const std::vector<Attempt>& attempts() const noexcept { return attempts_; }
  // The next time next_step would answer differently without a report (what WaitUntil says); never() when
  // done.
  TimePoint poll_timeout() const noexcept;
  // Attempts started and not yet reported.
  std::size_t in_flight() const noexcept { return in_flight_; }
  // Whether next_step answers Connected or Failed from now on.
  bool is_done() const noexcept { return outcome_.has_value(); }

 private:
  // Looks up a reportable attempt. Returns null for an ignored (cancelled) one.
  Result<Attempt*> reported(std::size_t index);
  // Marks every attempt in flight cancelled at `now`; returns their indexes.
  std::vector<std::size_t> cancel_in_flight(TimePoint now);
  const ConnectStep& finish(ConnectStep outcome);
  std::string prefix() const;      // "failed to connect to H port P: "
  std::string tried() const;       // " (tried A1, A2)", or "" when none was started
  // The first reported failure, its address in front of its detail; null when none failed.
  std::shared_ptr<const Error> first_failure() const;
  Error all_failed_error() const;
  Error deadline_error() const;

  std::string host_;
  std::uint16_t port_;
  HappyEyeballsOptions options_;
  std::vector<Attempt> attempts_;
  std::size_t next_ = 0;       // the next attempt to start
  std::size_t in_flight_ = 0;
  TimePoint next_start_{};     // when attempts_[next_] may start (meaningful once one has started)
  std::optional<std::size_t> first_failed_{};
  std::optional<std::size_t> last_failed_{};
  std::optional<ConnectStep> outcome_{};
};

}  // namespace hipp::connect
