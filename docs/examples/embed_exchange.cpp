// Driving a whole request lifecycle yourself: hipp::exchange::Exchange in your own loop.
// No network and no clock: this program plays the server and moves time itself. The server answers
// 503 with "Retry-After: 2" once, then 200; the exchange decides to wait and resend, and says why.
#include <hipp/hipp.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main() {
  using namespace hipp;
  auto url = url::parse("http://api.test/items");
  if (!url) return 1;
  exchange::Request request{"GET", *url, Headers{{"Host", "api.test"}}, {}, false};
  exchange::ExchangeOptions options;
  options.timeout = Timeout{.read = seconds(5)};

  TimePoint now(std::chrono::seconds(100));  // your clock, in any timeline
  exchange::Exchange ex(std::move(request), std::move(options),
                        policy::RetryState::from(Retry{.total = 3, .status_forcelist = {503}}), now);

  http1::Connection connection;  // one keep-alive connection; yours to own
  exchange::Http1Channel channel(connection);  // what the exchange drives (an HTTP/2 stream: Http2Channel)
  int answers = 0;
  for (;;) {
    const exchange::Action action = ex.next_action();
    if (std::holds_alternative<exchange::OpenConnection>(action)) {
      ex.on_connected(channel, answers > 0, now);  // connect however you like, then report
    } else if (std::holds_alternative<exchange::Send>(action)) {
      // Write these bytes to your socket, piece by piece until none are left (a body piece comes as its own).
      for (Bytes out = connection.pending_output(); !out.empty(); out = connection.pending_output()) {
        connection.consume_output(out.size());
      }
      ex.on_sent(now);
    } else if (std::holds_alternative<exchange::Receive>(action)) {
      // Your socket's bytes go into the machine; here, the scripted server's answer.
      const std::string reply = answers++ == 0
                                    ? "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n"
                                    : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      connection.receive(as_bytes(reply));
      ex.on_received(now);
    } else if (const auto* release = std::get_if<exchange::ReleaseConnection>(&action)) {
      if (release->reusable && connection.is_reusable()) (void)connection.start_next_cycle();
    } else if (const auto* wait = std::get_if<exchange::WaitUntil>(&action)) {
      now = wait->at;  // arm your timer; here time just jumps
      ex.on_timer(now);
    } else if (std::holds_alternative<exchange::Deliver>(action)) {
      exchange::FinalResponse response = ex.take_response();
      std::cout << response.head.status << " after " << response.attempts << " attempts\n";
      for (const auto& d : ex.decisions()) std::cout << "  decided: " << d.what << '\n';
      return response.head.status == 200 && response.attempts == 2 && now == TimePoint(std::chrono::seconds(102))
                 ? EXIT_SUCCESS
                 : EXIT_FAILURE;
    } else {
      std::cerr << std::get<exchange::Fail>(action).error.message() << '\n';
      return EXIT_FAILURE;
    }
  }
}
