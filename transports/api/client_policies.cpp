#include "transports/api/client_policies.hpp"

#include <cstring>
#include <random>

namespace hipp {

namespace {

class SerializedFlow final : public auth::AuthFlow {
 public:
  SerializedFlow(std::unique_ptr<auth::AuthFlow> inner, std::mutex& lock) : inner_(std::move(inner)), lock_(lock) {}
  ~SerializedFlow() override {
    std::lock_guard guard(lock_);
    inner_.reset();
  }
  Result<void> on_request(auth::AuthRequest& request, const auth::RandomBytes& random) override {
    std::lock_guard guard(lock_);
    return inner_->on_request(request, random);
  }
  Result<bool> on_response(const auth::AuthResponse& response) override {
    std::lock_guard guard(lock_);
    return inner_->on_response(response);
  }

 private:
  std::unique_ptr<auth::AuthFlow> inner_;
  std::mutex& lock_;
};

}  // namespace

policy::RetryState make_retry_state(const Retries& retries) {
  struct Visitor {
    policy::RetryState operator()(bool enabled) const {
      return policy::RetryState::from(enabled ? Retry::standard() : Retry::disabled());
    }
    // Hip's Retry.from_int(n): n retries of any kind, redirects included.
    policy::RetryState operator()(int n) const { return policy::RetryState::from(Retry{.total = n}); }
    policy::RetryState operator()(const Retry& r) const { return policy::RetryState::from(r); }
    policy::RetryState operator()(const RetryPolicy& p) const { return policy::RetryState::from(p); }
  };
  return std::visit(Visitor{}, retries);
}

RetryTemplate::RetryTemplate(const Retries& retries) {
  if (const auto* policy = std::get_if<RetryPolicy>(&retries)) {
    hyper_ = *policy;
  } else if (const auto* retry = std::get_if<Retry>(&retries)) {
    hip_ = std::make_shared<const Retry>(*retry);
  } else if (const auto* n = std::get_if<int>(&retries)) {
    hip_ = std::make_shared<const Retry>(Retry{.total = *n});
  } else {
    hip_ = std::make_shared<const Retry>(std::get<bool>(retries) ? Retry::standard() : Retry::disabled());
  }
}

Retries with_redirects(Retries retries, std::optional<bool> follow, std::optional<int> max_redirects) {
  if (auto* policy = std::get_if<RetryPolicy>(&retries)) {
    if (follow) policy->follow_redirects = *follow;
    if (max_redirects) policy->max_redirects = *max_redirects;
  }
  return retries;
}

policy::RetryState RetryTemplate::start(std::optional<bool> follow) const {
  if (hip_) return policy::RetryState::from(hip_);
  if (!follow || *follow == hyper_->follow_redirects) return policy::RetryState::from(*hyper_);
  RetryPolicy policy = *hyper_;
  policy.follow_redirects = *follow;
  return policy::RetryState::from(policy);
}

auth::RandomBytes thread_random() {
  return [](std::span<std::byte> out) {
    thread_local std::mt19937_64 engine{[] {
      std::random_device device;
      std::seed_seq seed{device(), device(), device(), device()};
      return std::mt19937_64(seed);
    }()};
    std::size_t i = 0;
    while (i < out.size()) {
      const std::uint64_t word = engine();
      const std::size_t n = std::min(sizeof word, out.size() - i);
      std::memcpy(out.data() + i, &word, n);
      i += n;
    }
  };
}

Result<std::shared_ptr<SharedCircuitGate>> SharedCircuitGate::create(const CircuitBreakerOptions& options) {
  auto manager = policy::CircuitBreakerManager::create(options);
  if (!manager) return Unexpected{std::move(manager).error()};
  return std::make_shared<SharedCircuitGate>(std::move(*manager));
}

Result<void> SharedCircuitGate::allow(std::string_view origin, TimePoint now) {
  std::lock_guard guard(mutex_);
  return manager_.allow(origin, now);
}

void SharedCircuitGate::record(std::string_view origin, const Error* error, int status, TimePoint now) {
  std::lock_guard guard(mutex_);
  if (error != nullptr) {
    manager_.record(origin, *error, now);
  } else {
    manager_.record_status(origin, status, now);
  }
}

std::unique_ptr<auth::AuthFlow> serialized_flow(auth::Auth& auth, std::mutex& lock) {
  std::unique_ptr<auth::AuthFlow> inner;
  {
    std::lock_guard guard(lock);
    inner = auth.start_flow();
  }
  return std::make_unique<SerializedFlow>(std::move(inner), lock);
}

}  // namespace hipp
