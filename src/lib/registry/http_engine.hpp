// One libcurl engine shared by every image check: a curl multi handle driven
// by one background thread (woken by curl_multi_wakeup on each submission;
// HTTP/2 via CURL_HTTP_VERSION_2TLS + CURLOPT_PIPEWAIT, multiplexed where
// offered), a curl share for DNS and TLS sessions. Connections are reused
// through the multi handle's own cache. Plain http:// requests (never HTTP/2,
// so nothing to multiplex) are performed by perform() on the caller's thread
// instead, on a pool of idle curl handles that keep their connections: no
// hand-off to the engine thread and back for each request.
// Thread-safe: any thread may submit requests and wait for them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/tls_details.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::registry {

// A transfer that failed below HTTP (DNS, connect, TLS, timeout, truncated or
// oversize body). retryable() is false when repeating cannot help (oversize body,
// too many redirects, invalid URL).
// connection_failure() is true when the host could not be reached at all
// (refused, DNS, TLS handshake, or a timeout before any connection): what the
// per-host circuit breaker (host_health.hpp) counts. cancelled(): the
// SystemContext's cancel flag aborted it.
class TransportError : public FetchError {
public:
    enum class Kind { other, connection_failure, cancelled };
    TransportError(const std::string& message, bool retryable, Kind kind = Kind::other)
        : FetchError(message), retryable_(retryable), kind_(kind) {}
    bool retryable() const noexcept { return retryable_; }
    bool connection_failure() const noexcept { return kind_ == Kind::connection_failure; }
    bool cancelled() const noexcept { return kind_ == Kind::cancelled; }

private:
    bool retryable_;
    Kind kind_;
};

struct TlsSettings {
    bool verify = true;                 // false: do not check certificates (and allow http://)
    std::vector<std::string> ca_files;  // extra CA bundles (certs.d *.crt)
    std::optional<std::string> client_certificate;  // certs.d *.cert
    std::optional<std::string> client_key;          // certs.d *.key
    config::TlsDetails details;  // --tls-details (containers-tls-details.yaml(5)): versions, ciphers, groups
};

struct HttpRequest {
    std::string method = "GET";  // GET, HEAD, POST (with body: the OAuth2 token form, upload start) or PUT (with body)
    std::string url;
    std::string body;                  // POST and PUT only
    std::vector<std::string> headers;  // "Name: value"; Authorization values are never logged
    std::size_t max_body_bytes = 4 * 1024 * 1024;  // exceeding it fails the request
    // Only for blob GETs: at most 5 hops, followed by the engine itself so that an
    // Authorization header is dropped as soon as a hop leaves the original scheme://host:port.
    bool follow_redirects = false;
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    TlsSettings tls;
    // When set and true, the transfer is aborted (TransportError, cancelled()).
    std::shared_ptr<const std::atomic<bool>> cancel;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lowercase names; last value wins
    std::vector<std::string> authenticate_headers;  // every WWW-Authenticate value, in order (at most 16)
    std::string effective_url;
};

class HttpEngine {
public:
    HttpEngine();
    ~HttpEngine();
    HttpEngine(const HttpEngine&) = delete;
    HttpEngine& operator=(const HttpEngine&) = delete;

    // Queues the request; the future throws TransportError for transport failures
    // (DNS, TLS, connection, timeout, "response body exceeds N bytes", truncated body,
    // too many redirects). Any HTTP status, including 4xx/5xx, is a response.
    std::future<HttpResponse> submit(HttpRequest request);
    // submit + wait.
    HttpResponse perform(HttpRequest request);

    // Number of requests sent so far, each redirect hop counted (for tests and benchmarks).
    std::size_t requests_sent() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace imgtrust::registry
