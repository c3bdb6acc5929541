// Following a redirect chain with the core's redirect policy: no socket, the "server" is a table.
// This is the decision core/exchange makes on every 3xx; an embedding without the exchange can make it
// the same way.
#include "core/policy/redirect.hpp"

#include <iostream>
#include <string>

int main() {
  namespace policy = hipp::policy;
  struct Hop {
    int status;
    const char* location;
  };
  // POST /login → 303 /home → 301 https://cdn.example/home (another origin) → 200.
  const Hop hops[] = {{303, "/home"}, {301, "https://cdn.example/home"}};

  policy::RedirectRequest current{.method = "POST",
                                  .url = hipp::url::parse("https://app.example/login").value(),
                                  .headers = hipp::Headers{{"Authorization", "Bearer t0k3n"},
                                                           {"Content-Type", "application/x-www-form-urlencoded"},
                                                           {"Content-Length", "9"}},
                                  .has_body = true,
                                  .body_rewindable = true};
  policy::RedirectChain chain(current);
  for (const Hop& hop : hops) {
    const auto plan = policy::plan_redirect(current, hop.status, hipp::Headers{{"Location", hop.location}},
                                            /*remove_headers_on_redirect=*/{"X-Api-Key"});
    if (!plan) {
      std::cerr << plan.error().message() << '\n';
      return 1;
    }
    if (!*plan) break;  // no Location: the 3xx is the response
    if (auto recorded = chain.record(**plan); !recorded) {
      std::cerr << recorded.error().message() << '\n';
      return 1;
    }
    std::cout << (*plan)->reason << '\n';
    current = policy::next_request(current, **plan);
  }
  std::cout << chain.describe() << '\n';
  // The last hop left the origin: no Authorization travels, and the body went away at the 303.
  return current.headers.contains("Authorization") || current.has_body || current.method != "GET";
}
