// ConnectionBudget: a cap on the connections a client holds across every origin (hyperhttp's
// max_connections), with the requests that wait for room served oldest first.
//
// Theory of operation. A slot is one connection, whatever its state (connecting, in use, idle, an
// HTTP/2 connection shared by many streams). Before opening a connection a request takes a slot:
// take() grants one at once when there is room and nobody waits, or answers a ticket to wait with.
// When a connection closes the transport gives its slot back; give_back() hands it straight to the
// oldest waiter, whose request then opens its connection, or frees it. A waiter that gives up (its pool
// deadline) cancels its ticket. Reusing an idle connection needs no slot: it already holds one, and the
// transport may close an idle connection of another origin to make room for a waiter (give_back()).
//
// Oldest first, and no overtaking: while anyone waits, take() queues even when a slot would be free, so a
// stream of new requests cannot starve an old one.
//
// Not thread-safe: the caller serialises calls. No call performs I/O or reads a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <variant>

namespace hipp::pool {

class ConnectionBudget {
 public:
  using Ticket = std::uint64_t;
  struct Granted {};
  struct Wait {
    Ticket ticket;
  };

  // `max_connections` of 0 means no cap.
  explicit ConnectionBudget(std::size_t max_connections) noexcept : max_(max_connections) {}

  // A slot for a new connection now, or a ticket to wait for one.
  std::variant<Granted, Wait> take();
  // A connection holding a slot closed (or failed to open). Returns the ticket the slot went to, or
  // nullopt when it was freed.
  std::optional<Ticket> give_back();
  // A waiter gives up. True: it was waiting and is forgotten. False: the ticket was already granted a
  // slot (or is unknown), so a granted waiter that gives up must give_back() the slot it holds.
  bool cancel(Ticket ticket);

  // Whether `ticket` is still waiting (false once granted, cancelled, or unknown).
  bool is_waiting(Ticket ticket) const noexcept;
  std::size_t in_use() const noexcept { return in_use_; }
  std::size_t waiting() const noexcept { return waiters_.size(); }
  // The ticket first in line; only while waiting() > 0.
  Ticket oldest_waiter() const noexcept { return waiters_.front(); }
  std::size_t max_connections() const noexcept { return max_; }
  // Whether a request that would reuse nothing has to wait (no room, or others waiting already).
  bool full() const noexcept { return !waiters_.empty() || (max_ != 0 && in_use_ >= max_); }

 private:
  std::size_t max_;
  std::size_t in_use_ = 0;
  std::deque<Ticket> waiters_;
  Ticket next_ticket_ = 1;
};

}  // namespace hipp::pool
