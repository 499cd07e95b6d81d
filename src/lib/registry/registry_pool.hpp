// Everything registry access shares across images: the HTTP engine, the
// bearer-token cache, per-host auth challenges and credentials, TLS settings.
// Created once per SystemContext; thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/reference.hpp"
#include "imgtrust/system_context.hpp"
#include "registry/http_engine.hpp"

namespace imgtrust::registry {

struct FetchedManifest {
    std::string bytes;         // exactly as received (bounded 4 MiB)
    std::string media_type;    // Content-Type, or guessed from the bytes
    std::string digest;        // sha256 of bytes (checked against a digest reference / Docker-Content-Digest)
    bool supports_signature_extension = false;  // the response said X-Registry-Supports-Signatures: 1
};

// One page of a referrers listing: an OCI image index as received (bounded).
struct ReferrersPage {
    std::string bytes;
    std::string media_type;           // Content-Type (API) or the tag's manifest media type
    bool artifact_type_filtered = false;  // OCI-Filters-Applied lists artifactType (API only)
    bool from_tag_schema = false;         // the referrers tag's manifest, not an API answer
};

// Where a referrers listing came from: the OCI 1.1 referrers API, or (the
// registry lacks it) the referrers tag schema "<alg>-<hex>".
enum class ReferrersSource { api, tag_schema };

// A registry client for one repository ("host[:port]/path"), using the pool.
class RepositoryClient {
public:
    virtual ~RepositoryClient() = default;
    // GET /v2/<path>/manifests/<tag-or-digest> with the OCI and Docker v2 Accept list.
    // A digest reference is verified against the bytes. 404 → NotFoundError; schema1 → FetchError.
    virtual FetchedManifest get_manifest(const std::string& tag_or_digest) = 0;
    // Like get_manifest, but a missing manifest (404 / MANIFEST_UNKNOWN) is nullopt.
    virtual std::optional<FetchedManifest> find_manifest(const std::string& tag_or_digest) = 0;
    // GET /v2/<path>/blobs/<digest>, redirects followed, content verified against the digest.
    virtual std::string get_blob(const std::string& digest, std::size_t max_bytes) = 0;
    // The referrers of `digest` (registry/referrers.hpp): GET /v2/<path>/referrers/<digest>
    // (with ?artifactType=<artifact_type> unless empty), then each Link rel="next" page on
    // the same host and endpoint, at most max_referrers_pages. When the registry lacks the
    // API (404 and the other answers referrers_api_missing() names; remembered for the
    // host for the rest of the run), the referrers tag schema manifest is the one page,
    // and a missing tag means no page. on_page returns false to read no further page.
    // Throws FetchError (a page over the bounds, a link off the endpoint, other failures).
    virtual ReferrersSource list_referrers(const std::string& digest, const std::string& artifact_type,
                                           const std::function<bool(const ReferrersPage&)>& on_page) = 0;
    // The OpenShift signature API (registry/signature_extension.cpp): the body of
    // GET /extensions/v2/<path>/signatures/<digest>, bounded at 4 MiB; anything but
    // 200 is FetchError. A client without the extension has no signatures there.
    virtual std::string get_extension_signatures(const std::string& /*digest*/) { return R"({"signatures":[]})"; }
};

// Back-off between retries of one request (429, 5xx, transport errors): the
// delay starts at `initial_delay` and doubles, a Retry-After header replaces
// it, and no single wait exceeds `max_delay` (c/image: 2 s, doubling, 60 s).
struct RetryPolicy {
    std::chrono::milliseconds initial_delay{std::chrono::seconds(2)};
    std::chrono::milliseconds max_delay{std::chrono::seconds(60)};
};

class ManifestCache;     // registry/manifest_cache.hpp
class RepositoryWriter;  // registry/upload.hpp

class RegistryPool {
public:
    explicit RegistryPool(const SystemContext& context, RetryPolicy retry = {});
    ~RegistryPool();
    RegistryPool(const RegistryPool&) = delete;
    RegistryPool& operator=(const RegistryPool&) = delete;

    // A client for ref's repository (ref.domain / ref.path); cheap to create. Its
    // requests share one deadline, context().timeout from now (--timeout is per image).
    std::unique_ptr<RepositoryClient> repository(const DockerReference& ref);
    // A writer for ref's repository (registry/upload.hpp): blob uploads, mounts and
    // manifest PUTs with the push scope; its requests share one --timeout deadline too.
    std::unique_ptr<RepositoryWriter> writer(const DockerReference& ref);
    HttpEngine& engine();
    // Manifests already fetched by digest through this pool (shared by every image).
    ManifestCache& manifest_cache();
    const SystemContext& context() const;

    // context.pool when set, else a new pool for the context (the caller keeps it,
    // e.g. by storing it in its own SystemContext, to share it across images).
    static std::shared_ptr<RegistryPool> for_context(const SystemContext& context);

    struct Impl;  // internal: src/lib/registry/pool_state.hpp

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace imgtrust::registry
