#include "core/pool/connection_budget.hpp"

#include <algorithm>

namespace hipp::pool {

std::variant<ConnectionBudget::Granted, ConnectionBudget::Wait> ConnectionBudget::take() {
  if (!full()) {
    ++in_use_;
    return Granted{};
  }
  waiters_.push_back(next_ticket_);
  return Wait{next_ticket_++};
}

std::optional<ConnectionBudget::Ticket> ConnectionBudget::give_back() {
  if (in_use_ == 0) return std::nullopt;  // misuse: nothing was taken; never below zero
  if (!waiters_.empty() && (max_ == 0 || in_use_ <= max_)) {
    // The slot passes on, still taken: in_use_ does not change.
    const Ticket next = waiters_.front();
    waiters_.pop_front();
    return next;
  }
  --in_use_;
  return std::nullopt;
}

bool ConnectionBudget::is_waiting(Ticket ticket) const noexcept {
  return std::find(waiters_.begin(), waiters_.end(), ticket) != waiters_.end();
}

bool ConnectionBudget::cancel(Ticket ticket) {
  auto it = std::find(waiters_.begin(), waiters_.end(), ticket);
  if (it == waiters_.end()) return false;
  waiters_.erase(it);
  return true;
}

}  // namespace hipp::pool
