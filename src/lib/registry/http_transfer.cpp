#include "registry/http_transfer.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "util/text.hpp"

#if LIBCURL_VERSION_NUM < 0x074d00
#error "the registry engine needs libcurl >= 7.77 (CURLOPT_CAINFO_BLOB)"
#endif

namespace imgtrust::registry {
namespace {

using util::ascii_lowercase;

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

bool is_authorization_header(const std::string& header) {
    return ascii_lowercase(header.substr(0, header.find(':'))) == "authorization";
}

// Body bytes, refused beyond max_body_bytes: returning a short count aborts the transfer.
size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t length = size * count;
    if (transfer->response.body.size() + length > transfer->request.max_body_bytes) {
        transfer->body_too_large = true;
        return 0;
    }
    transfer->response.body.append(data, length);
    return length;
}

// Header lines, at most max_header_bytes per response (a longer header section
// aborts the transfer); a new status line (1xx interim answers, redirects
// followed by libcurl) starts the set afresh. Every WWW-Authenticate value is
// kept, up to max_authenticate_headers.
// libcurl calls this about once a second, and more often while data flows:
// a non-zero return aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* transfer = static_cast<const Transfer*>(user);
    return transfer->request.cancel && transfer->request.cancel->load() ? 1 : 0;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t length = size * count;
    const std::string_view line(data, length);
    if (line.substr(0, 5) == "HTTP/") {
        transfer->response.headers.clear();
        transfer->response.authenticate_headers.clear();
        transfer->header_bytes = 0;
    }
    transfer->header_bytes += length;
    if (transfer->header_bytes > max_header_bytes) {
        transfer->headers_too_large = true;
        return 0;
    }
    const auto colon = line.find(':');
    if (line.substr(0, 5) == "HTTP/" || colon == std::string_view::npos) return length;
    std::string name = ascii_lowercase(std::string(trim(line.substr(0, colon))));
    std::string value(trim(line.substr(colon + 1)));
    auto& challenges = transfer->response.authenticate_headers;
    if (name == "www-authenticate" && challenges.size() < max_authenticate_headers) challenges.push_back(value);
    transfer->response.headers[std::move(name)] = std::move(value);
    return length;
}

// libcurl's name of an easy option, for messages: "CURLOPT_CAINFO_BLOB".
std::string option_name(CURLoption option) {
    const curl_easyoption* known = curl_easy_option_by_id(option);
    return known && known->name ? std::string("CURLOPT_") + known->name : "option " + std::to_string(option);
}

// curl_easy_setopt, checked: an option this libcurl lacks is a ConfigError naming
// it (no retry can help); any other refusal (out of memory, ...) a TransportError.
template <typename Value>
void set_option(CURL* easy, CURLoption option, Value value) {
    const CURLcode code = curl_easy_setopt(easy, option, value);
    if (code == CURLE_OK) return;
    const std::string text = option_name(option) + ": " + curl_easy_strerror(code);
    if (code == CURLE_UNKNOWN_OPTION || code == CURLE_NOT_BUILT_IN)
        throw ConfigError("the libcurl in use (" + std::string(curl_version()) + ") does not support " + text);
    throw TransportError("libcurl refused " + text, code == CURLE_OUT_OF_MEMORY);
}

// containers-tls-details.yaml(5) settings (config/tls_details.cpp made the
// values OpenSSL names and checked them); unset ones keep libcurl's defaults.
void set_tls_details_options(CURL* easy, const config::TlsDetails& details) {
    if (details.min_version) {
        static const long minimum[] = {CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_TLSv1_1, CURL_SSLVERSION_TLSv1_2,
                                       CURL_SSLVERSION_TLSv1_3};
        set_option(easy, CURLOPT_SSLVERSION, minimum[static_cast<int>(*details.min_version)]);
    }
    if (!details.cipher_list.empty()) set_option(easy, CURLOPT_SSL_CIPHER_LIST, details.cipher_list.c_str());
    if (!details.tls13_ciphers.empty()) set_option(easy, CURLOPT_TLS13_CIPHERS, details.tls13_ciphers.c_str());
    if (!details.curves.empty()) set_option(easy, CURLOPT_SSL_EC_CURVES, details.curves.c_str());
}

void set_tls_options(CURL* easy, const TlsSettings& tls, const std::string& ca_bundle) {
    if (!tls.verify) {
        set_option(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        set_option(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!ca_bundle.empty()) {
        curl_blob blob{const_cast<char*>(ca_bundle.data()), ca_bundle.size(), CURL_BLOB_COPY};
        set_option(easy, CURLOPT_CAINFO_BLOB, &blob);
    }
    if (tls.client_certificate) set_option(easy, CURLOPT_SSLCERT, tls.client_certificate->c_str());
    if (tls.client_key) set_option(easy, CURLOPT_SSLKEY, tls.client_key->c_str());
    set_tls_details_options(easy, tls.details);
}

void set_method_options(CURL* easy, const HttpRequest& request) {
    if (request.method == "HEAD") {
        set_option(easy, CURLOPT_NOBODY, 1L);
    } else if (request.method == "POST") {
        set_option(easy, CURLOPT_POST, 1L);
        set_option(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
        set_option(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    } else if (request.method == "PUT") {
        // A PUT with an in-memory body (blob upload, manifest): POST's body
        // options with the method renamed; the size is set first so binary
        // bodies are copied whole.
        set_option(easy, CURLOPT_POST, 1L);
        set_option(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
        set_option(easy, CURLOPT_COPYPOSTFIELDS, request.body.data());
        set_option(easy, CURLOPT_CUSTOMREQUEST, "PUT");
    }
}

}  // namespace

std::string url_authority(const std::string& url) {
    CURLU* handle = curl_url();
    std::string authority;
    if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char* scheme = nullptr;
        char* host = nullptr;
        char* port = nullptr;
        if (curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
            curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
            authority = ascii_lowercase(scheme) + "://" + ascii_lowercase(host) + ":" + port;
        }
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
    }
    curl_url_cleanup(handle);
    return authority;
}

Transfer::~Transfer() {
    if (easy && owns_easy) curl_easy_cleanup(easy);
    curl_slist_free_all(header_list);
}

void Transfer::prepare(CURLSH* share, const std::string& ca_bundle, CURL* reused) {
    if (easy && owns_easy && easy != reused) curl_easy_cleanup(easy);
    curl_slist_free_all(header_list);
    header_list = nullptr;
    response = HttpResponse{};
    body_too_large = false;
    headers_too_large = false;
    header_bytes = 0;
    error_buffer[0] = '\0';

    owns_easy = reused == nullptr;
    easy = reused ? reused : curl_easy_init();
    if (reused) curl_easy_reset(easy);
    if (!easy) throw TransportError("cannot create a libcurl handle", true);
    set_common_options(share);
    for (const auto& header : request.headers) {
        curl_slist* extended = curl_slist_append(header_list, header.c_str());
        if (!extended) throw TransportError(request.method + " " + request.url + ": cannot build the request headers (out of memory)", true);
        header_list = extended;
    }
    set_option(easy, CURLOPT_HTTPHEADER, header_list);
    set_method_options(easy, request);
    set_tls_options(easy, request.tls, ca_bundle);
}

void Transfer::set_common_options(CURLSH* share) {
    set_option(easy, CURLOPT_URL, request.url.c_str());
    set_option(easy, CURLOPT_SHARE, share);
    set_option(easy, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    set_option(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set_option(easy, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set_option(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    set_option(easy, CURLOPT_PIPEWAIT, 1L);
    set_option(easy, CURLOPT_FOLLOWLOCATION, 0L);
    set_option(easy, CURLOPT_TIMEOUT_MS, std::max(1L, static_cast<long>(request.timeout.count())));  // 0 would mean "never"
    set_option(easy, CURLOPT_USERAGENT, "imgtrust/0.1");
    set_option(easy, CURLOPT_ERRORBUFFER, error_buffer);
    set_option(easy, CURLOPT_WRITEFUNCTION, &on_body);
    set_option(easy, CURLOPT_WRITEDATA, static_cast<void*>(this));
    set_option(easy, CURLOPT_HEADERFUNCTION, &on_header);
    set_option(easy, CURLOPT_HEADERDATA, static_cast<void*>(this));
    set_option(easy, CURLOPT_PRIVATE, static_cast<void*>(this));
    if (request.cancel) {
        set_option(easy, CURLOPT_NOPROGRESS, 0L);
        set_option(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
        set_option(easy, CURLOPT_XFERINFODATA, static_cast<void*>(this));
    }
}

void Transfer::read_response_info() {
    const std::string where = request.method + " " + request.url;
    if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status) != CURLE_OK)
        throw TransportError(where + ": libcurl reports no HTTP status", true);
    char* effective = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective) != CURLE_OK) effective = nullptr;
    response.effective_url = effective ? effective : request.url;
}

std::exception_ptr Transfer::failure(CURLcode code) const {
    const std::string where = request.method + " " + request.url;
    if (body_too_large) {
        return std::make_exception_ptr(TransportError(
            where + ": response body exceeds " + std::to_string(request.max_body_bytes) + " bytes", false));
    }
    if (headers_too_large) {
        return std::make_exception_ptr(TransportError(
            where + ": response headers exceed " + std::to_string(max_header_bytes) + " bytes", false));
    }
    if (code == CURLE_OK) return nullptr;
    const std::string detail = error_buffer[0] ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
    using Kind = TransportError::Kind;
    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK:
        return std::make_exception_ptr(TransportError(where + ": cancelled", false, Kind::cancelled));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
        return std::make_exception_ptr(TransportError(where + ": " + detail, true, Kind::connection_failure));
    case CURLE_PARTIAL_FILE:
        return std::make_exception_ptr(TransportError(where + ": truncated response body (" + detail + ")", true));
    case CURLE_OPERATION_TIMEDOUT:
        return std::make_exception_ptr(TransportError(
            where + ": timed out after " + std::to_string(request.timeout.count()) + " ms", true,
            never_connected() ? Kind::connection_failure : Kind::other));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return std::make_exception_ptr(TransportError(where + ": invalid URL (" + detail + ")", false));
    default:
        return std::make_exception_ptr(TransportError(where + ": " + detail, true));
    }
}

bool Transfer::never_connected() const {
    curl_off_t connect_microseconds = 0;
    return curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_microseconds) == CURLE_OK && connect_microseconds == 0;
}

std::optional<std::string> Transfer::redirect_target() const {
    if (!request.follow_redirects) return std::nullopt;
    const long status = response.status;
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) return std::nullopt;
    char* location = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || location == nullptr) return std::nullopt;
    return std::string(location);
}

void Transfer::advance_to(const std::string& next_url) {
    ++redirects_followed;
    if (response.status == 303 && request.method == "POST") request.method = "GET";
    // Only a redirect needs the first hop's authority; request.url is still that hop's URL here.
    if (original_authority.empty()) original_authority = url_authority(request.url);
    if (url_authority(next_url) != original_authority) {
        std::erase_if(request.headers, is_authorization_header);
    }
    request.url = next_url;
}

}  // namespace imgtrust::registry
