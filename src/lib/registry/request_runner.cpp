#include "registry/request_runner.hpp"

#include <algorithm>
#include <functional>
#include <thread>

#include "util/bytes.hpp"

namespace imgtrust::registry {
namespace {

std::string header(const HttpResponse& response, const std::string& name) {
    auto found = response.headers.find(name);
    return found == response.headers.end() ? "" : found->second;
}

std::string status_and_message(const HttpResponse& response) {
    std::string text = "HTTP status " + std::to_string(response.status);
    const std::string message = parse_registry_errors(response.body).message;
    return message.empty() ? text : text + ": " + message;
}

std::string parameter(const AuthChallenge& challenge, const std::string& name) {
    auto found = challenge.parameters.find(name);
    return found == challenge.parameters.end() ? "" : found->second;
}

// The URL without its query (the token request's query names the account).
std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace

RequestRunner::RequestRunner(RegistryPool::Impl& pool, std::string reference_host, std::string repository_path,
                             std::chrono::steady_clock::time_point deadline, std::string scope)
    : pool_(pool),
      reference_host_(std::move(reference_host)),
      repository_path_(std::move(repository_path)),
      scope_(scope.empty() ? "repository:" + repository_path_ + ":pull" : std::move(scope)),
      deadline_(deadline) {}

std::chrono::milliseconds RequestRunner::remaining() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
}

void RequestRunner::wait(std::chrono::milliseconds delay, const std::string& why) {
    if (delay >= remaining()) {
        throw FetchError(why + "; giving up: the next retry would pass the --timeout deadline");
    }
    pool_.debug(why + ": retrying in " + std::to_string(delay.count()) + " ms");
    // In slices, so that a cancellation (SIGINT in the CLI) ends the wait at once.
    const auto until = std::chrono::steady_clock::now() + delay;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
        throw_if_cancelled(why);
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
    }
    throw_if_cancelled(why);
}

void RequestRunner::throw_if_cancelled(const std::string& what) const {
    if (pool_.context.cancel && pool_.context.cancel->load()) throw FetchError(what + ": cancelled");
}

// One attempt at the registry host, through its circuit breaker: refused at
// once while the host is down (except for the one probe), and its outcome
// recorded: any HTTP answer marks the host reachable, a connection failure
// counts towards marking it down.
HttpResponse RequestRunner::attempt_at_host(const std::function<HttpResponse()>& attempt, const std::string& what) {
    throw_if_cancelled(what);
    std::string refusal;
    const auto admission = pool_.health.admit(reference_host_, &refusal);
    if (admission == HostHealth::Admission::refuse) throw FetchError(what + ": " + refusal);
    try {
        HttpResponse response = attempt();
        pool_.health.record_answer(reference_host_);
        return response;
    } catch (const TransportError& error) {
        if (error.connection_failure() || (admission == HostHealth::Admission::probe && !error.cancelled()))
            pool_.health.record_transport_failure(reference_host_, error.what());
        throw;
    } catch (...) {
        if (admission == HostHealth::Admission::probe) pool_.health.record_transport_failure(reference_host_, what);
        throw;
    }
}

// Retries transport errors, 429 and 5xx up to --retry-times, honouring Retry-After.
static HttpResponse retrying(RegistryPool::Impl& pool, const std::function<HttpResponse()>& attempt,
                             const std::string& what, const std::function<void(std::chrono::milliseconds, const std::string&)>& wait) {
    auto delay = pool.retry.initial_delay;
    for (int attempt_number = 0;; ++attempt_number) {
        const bool can_retry = attempt_number < pool.context.retry_times;
        HttpResponse response;
        try {
            response = attempt();
        } catch (const TransportError& error) {
            if (!error.retryable() || !can_retry) throw FetchError(what + ": " + error.what());
            wait(delay, what + ": " + error.what());
            delay = std::min(delay * 2, pool.retry.max_delay);
            continue;
        }
        if (response.status != 429 && response.status < 500) return response;
        if (!can_retry) {
            throw FetchError(what + ": " + status_and_message(response) + " (after " + std::to_string(attempt_number + 1) +
                             " attempt" + (attempt_number == 0 ? "" : "s") + ")");
        }
        const auto after = parse_retry_after(header(response, "retry-after"), std::chrono::system_clock::now());
        wait(std::min(after.value_or(delay), pool.retry.max_delay), what + ": HTTP status " + std::to_string(response.status));
        delay = std::min(delay * 2, pool.retry.max_delay);
    }
}

HttpResponse RequestRunner::run(const RegistryRequest& request) {
    std::string token_key;
    auto authorization_value = authorization(token_key);
    for (int round = 0;; ++round) {
        HttpResponse response = run_with_retries(request, authorization_value);
        if (response.status != 401) return response;
        const auto challenge = choose_challenge(parse_www_authenticate_headers(response.authenticate_headers),
                                                has_basic_credentials());
        const std::string message = parse_registry_errors(response.body).message;
        const std::string failure = request.what + ": authentication required" + (message.empty() ? "" : " (" + message + ")");
        if (round > 0 || !challenge) throw FetchError(failure);
        if (!token_key.empty()) pool_.forget_token(token_key);
        pool_.remember_challenge(reference_host_, *challenge);
        pool_.debug(reference_host_ + " asks for " + challenge->scheme + " authentication");
        authorization_value = authorization(token_key);
        if (challenge->scheme == "basic" && !authorization_value) throw FetchError(failure + ": no credentials for " + reference_host_);
    }
}

HttpResponse RequestRunner::run_with_retries(const RegistryRequest& request, const std::optional<std::string>& authorization) {
    return retrying(pool_, [&] { return attempt_at_host([&] { return exchange(request, authorization); }, request.what); },
                    request.what,
                    [this](std::chrono::milliseconds delay, const std::string& why) { wait(delay, why); });
}

HttpResponse RequestRunner::exchange(const RegistryRequest& request, const std::optional<std::string>& authorization) {
    HostState host = pool_.host(reference_host_);
    const std::string tail = "://" + host.endpoint_host + request.path;
    if (host.scheme) return send_once(*host.scheme + tail, request, authorization);
    // One request per host finds the scheme; concurrent ones wait for its answer
    // instead of each probing https (and paying a TLS attempt) at the same time.
    const auto probe_lock = pool_.scheme_probe_lock(reference_host_);
    std::unique_lock probing(*probe_lock, std::defer_lock);
    if (!probing.try_lock_for(remaining())) throw FetchError(request.what + ": timed out (--timeout)");
    host = pool_.host(reference_host_);
    if (host.scheme) {
        probing.unlock();
        return send_once(*host.scheme + tail, request, authorization);
    }
    try {
        HttpResponse response = send_once("https" + tail, request, authorization);
        pool_.remember_scheme(reference_host_, "https");
        return response;
    } catch (const TransportError& error) {
        // c/image pings https, then http when TLS verification is off; we do it on the first real request.
        if (host.tls.verify || !error.retryable()) throw;
        pool_.debug("https failed for " + host.endpoint_host + " (" + error.what() + "), trying http");
    }
    HttpResponse response = send_once("http" + tail, request, authorization);
    pool_.remember_scheme(reference_host_, "http");
    return response;
}

HttpResponse RequestRunner::send_once(const std::string& url, const RegistryRequest& request,
                                      const std::optional<std::string>& authorization) {
    const auto left = remaining();
    if (left.count() <= 0) throw FetchError(request.what + ": timed out (--timeout)");
    HttpRequest http;
    http.method = request.method;
    http.url = url;
    http.headers = request.headers;
    http.body = request.body;
    http.headers.push_back("Docker-Distribution-API-Version: registry/2.0");
    if (authorization) http.headers.push_back("Authorization: " + *authorization);
    http.max_body_bytes = request.max_body_bytes;
    http.follow_redirects = request.follow_redirects;
    http.timeout = std::min(pool_.context.request_timeout, left);
    http.tls = pool_.host(reference_host_).tls;
    http.cancel = pool_.context.cancel;
    try {
        HttpResponse response = pool_.engine.perform(std::move(http));
        if (!pool_.debugging()) return response;
        const bool redirected = !response.effective_url.empty() && response.effective_url != url;
        pool_.debug(request.method + " " + without_query(url) + " → " + std::to_string(response.status) +
                    (redirected ? " (redirected to " + without_query(response.effective_url) + ")" : ""));
        return response;
    } catch (const TransportError& error) {
        pool_.debug(request.method + " " + without_query(url) + " → " + error.what());
        throw;
    }
}

bool RequestRunner::has_basic_credentials() {
    const auto credentials = pool_.credentials_for(reference_host_ + "/" + repository_path_, deadline_);
    return credentials && !credentials->username.empty();
}

std::optional<std::string> RequestRunner::authorization(std::string& token_key) {
    token_key.clear();
    const HostState host = pool_.host(reference_host_);
    if (!host.challenge) return std::nullopt;
    const auto credentials = pool_.credentials_for(reference_host_ + "/" + repository_path_, deadline_);
    if (host.challenge->scheme == "basic") {
        if (!credentials || credentials->username.empty()) return std::nullopt;
        return "Basic " + util::base64_encode(credentials->username + ":" + credentials->password);
    }
    const std::string key = token_cache_key(*host.challenge, scope_, credentials);
    token_key = key;
    return "Bearer " + bearer_token(key, *host.challenge, credentials).token;
}

// Single flight per token key: one request fetches, the others wait for it, each
// no longer than its own deadline; a failure is remembered for
// failed_token_fetch_memory, so the waiters (and later requests) get it at once.
BearerToken RequestRunner::bearer_token(const std::string& key, const AuthChallenge& challenge,
                                        const std::optional<config::Credentials>& credentials) {
    const std::string realm = without_query(parameter(challenge, "realm"));
    const auto known = [&]() -> std::optional<BearerToken> {
        if (auto cached = pool_.cached_token(key)) {
            if (pool_.debugging()) pool_.debug("Using cached token for " + scope_ + " from " + realm);
            return cached;
        }
        if (auto failure = pool_.recent_token_failure(key)) {
            pool_.debug("Token fetch for " + scope_ + " from " + realm + " failed moments ago: not retrying yet");
            throw FetchError(*failure + " (failed moments ago; not retried for " +
                             std::to_string(failed_token_fetch_memory.count()) + " s)");
        }
        return std::nullopt;
    };
    if (auto token = known()) return *token;
    const auto fetch_lock = pool_.token_fetch_lock(key);
    std::unique_lock fetching(*fetch_lock, std::defer_lock);
    if (!fetching.try_lock_for(remaining())) {
        throw FetchError("waiting for another request's bearer token from " + realm + ": timed out (--timeout)");
    }
    if (auto token = known()) return *token;  // another request fetched it (or failed) meanwhile
    try {
        BearerToken token = fetch_token(challenge, credentials);
        pool_.store_token(key, token);
        return token;
    } catch (const FetchError& error) {
        pool_.remember_token_failure(key, error.what());
        throw;
    }
}

BearerToken RequestRunner::fetch_token(const AuthChallenge& challenge, const std::optional<config::Credentials>& credentials) {
    const std::string realm = parameter(challenge, "realm");
    const std::string what = "requesting bearer token from " + without_query(realm);
    if (realm.rfind("https://", 0) != 0 && realm.rfind("http://", 0) != 0) {
        throw FetchError("invalid or missing realm in the bearer auth challenge of " + reference_host_);
    }
    std::string query;
    auto add = [&query](const std::string& name, const std::string& value) {
        query += (query.empty() ? "" : "&") + name + "=" + percent_encode(value);
    };
    const bool oauth = credentials && !credentials->identity_token.empty();
    if (!oauth && credentials && !credentials->username.empty()) add("account", credentials->username);
    if (!parameter(challenge, "service").empty()) add("service", parameter(challenge, "service"));
    for (std::size_t start = 0; start < scope_.size();) {
        const std::size_t end = std::min(scope_.find(' ', start), scope_.size());
        if (end > start) add("scope", scope_.substr(start, end - start));
        start = end + 1;
    }
    HttpRequest http;
    http.max_body_bytes = max_token_body_bytes;
    http.tls = pool_.host(reference_host_).tls;
    http.cancel = pool_.context.cancel;
    if (oauth) {
        add("grant_type", "refresh_token");
        add("refresh_token", credentials->identity_token);
        add("client_id", "containers/image");
        http.method = "POST";
        http.url = realm;
        http.body = query;
        http.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    } else {
        http.url = realm + (realm.find('?') == std::string::npos ? "?" : "&") + query;
        if (credentials && !credentials->username.empty() && !credentials->password.empty()) {
            http.headers.push_back("Authorization: Basic " + util::base64_encode(credentials->username + ":" + credentials->password));
        }
    }
    const HttpResponse response = retrying(pool_, [&] {
        const auto left = remaining();
        if (left.count() <= 0) throw FetchError(what + ": timed out (--timeout)");
        HttpRequest attempt = http;
        attempt.timeout = std::min(pool_.context.request_timeout, left);
        HttpResponse answer = pool_.engine.perform(std::move(attempt));
        pool_.debug(http.method + " " + without_query(realm) + " → " + std::to_string(answer.status) + " (token for " + scope_ + ")");
        return answer;
    }, what, [this](std::chrono::milliseconds delay, const std::string& why) { wait(delay, why); });
    if (response.status == 401 || response.status == 403) {
        throw FetchError(what + ": authentication required (" + status_and_message(response) + ")");
    }
    if (response.status != 200) throw FetchError(what + ": " + status_and_message(response));
    auto token = parse_bearer_token(response.body, std::chrono::system_clock::now());
    if (!token) throw FetchError(what + ": the answer carries no token");
    return *token;
}

}  // namespace imgtrust::registry
