// One HTTP transfer of the engine: its curl easy handle, the bounded body,
// the response headers, and the redirect state. Used only on the engine thread.
#pragma once

#include <curl/curl.h>

#include <exception>
#include <future>
#include <string>

#include "registry/http_engine.hpp"

namespace imgtrust::registry {

inline constexpr int max_redirect_hops = 5;

struct Transfer {
    HttpRequest request;
    std::promise<HttpResponse> promise;
    HttpResponse response;
    CURL* easy = nullptr;
    bool owns_easy = true;  // false: borrowed from the engine's idle handles (kept, with its connections)
    curl_slist* header_list = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
    bool body_too_large = false;
    int redirects_followed = 0;
    std::string original_authority;  // scheme://host:port of the first hop, set at the first redirect

    ~Transfer();
    // Configures an easy handle for request.url (share: DNS + TLS sessions; ca_bundle:
    // system CAs plus the request's extra CA files, empty when none): `reused` after a
    // curl_easy_reset (its live connections stay), else a new handle this transfer owns.
    void prepare(CURLSH* share, const std::string& ca_bundle, CURL* reused = nullptr);
    // After CURLMSG_DONE: the exception to deliver for a failed transfer, or nullptr.
    std::exception_ptr failure(CURLcode code) const;
    // After a successful hop: the next URL when this response is a redirect to follow.
    std::optional<std::string> redirect_target() const;
    // Points the request at the next hop, dropping Authorization when it leaves the origin.
    void advance_to(const std::string& next_url);
};

// "scheme://host:port" of an absolute URL (default ports made explicit), "" if unparsable.
std::string url_authority(const std::string& url);

}  // namespace imgtrust::registry
