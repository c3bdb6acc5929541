// The hipp command line: curl's flags for what hipp can do, parsed into options.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace hipp::cli {

// One -F / --form argument, as curl reads it.
struct FormArg {
  std::string name;
  std::string value;                      // text, or for a file part its path
  bool is_file = false;                   // -F name=@path: a file part streamed from `value`
  std::optional<std::string> type{};      // ;type=
  std::optional<std::string> filename{};  // ;filename= (default: the path's last component)
};

struct CliOptions {
  // Fetched in order over one PoolManager, so a second URL on the same origin
  // reuses the first one's connection (as curl does).
  std::vector<std::string> urls;
  std::optional<std::string> method;                       // -X
  std::vector<std::string> headers;                        // -H "Name: value"
  std::optional<std::string> data;                         // -d / --data-binary / --json, already joined
  enum class DataKind { none, form, binary, json } data_kind = DataKind::none;
  std::optional<std::string> data_file;                    // --data-binary @file, streamed
  std::vector<FormArg> form;                               // -F / --form, in order (multipart/form-data)
  bool include_headers = false;                            // -i
  bool head = false;                                       // -I
  std::vector<std::string> outputs;                        // -o, paired with urls in order
  bool silent = false;                                     // -s: no progress meter, no error messages
  bool show_error = false;                                 // -S
  bool verbose = false;                                    // -v
  bool fail = false;                                       // -f / --fail
  std::optional<double> connect_timeout;                   // --connect-timeout seconds
  std::optional<double> max_time;                          // -m / --max-time seconds
  bool location = false;                                   // -L / --location: follow redirects
  int max_redirs = 50;                                     // --max-redirs (curl's default); -1 = unlimited
  int retry = 0;                                           // --retry: retries of transient failures
  std::optional<double> retry_delay;                       // --retry-delay seconds (0 = curl's backoff)
  std::optional<double> retry_max_time;                    // --retry-max-time seconds (0 = no limit)
  std::optional<std::string> user;                         // -u / --user "user:password"
  bool digest = false;                                     // --digest: -u is Digest, not Basic
  std::optional<std::string> oauth2_bearer;                // --oauth2-bearer TOKEN
  bool compressed = false;                                 // --compressed: Accept-Encoding, output decoded
  bool insecure = false;                                   // -k / --insecure: no certificate verification
  std::optional<std::string> cacert;                       // --cacert FILE: trust these CAs (PEM)
  std::optional<std::string> capath;                       // --capath DIR: trust the CAs in this directory
  std::optional<std::string> cert;                         // --cert FILE: client certificate (PEM)
  std::optional<std::string> key;                          // --key FILE: its private key (PEM)
  std::optional<std::string> pass;                         // --pass PHRASE: the key's password
  // -b / --cookie (repeatable): "name=value; n2=v2" (it holds '=') sent with each request to its own
  // origin, or a Netscape cookie file to load into the cookie jar (a missing file is ignored, as in curl).
  std::vector<std::string> cookies;
  std::optional<std::string> cookie_jar;                   // -c / --cookie-jar FILE: every cookie written at exit
  // --http1.1, --http2 (the default, as curl's: offered by ALPN on https), --http2-prior-knowledge (h2c).
  enum class HttpVersion { http1_1, http2, http2_prior_knowledge } http_version = HttpVersion::http2;
  std::optional<std::string> pinnedpubkey;                 // --pinnedpubkey sha256//B64[;sha256//B64...]
  bool help = false;
  bool version = false;
};

// Parses argv (without argv[0]). `read_file` loads "@file" arguments of -d and
// --json (the CLI's own I/O, injected for tests).
// Errors: invalid_state with a message naming the bad flag; body_source_failed for unreadable @files.
Result<CliOptions> parse_cli(const std::vector<std::string>& args,
                             Result<std::string> (*read_file)(const std::string& path));

// Splits a -b cookie string "name=value; n2=v2" into pairs; pieces without '=' or with an empty name are
// skipped, spaces around names and values trimmed.
std::vector<std::pair<std::string, std::string>> parse_cookie_string(std::string_view s);

// Whether a -b argument is a cookie string rather than a file name: curl's rule, it holds '='.
inline bool is_cookie_string(std::string_view arg) { return arg.find('=') != std::string_view::npos; }

// The --help text.
std::string usage();

}  // namespace hipp::cli
