// How to reach images: the settings skopeo calls the SystemContext (auth,
// TLS, registries.d, retries, timeouts) plus the shared registry connection
// pool and token cache. One SystemContext may serve many concurrent checks.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace imgtrust {

namespace registry {
class RegistryPool;  // src/lib/registry/registry_pool.hpp: HTTP engine + token cache + auth + TLS, shared
}
namespace config {
struct TlsDetails;  // src/lib/config/tls_details.hpp: containers-tls-details.yaml(5), parsed
}

struct SystemContext {
    // Auth (containers-auth.json(5)): --authfile, else REGISTRY_AUTH_FILE, else the default chain.
    std::optional<std::string> auth_file;
    std::optional<std::string> username;  // --creds USER[:PASS]
    std::optional<std::string> password;
    bool no_creds = false;                // --no-creds: anonymous access only

    // TLS (containers-certs.d(5)): --cert-dir replaces the certs.d lookup.
    std::optional<std::string> cert_dir;
    bool tls_verify = true;  // --tls-verify=false: plain HTTP allowed, certificates not checked
    // --tls-details: minimum TLS version, cipher suites and groups for every
    // registry and lookaside connection (config::load_tls_details_file); none: defaults.
    std::shared_ptr<const config::TlsDetails> tls_details;

    // Signature storage (containers-registries.d(5)).
    // --registries.d (that directory alone), else the drop-ins of the per-user,
    // /etc/containers and /usr/share/containers registries.d directories (c/image v5.40).
    std::optional<std::string> registries_d;
    // validate (hangar mode) reads sigstore attachments whatever registries.d says.
    bool force_sigstore_attachments = false;

    int retry_times = 3;                                   // --retry-times: retries on 429/5xx/transport errors
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // --timeout: per image
    std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};

    // Cancellation: once *cancel is true, requests in flight are aborted and no
    // new request or retry starts; they fail with FetchError ("cancelled").
    // The CLI sets it on SIGINT/SIGTERM. Shared by copies of the context.
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

    // --debug: one line per decision and request; never credentials or tokens.
    std::function<void(const std::string&)> debug_log;

    // Shared connection pool and token cache; created on first use when empty.
    std::shared_ptr<registry::RegistryPool> pool;
};

}  // namespace imgtrust
