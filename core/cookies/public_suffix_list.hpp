// The public suffix list as the cookie jar asks it: an injected interface, because the list is data the
// world has (a file, a library's built-in copy) and the core reads no files.
#pragma once

#include <string_view>

namespace hipp::cookies {

// RFC 6265 §5.3 step 5: a cookie whose Domain attribute is a public suffix ("com", "co.uk") would reach
// every site under it, so the jar refuses it (unless the request host is that suffix itself).
//
// transports/api/libpsl_suffix_list.hpp implements it over libpsl's built-in list. Implementations must be
// safe to call from several threads at once if the jar using them is shared behind a lock per jar.
class PublicSuffixList {
 public:
  virtual ~PublicSuffixList() = default;
  // Whether `domain` (lower case, no leading or trailing dot, ASCII or punycode) is a public suffix.
  virtual bool is_public_suffix(std::string_view domain) const = 0;
};

}  // namespace hipp::cookies
