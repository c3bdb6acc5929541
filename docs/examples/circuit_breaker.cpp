// A circuit breaker driven by a virtual clock: thirty seconds of recovery take no time at all.
#include "core/policy/circuit_breaker.hpp"

#include <iostream>

int main() {
  namespace policy = hipp::policy;
  auto breakers = policy::CircuitBreakerManager::create({.failure_threshold = 3}).value();
  const std::string key = policy::CircuitBreakerManager::key_for(hipp::url::parse("https://api.example/v1").value());
  const auto at = [](double s) { return hipp::TimePoint(hipp::seconds(s)); };

  for (int i = 0; i < 3; ++i) {  // three connect failures in a row
    if (!breakers.allow(key, at(i))) return 1;
    breakers.record(key, hipp::make_error(hipp::ErrorCode::connect_failed), at(i));
  }
  const auto refused = breakers.allow(key, at(10));
  if (refused) return 1;
  std::cout << refused.error().message() << '\n';  // circuit_open: ... retry in 22.0s

  // After recovery_timeout (30 s) one probe goes through; two good probes close the circuit.
  for (double t : {32.0, 33.0}) {
    if (!breakers.allow(key, at(t))) return 1;
    breakers.record_status(key, 200, at(t));
  }
  std::cout << key << " is " << policy::to_string(breakers.state(key, at(33))) << '\n';
  return breakers.state(key, at(33)) == policy::CircuitState::closed ? 0 : 1;
}
