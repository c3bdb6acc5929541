// Streaming a large body to a file with preload_content = false, then reusing
// the connection for a second request.
#include <hipp/hipp.hpp>

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: streaming_download <url> <file>\n";
    return 2;
  }
  hipp::PoolManager http;
  try {
    auto r = http.request("GET", argv[1], {.preload_content = false});
    std::ofstream out(argv[2], std::ios::binary);
    for (const std::string& chunk : r.stream(256 * 1024)) out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::cout << r.bytes_read() << " bytes\n";
    // The body was read to its end, so the connection is back in the pool:
    auto again = http.request("HEAD", argv[1]);
    std::cout << "HEAD " << again.status() << '\n';
  } catch (const hipp::HTTPError& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}
