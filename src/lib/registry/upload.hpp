// Registry writes (distribution-spec "Pushing blobs", "Mounting a blob from
// another repository", "Pushing Manifests"): blobs by the monolithic upload
// (POST /v2/<name>/blobs/uploads/, then PUT <Location>?digest=<digest>), a
// HEAD first to skip blobs the repository already has, a cross-repository
// mount when the caller knows another repository holding the blob, and
// manifests by PUT with their Content-Type. Requests go through the pool's
// RequestRunner (auth with the push scope, retries, TLS, certs.d) and every
// response body is bounded.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imgtrust/reference.hpp"
#include "registry/registry_pool.hpp"

namespace imgtrust::registry {

// What a registry answers to an upload or a manifest PUT is a short JSON
// error at most; a larger body is refused.
inline constexpr std::size_t max_push_response_bytes = 64 * 1024;
// Blobs and manifests imgtrust pushes are signatures, configs and bundles.
inline constexpr std::size_t max_pushed_blob_bytes = 4 * 1024 * 1024;

struct PushedManifest {
    std::string digest;
    bool subject_processed = false;  // the answer carried OCI-Subject
};

class RepositoryWriter {
public:
    virtual ~RepositoryWriter() = default;
    // HEAD /v2/<name>/blobs/<digest>: true for 200, false for 404. Throws FetchError otherwise.
    virtual bool has_blob(const std::string& digest) = 0;
    // Makes `bytes` (whose digest is `digest`) a blob of the repository: nothing when
    // HEAD finds it, else a mount from `mount_from` (a repository path on the same
    // registry) when given, else the monolithic upload. Throws FetchError (refused,
    // a Location off the registry, a digest the registry disputes).
    virtual void push_blob(const std::string& bytes, const std::string& digest,
                           const std::optional<std::string>& mount_from = std::nullopt) = 0;
    // PUT /v2/<name>/manifests/<tag_or_digest> with Content-Type `media_type`;
    // returns the manifest's sha256 digest (a Docker-Content-Digest the registry
    // sends must agree) and whether the registry answered with OCI-Subject
    // ("the registry MUST include the OCI-Subject header ... to indicate that
    // the subject was processed": a registry without the referrers API omits it,
    // and the client then updates the referrers tag itself). Throws FetchError.
    virtual PushedManifest put_manifest(const std::string& tag_or_digest, const std::string& bytes,
                                     const std::string& media_type) = 0;
};

std::unique_ptr<RepositoryWriter> make_repository_writer(RegistryPool::Impl& pool, const DockerReference& ref);

// The request path (with its query) of an upload session's Location header:
// "Location: <blob-location>" may be an absolute path or an http(s) URL; a URL
// must name `endpoint_host` (the client never sends credentials elsewhere).
// nullopt: empty, another host, user information, spaces or controls.
std::optional<std::string> upload_location_path(std::string_view location, std::string_view endpoint_host);

// `path_and_query` with "name=value" appended (value percent-encoded).
std::string with_query_parameter(const std::string& path_and_query, const std::string& name, const std::string& value);

}  // namespace imgtrust::registry
