#include <catch.hpp>

#include <variant>

#include "core/pool/connection_budget.hpp"

using hipp::pool::ConnectionBudget;

namespace {
bool granted(const std::variant<ConnectionBudget::Granted, ConnectionBudget::Wait>& v) {
  return std::holds_alternative<ConnectionBudget::Granted>(v);
}
ConnectionBudget::Ticket ticket(const std::variant<ConnectionBudget::Granted, ConnectionBudget::Wait>& v) {
  return std::get<ConnectionBudget::Wait>(v).ticket;
}
}  // namespace

TEST_CASE("ConnectionBudget grants up to its cap, then queues", "[pool][budget]") {
  ConnectionBudget budget(2);
  CHECK(granted(budget.take()));
  CHECK(granted(budget.take()));
  CHECK(budget.full());
  auto first = budget.take();
  auto second = budget.take();
  REQUIRE_FALSE(granted(first));
  REQUIRE_FALSE(granted(second));
  CHECK(budget.waiting() == 2);
  CHECK(budget.in_use() == 2);

  SECTION("a freed slot goes to the oldest waiter, still taken") {
    CHECK(budget.give_back() == ticket(first));
    CHECK(budget.in_use() == 2);
    CHECK(budget.give_back() == ticket(second));
    CHECK(budget.waiting() == 0);
    CHECK(budget.give_back() == std::nullopt);
    CHECK(budget.in_use() == 1);
  }
  SECTION("a waiter that gives up leaves the queue; the next one is served") {
    CHECK(budget.cancel(ticket(first)));
    CHECK_FALSE(budget.cancel(ticket(first)));
    CHECK(budget.give_back() == ticket(second));
  }
  SECTION("nobody overtakes a waiter, even when a slot is free") {
    CHECK(budget.cancel(ticket(first)));
    CHECK(budget.cancel(ticket(second)));
    CHECK(budget.give_back() == std::nullopt);  // now 1 of 2 in use
    auto late = budget.take();
    CHECK(granted(late));
  }
}

TEST_CASE("ConnectionBudget with no cap never waits; give_back never goes below zero", "[pool][budget]") {
  ConnectionBudget budget(0);
  for (int i = 0; i < 1000; ++i) CHECK(granted(budget.take()));
  CHECK_FALSE(budget.full());
  CHECK(budget.in_use() == 1000);
  ConnectionBudget empty(1);
  CHECK(empty.give_back() == std::nullopt);
  CHECK(empty.in_use() == 0);
  CHECK(granted(empty.take()));
}

TEST_CASE("ConnectionBudget: a granted ticket cannot be cancelled; its holder gives the slot back", "[pool][budget]") {
  ConnectionBudget budget(1);
  REQUIRE(granted(budget.take()));
  auto waiter = budget.take();
  REQUIRE(budget.give_back() == ticket(waiter));
  CHECK_FALSE(budget.cancel(ticket(waiter)));  // already granted: the caller must give_back()
  CHECK(budget.give_back() == std::nullopt);
  CHECK(budget.in_use() == 0);
}
