// The shared state behind RegistryPool: per-host scheme, challenge and TLS
// settings, per-repository credentials, and the bearer-token cache. Every
// member function is thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/auth_file.hpp"
#include "imgtrust/system_context.hpp"
#include "registry/host_health.hpp"
#include "registry/http_engine.hpp"
#include "registry/manifest_cache.hpp"
#include "registry/protocol.hpp"
#include "registry/registry_pool.hpp"

namespace imgtrust::registry {

struct HostState {
    std::string endpoint_host;               // what URLs use: registry-1.docker.io for docker.io
    TlsSettings tls;
    std::optional<std::string> scheme;       // "https" or "http" once a request got an HTTP answer
    std::optional<AuthChallenge> challenge;  // the last supported challenge the host sent
    bool referrers_api_missing = false;      // the host answered a referrers request as lacking the API
};

// How long a failed token fetch is remembered: while it is, requests for the
// same token fail at once with its message instead of queueing for another
// fetch (64 jobs behind a dead auth server would otherwise each pay
// (retry_times + 1) x request_timeout in turn). A few seconds: long enough for
// every waiter of the failed fetch, short enough that a server back up is
// soon used again.
inline constexpr std::chrono::seconds failed_token_fetch_memory{5};

struct FailedTokenFetch {
    std::string message;
    std::chrono::steady_clock::time_point until;
};

struct RegistryPool::Impl {
    SystemContext context;  // a copy without `pool`, so the pool does not own itself
    RetryPolicy retry;
    HttpEngine engine;
    ManifestCache manifest_cache;
    HostHealth health;  // per-run circuit breaker, by reference host

    std::mutex mutex;
    std::map<std::string, HostState> hosts;                          // by reference host
    std::map<std::string, config::CredentialLookup> credentials;     // by repository name
    std::map<std::string, BearerToken> tokens;                       // by token_cache_key
    std::map<std::string, std::shared_ptr<std::timed_mutex>> token_fetches;  // one fetch per key at a time
    std::map<std::string, FailedTokenFetch> token_failures;                   // by token_cache_key
    std::map<std::string, std::shared_ptr<std::timed_mutex>> scheme_probes;  // one https-or-http probe per host at a time

    Impl(const SystemContext& original, RetryPolicy policy);

    void debug(const std::string& line) const;
    // Whether debug() prints anything: callers skip formatting per-request lines otherwise.
    bool debugging() const { return static_cast<bool>(context.debug_log); }
    // Reads certs.d on first use (ConfigError for an unpaired .cert/.key).
    HostState host(const std::string& reference_host);
    void remember_scheme(const std::string& reference_host, const std::string& scheme);
    void remember_challenge(const std::string& reference_host, const AuthChallenge& challenge);
    // For the rest of the run, referrers of images on this host come from the tag schema.
    void remember_referrers_api_missing(const std::string& reference_host);
    // Credentials for a repository name, looked up once (ConfigError for a bad auth file;
    // FetchError when a credential helper does not answer by `deadline`).
    std::optional<config::Credentials> credentials_for(const std::string& repository_name,
                                                       std::chrono::steady_clock::time_point deadline);

    std::optional<BearerToken> cached_token(const std::string& key);
    void store_token(const std::string& key, const BearerToken& token);
    void forget_token(const std::string& key);
    // The message of a fetch for key that failed less than failed_token_fetch_memory ago.
    std::optional<std::string> recent_token_failure(const std::string& key);
    void remember_token_failure(const std::string& key, const std::string& message);
    std::shared_ptr<std::timed_mutex> token_fetch_lock(const std::string& key);
    std::shared_ptr<std::timed_mutex> scheme_probe_lock(const std::string& reference_host);
};

// realm, service, scope and the user name: tokens never cross credentials.
std::string token_cache_key(const AuthChallenge& challenge, const std::string& scope,
                            const std::optional<config::Credentials>& credentials);

}  // namespace imgtrust::registry
