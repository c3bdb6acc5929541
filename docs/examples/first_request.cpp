// The first request of the user guide: GET a URL given on the command line,
// print the status, a header and the body.
#include <hipp/hipp.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: first_request <url>\n";
    return 2;
  }
  try {
    hipp::PoolManager http({.timeout = {.connect = hipp::seconds(5), .read = hipp::seconds(10)}});
    hipp::Response r = http.request("GET", argv[1]);
    std::cout << r.status() << ' ' << r.reason() << '\n';
    if (auto type = r.headers().get("Content-Type")) std::cout << "Content-Type: " << *type << '\n';
    std::cout << r.data();
  } catch (const hipp::HTTPError& e) {
    std::cerr << "request failed: " << e.what() << '\n';
    return 1;
  }
}
