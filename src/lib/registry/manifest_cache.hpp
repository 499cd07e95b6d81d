// Manifests fetched by digest, kept for every image checked through the same
// RegistryPool: a digest names exactly one byte string and the bytes were
// verified against it, so a later check of the same digest in the same
// repository needs no request. Tags are never cached (they move). Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "registry/registry_pool.hpp"

namespace imgtrust::registry {

class ManifestCache {
public:
    static constexpr std::size_t max_total_bytes = 64 * 1024 * 1024;

    // `repository` is "host[:port]/path"; `digest` the one the bytes were verified against.
    std::optional<FetchedManifest> find(const std::string& repository, const std::string& digest) const {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = entries_.find({repository, digest});
        if (found == entries_.end()) return std::nullopt;
        return found->second;
    }

    // Stores the manifest unless the cache is full (then it is simply not kept).
    void store(const std::string& repository, const std::string& digest, const FetchedManifest& manifest) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (total_bytes_ + manifest.bytes.size() > max_total_bytes) return;
        if (entries_.emplace(std::make_pair(repository, digest), manifest).second) total_bytes_ += manifest.bytes.size();
    }

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, FetchedManifest> entries_;
    std::size_t total_bytes_ = 0;
};

}  // namespace imgtrust::registry
