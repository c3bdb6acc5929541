// The public suffix list from Debian's libpsl, for the cookie jar (core/cookies/public_suffix_list.hpp).
#pragma once

#include <memory>
#include <string_view>

#include "core/cookies/public_suffix_list.hpp"

namespace hipp {

// libpsl's built-in copy of the list (psl_builtin()), or, when the library was built without one, the
// system's list file (psl_latest(): /usr/share/publicsuffix). Wildcard-only rules ("*" for an unknown
// top-level domain) do not count, so "localhost" or "test" is not a suffix and a test server on such a
// name can still set Domain cookies for itself.
// Thread safety: is_public_suffix() may be called from any number of threads at once.
class LibpslSuffixList final : public cookies::PublicSuffixList {
 public:
  LibpslSuffixList();
  ~LibpslSuffixList() override;
  LibpslSuffixList(const LibpslSuffixList&) = delete;
  LibpslSuffixList& operator=(const LibpslSuffixList&) = delete;

  // Whether a list was found at all; without one every domain is "not a public suffix".
  bool loaded() const noexcept { return ctx_ != nullptr; }
  bool is_public_suffix(std::string_view domain) const override;

 private:
  const void* ctx_ = nullptr;  // psl_ctx_t, opaque so users of this header need no libpsl.h
  bool owned_ = false;         // psl_latest() contexts are freed, the built-in one is not
};

// One process-wide LibpslSuffixList, made on first use (thread-safe); what clients use by default.
std::shared_ptr<const cookies::PublicSuffixList> system_public_suffixes();

}  // namespace hipp
