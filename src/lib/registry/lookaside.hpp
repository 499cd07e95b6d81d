// Lookaside signature storage (c/image docs/signature-protocols.md): simple
// signatures of a docker:// image stored beside the registry, one file per
// signature at <base>/<repository path>@<algorithm>=<hex>/signature-N.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "registry/http_engine.hpp"

namespace imgtrust::registry {

// c/image's maxLookasideSignatures: signature-1 … signature-128 are read; when
// all of them exist the storage is assumed broken.
inline constexpr std::size_t max_lookaside_signatures = 128;
inline constexpr std::size_t max_lookaside_signature_bytes = 4 * 1024 * 1024;

// The URL of signature number `index` (1-based) of `manifest_digest`, for the
// repository path (without the domain, e.g. "library/busybox"): the base URL's
// path + "/" + repository + "@sha256=<hex>/signature-N", query kept.
// Throws FetchError for an invalid digest.
std::string lookaside_signature_url(const std::string& base_url, const std::string& repository_path,
                                    const std::string& manifest_digest, std::size_t index);

// The URL with the password of its userinfo replaced by "xxxxx" (Go's URL.Redacted), for logs and errors.
std::string redacted_url(const std::string& url);

class LookasideReader {
public:
    // `engine` serves http:// and https:// (nullptr: those schemes fail with
    // FetchError). No registry credentials are ever sent to a lookaside server.
    // `cancel` (SystemContext::cancel) aborts an HTTP read in flight when set.
    LookasideReader(HttpEngine* engine, TlsSettings tls, std::chrono::milliseconds timeout,
                    std::function<void(const std::string&)> debug_log,
                    std::shared_ptr<const std::atomic<bool>> cancel = nullptr);

    // Raw signature files signature-1, signature-2, … up to the first missing
    // one (ENOENT, HTTP 404). Each is at most 4 MiB. Other read failures, other
    // HTTP statuses, an unsupported scheme or 128 existing files throw FetchError.
    std::vector<std::string> read(const std::string& base_url, const std::string& repository_path,
                                  const std::string& manifest_digest) const;

private:
    // One file: its bytes, or nullopt when it does not exist.
    std::optional<std::string> read_one(const std::string& url) const;
    std::optional<std::string> read_file_url(const std::string& url) const;
    std::optional<std::string> read_http_url(const std::string& url) const;

    HttpEngine* engine_;
    TlsSettings tls_;
    std::chrono::milliseconds timeout_;
    std::function<void(const std::string&)> debug_log_;
    std::shared_ptr<const std::atomic<bool>> cancel_;
};

}  // namespace imgtrust::registry
