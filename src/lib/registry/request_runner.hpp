// Sends one logical registry request to completion: picks the scheme (https,
// or http after an https transport failure when TLS verification is off),
// authenticates from the host's remembered challenge, learns the challenge
// from a 401 (every WWW-Authenticate header considered) and resends once with
// fresh credentials, retries 429/5xx and transport errors with back-off, and
// keeps every wait inside the deadline, including the wait for a bearer token
// that another request is fetching.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "registry/pool_state.hpp"

namespace imgtrust::registry {

struct RegistryRequest {
    std::string method = "GET";
    std::string path;                  // "/v2/<name>/manifests/<ref>"
    std::vector<std::string> headers;  // without Authorization
    std::string body;                  // POST/PUT only (registry/upload.cpp)
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    bool follow_redirects = false;
    std::string what;                  // for messages: "reading manifest v1 in host/repo"
};

class RequestRunner {
public:
    // scope: the token scope asked for, "repository:<path>:pull" when empty; several
    // scopes are separated by spaces and sent as one scope parameter each
    // ("repository:<path>:pull,push repository:<other>:pull" for a cross-repository mount).
    RequestRunner(RegistryPool::Impl& pool, std::string reference_host, std::string repository_path,
                  std::chrono::steady_clock::time_point deadline, std::string scope = "");

    // The final response (any status but 401/429/5xx, which end in FetchError
    // once retries or re-authentication are exhausted). Throws FetchError.
    HttpResponse run(const RegistryRequest& request);

private:
    HttpResponse run_with_retries(const RegistryRequest& request, const std::optional<std::string>& authorization);
    HttpResponse exchange(const RegistryRequest& request, const std::optional<std::string>& authorization);
    HttpResponse send_once(const std::string& url, const RegistryRequest& request,
                           const std::optional<std::string>& authorization);
    // The Authorization value for the host's remembered challenge (nullopt: none);
    // token_key receives the token cache key when a bearer token is used.
    std::optional<std::string> authorization(std::string& token_key);
    // The cached token for key, or one fetched by this request or a concurrent one.
    // Throws FetchError: the fetch failed (now or within failed_token_fetch_memory),
    // or this request's deadline passed while another request was fetching.
    BearerToken bearer_token(const std::string& key, const AuthChallenge& challenge,
                             const std::optional<config::Credentials>& credentials);
    bool has_basic_credentials();
    BearerToken fetch_token(const AuthChallenge& challenge, const std::optional<config::Credentials>& credentials);
    std::chrono::milliseconds remaining() const;
    void wait(std::chrono::milliseconds delay, const std::string& why);
    // FetchError "<what>: cancelled" once SystemContext::cancel is set.
    void throw_if_cancelled(const std::string& what) const;
    HttpResponse attempt_at_host(const std::function<HttpResponse()>& attempt, const std::string& what);

    RegistryPool::Impl& pool_;
    std::string reference_host_;
    std::string repository_path_;
    std::string scope_;
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace imgtrust::registry
