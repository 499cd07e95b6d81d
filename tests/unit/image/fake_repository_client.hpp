// A RepositoryClient over an in-memory registry, recording every call: for
// the docker:// ImageSource tests.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "registry/registry_pool.hpp"

namespace image_test {

using namespace imgtrust;

// What the fake registry holds, and every call the source made.
struct FakeRegistry {
    std::map<std::string, registry::FetchedManifest> manifests;  // by tag or digest
    std::map<std::string, std::string> blobs;                    // by digest
    std::map<std::string, std::vector<registry::ReferrersPage>> referrer_pages;  // by subject digest
    registry::ReferrersSource referrers_source = registry::ReferrersSource::api;
    std::vector<std::string> calls;  // "get_manifest X", "find_manifest X", "get_blob X", "list_referrers X"

    void put_manifest(const std::string& key, const std::string& bytes, std::string_view type) {
        manifests[key] = registry::FetchedManifest{bytes, std::string(type), sha256_digest(bytes)};
    }
    std::size_t count(const std::string& call) const { return static_cast<std::size_t>(std::count(calls.begin(), calls.end(), call)); }
};

class FakeRepositoryClient final : public registry::RepositoryClient {
public:
    explicit FakeRepositoryClient(std::shared_ptr<FakeRegistry> registry) : registry_(std::move(registry)) {}
    registry::FetchedManifest get_manifest(const std::string& key) override {
        registry_->calls.push_back("get_manifest " + key);
        const auto found = registry_->manifests.find(key);
        if (found == registry_->manifests.end()) throw NotFoundError("manifest unknown: " + key);
        return found->second;
    }
    std::optional<registry::FetchedManifest> find_manifest(const std::string& key) override {
        registry_->calls.push_back("find_manifest " + key);
        const auto found = registry_->manifests.find(key);
        if (found == registry_->manifests.end()) return std::nullopt;
        return found->second;
    }
    registry::ReferrersSource list_referrers(const std::string& digest, const std::string&,
                                             const std::function<bool(const registry::ReferrersPage&)>& on_page) override {
        registry_->calls.push_back("list_referrers " + digest);
        for (const auto& page : registry_->referrer_pages[digest])
            if (!on_page(page)) break;
        return registry_->referrers_source;
    }
    std::string get_blob(const std::string& digest, std::size_t) override {
        registry_->calls.push_back("get_blob " + digest);
        const auto found = registry_->blobs.find(digest);
        if (found == registry_->blobs.end()) throw NotFoundError("blob unknown: " + digest);
        return found->second;
    }

private:
    std::shared_ptr<FakeRegistry> registry_;
};

}  // namespace image_test
