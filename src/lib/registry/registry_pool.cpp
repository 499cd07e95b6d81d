#include "registry/registry_pool.hpp"

#include "config/certs_d.hpp"
#include "registry/pool_state.hpp"
#include "registry/repository_client.hpp"
#include "registry/upload.hpp"

namespace imgtrust::registry {
namespace {

SystemContext without_pool(const SystemContext& original) {
    SystemContext copy = original;
    copy.pool.reset();
    return copy;
}

// c/image talks to registry-1.docker.io for docker.io (certs.d still uses docker.io).
std::string endpoint_host_for(const std::string& reference_host) {
    return reference_host == "docker.io" ? "registry-1.docker.io" : reference_host;
}

}  // namespace

std::string token_cache_key(const AuthChallenge& challenge, const std::string& scope,
                            const std::optional<config::Credentials>& credentials) {
    auto parameter = [&](const char* name) {
        auto found = challenge.parameters.find(name);
        return found == challenge.parameters.end() ? std::string() : found->second;
    };
    return parameter("realm") + '\n' + parameter("service") + '\n' + scope + '\n' +
           (credentials ? credentials->username + '\n' + (credentials->identity_token.empty() ? "" : "oauth") : "");
}

RegistryPool::Impl::Impl(const SystemContext& original, RetryPolicy policy)
    : context(without_pool(original)), retry(policy) {
    if (context.debug_log) health.set_log(context.debug_log);
}

void RegistryPool::Impl::debug(const std::string& line) const {
    if (context.debug_log) context.debug_log(line);
}

HostState RegistryPool::Impl::host(const std::string& reference_host) {
    {
        std::lock_guard lock(mutex);
        auto found = hosts.find(reference_host);
        if (found != hosts.end()) return found->second;
    }
    const config::CertsDirectory certs = config::certs_for_host(context.cert_dir, reference_host);
    HostState state;
    state.endpoint_host = endpoint_host_for(reference_host);
    state.tls.verify = context.tls_verify;
    if (context.tls_details) state.tls.details = *context.tls_details;
    state.tls.ca_files = certs.ca_files;
    if (!certs.client_certificates.empty()) {
        // libcurl presents one client certificate; c/image offers Go all of them. Take the first by name.
        state.tls.client_certificate = certs.client_certificates.front().certificate_file;
        state.tls.client_key = certs.client_certificates.front().key_file;
    }
    if (!certs.ca_files.empty() || !certs.client_certificates.empty()) {
        debug("Using TLS material for " + reference_host + " from " + certs.directory + " (" +
              std::to_string(certs.ca_files.size()) + " CA file(s), " +
              std::to_string(certs.client_certificates.size()) + " client certificate(s))");
    }
    std::lock_guard lock(mutex);
    return hosts.emplace(reference_host, state).first->second;
}

void RegistryPool::Impl::remember_scheme(const std::string& reference_host, const std::string& scheme) {
    std::lock_guard lock(mutex);
    hosts[reference_host].scheme = scheme;
}

void RegistryPool::Impl::remember_challenge(const std::string& reference_host, const AuthChallenge& challenge) {
    std::lock_guard lock(mutex);
    hosts[reference_host].challenge = challenge;
}

void RegistryPool::Impl::remember_referrers_api_missing(const std::string& reference_host) {
    std::lock_guard lock(mutex);
    hosts[reference_host].referrers_api_missing = true;
}

std::optional<config::Credentials> RegistryPool::Impl::credentials_for(const std::string& repository_name,
                                                                     std::chrono::steady_clock::time_point deadline) {
    {
        std::lock_guard lock(mutex);
        auto found = credentials.find(repository_name);
        if (found != credentials.end()) return found->second.credentials;
    }
    config::CredentialLookup lookup = config::find_credentials(context, repository_name, deadline);
    if (lookup.credentials) {
        debug("Found credentials for " + repository_name + " in " + lookup.source);
    } else {
        debug("No credentials for " + repository_name + (lookup.source.empty() ? "" : " (" + lookup.source + ")") +
              ": anonymous access");
    }
    std::lock_guard lock(mutex);
    return credentials.emplace(repository_name, lookup).first->second.credentials;
}

std::optional<BearerToken> RegistryPool::Impl::cached_token(const std::string& key) {
    std::lock_guard lock(mutex);
    auto found = tokens.find(key);
    if (found == tokens.end()) return std::nullopt;
    if (std::chrono::system_clock::now() >= found->second.expires) {
        tokens.erase(found);
        return std::nullopt;
    }
    return found->second;
}

void RegistryPool::Impl::store_token(const std::string& key, const BearerToken& token) {
    std::lock_guard lock(mutex);
    tokens[key] = token;
    token_failures.erase(key);
}

std::optional<std::string> RegistryPool::Impl::recent_token_failure(const std::string& key) {
    std::lock_guard lock(mutex);
    auto found = token_failures.find(key);
    if (found == token_failures.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() >= found->second.until) {
        token_failures.erase(found);
        return std::nullopt;
    }
    return found->second.message;
}

void RegistryPool::Impl::remember_token_failure(const std::string& key, const std::string& message) {
    std::lock_guard lock(mutex);
    token_failures[key] = FailedTokenFetch{message, std::chrono::steady_clock::now() + failed_token_fetch_memory};
}

void RegistryPool::Impl::forget_token(const std::string& key) {
    std::lock_guard lock(mutex);
    tokens.erase(key);
}

std::shared_ptr<std::timed_mutex> RegistryPool::Impl::token_fetch_lock(const std::string& key) {
    std::lock_guard lock(mutex);
    auto& slot = token_fetches[key];
    if (!slot) slot = std::make_shared<std::timed_mutex>();
    return slot;
}

std::shared_ptr<std::timed_mutex> RegistryPool::Impl::scheme_probe_lock(const std::string& reference_host) {
    std::lock_guard lock(mutex);
    auto& slot = scheme_probes[reference_host];
    if (!slot) slot = std::make_shared<std::timed_mutex>();
    return slot;
}

RegistryPool::RegistryPool(const SystemContext& context, RetryPolicy retry)
    : impl_(std::make_unique<Impl>(context, retry)) {}

RegistryPool::~RegistryPool() = default;

std::unique_ptr<RepositoryClient> RegistryPool::repository(const DockerReference& ref) {
    return make_repository_client(*impl_, ref);
}

std::unique_ptr<RepositoryWriter> RegistryPool::writer(const DockerReference& ref) {
    return make_repository_writer(*impl_, ref);
}

HttpEngine& RegistryPool::engine() { return impl_->engine; }

ManifestCache& RegistryPool::manifest_cache() { return impl_->manifest_cache; }

const SystemContext& RegistryPool::context() const { return impl_->context; }

std::shared_ptr<RegistryPool> RegistryPool::for_context(const SystemContext& context) {
    if (context.pool) return context.pool;
    return std::make_shared<RegistryPool>(context);
}

}  // namespace imgtrust::registry
