// One HTTP transfer of the engine: its curl easy handle, the bounded body,
// the response headers, and the redirect state. Used only on the engine thread.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <exception>
#include <future>
#include <string>

#include "registry/http_engine.hpp"

namespace imgtrust::registry {

inline constexpr int max_redirect_hops = 5;
// The header section of one response, all lines together (libcurl itself
// allows 100 KiB per line; registries send a few KiB in all).
inline constexpr std::size_t max_header_bytes = 256 * 1024;
// WWW-Authenticate values kept per response (registries send one or two).
inline constexpr std::size_t max_authenticate_headers = 16;

struct Transfer {
    HttpRequest request;
    std::promise<HttpResponse> promise;
    HttpResponse response;
    CURL* easy = nullptr;
    bool owns_easy = true;  // false: borrowed from the engine's idle handles (kept, with its connections)
    curl_slist* header_list = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
    bool body_too_large = false;
    bool headers_too_large = false;
    std::size_t header_bytes = 0;  // of the current response's header section
    int redirects_followed = 0;
    std::string original_authority;  // scheme://host:port of the first hop, set at the first redirect

    ~Transfer();
    // Configures an easy handle for request.url (share: DNS + TLS sessions; ca_bundle:
    // system CAs plus the request's extra CA files, empty when none): `reused` after a
    // curl_easy_reset (its live connections stay), else a new handle this transfer owns.
    // Every option is checked: ConfigError names an option this libcurl lacks,
    // TransportError reports any other refusal.
    void prepare(CURLSH* share, const std::string& ca_bundle, CURL* reused = nullptr);
    // After a completed hop: response.status and response.effective_url from libcurl.
    void read_response_info();
    // After CURLMSG_DONE: the exception to deliver for a failed transfer, or nullptr.
    std::exception_ptr failure(CURLcode code) const;
    // After a successful hop: the next URL when this response is a redirect to follow.
    std::optional<std::string> redirect_target() const;
    // Whether the (failed) transfer never established a connection.
    bool never_connected() const;
    // Points the request at the next hop, dropping Authorization when it leaves the origin.
    void advance_to(const std::string& next_url);

private:
    void set_common_options(CURLSH* share);
};

// "scheme://host:port" of an absolute URL (default ports made explicit), "" if unparsable.
std::string url_authority(const std::string& url);

}  // namespace imgtrust::registry
