// imgtrust_client_options and imgtrust_client: registry settings and the
// imgtrust::Client (connections, tokens, manifest cache) every thread shares.
#include <chrono>
#include <optional>
#include <string>

#include "capi/handles.hpp"

namespace {

using imgtrust::capi::guarded;
using imgtrust::capi::invalid_argument;

std::optional<std::string> optional_text(const char* text) {
    if (!text) return std::nullopt;
    return std::string(text);
}

}  // namespace

extern "C" {

imgtrust_status imgtrust_client_options_new(imgtrust_client_options** out_options) {
    return imgtrust::capi::new_options(out_options, "imgtrust_client_options_new: out_options is NULL");
}

void imgtrust_client_options_free(imgtrust_client_options* options) { delete options; }

imgtrust_status imgtrust_client_options_set_authfile(imgtrust_client_options* options, const char* path) {
    if (!options) return invalid_argument("imgtrust_client_options_set_authfile: options is NULL");
    return guarded([&] {
        options->system.auth_file = optional_text(path);
        return IMGTRUST_OK;
    });
}

imgtrust_status imgtrust_client_options_set_cert_dir(imgtrust_client_options* options, const char* path) {
    if (!options) return invalid_argument("imgtrust_client_options_set_cert_dir: options is NULL");
    return guarded([&] {
        options->system.cert_dir = optional_text(path);
        return IMGTRUST_OK;
    });
}

imgtrust_status imgtrust_client_options_set_tls_verify(imgtrust_client_options* options, int tls_verify) {
    if (!options) return invalid_argument("imgtrust_client_options_set_tls_verify: options is NULL");
    imgtrust::capi::clear_last_error();
    options->system.tls_verify = tls_verify != 0;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_client_options_set_registries_d(imgtrust_client_options* options, const char* path) {
    if (!options) return invalid_argument("imgtrust_client_options_set_registries_d: options is NULL");
    return guarded([&] {
        options->system.registries_d = optional_text(path);
        return IMGTRUST_OK;
    });
}

// As verify --timeout: 0 is no limit, and no request may outlast the image's limit.
imgtrust_status imgtrust_client_options_set_timeouts(imgtrust_client_options* options, long per_image_ms,
                                                     long per_request_ms) {
    if (!options) return invalid_argument("imgtrust_client_options_set_timeouts: options is NULL");
    if (per_image_ms < 0 || per_request_ms < 0)
        return invalid_argument("imgtrust_client_options_set_timeouts: a timeout is negative");
    imgtrust::capi::clear_last_error();
    imgtrust::SystemContext defaults;
    auto& system = options->system;
    system.timeout = per_image_ms == 0 ? std::chrono::milliseconds(std::chrono::hours(24 * 365))
                                       : std::chrono::milliseconds(per_image_ms);
    system.request_timeout = per_request_ms == 0 ? defaults.request_timeout : std::chrono::milliseconds(per_request_ms);
    if (system.timeout < system.request_timeout) system.request_timeout = system.timeout;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_client_options_set_retry_times(imgtrust_client_options* options, int retry_times) {
    if (!options) return invalid_argument("imgtrust_client_options_set_retry_times: options is NULL");
    if (retry_times < 0) return invalid_argument("imgtrust_client_options_set_retry_times: retry_times is negative");
    imgtrust::capi::clear_last_error();
    options->system.retry_times = retry_times;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_client_new(const imgtrust_client_options* options, imgtrust_client** out_client) {
    if (!out_client) return invalid_argument("imgtrust_client_new: out_client is NULL");
    *out_client = nullptr;
    return guarded([&] {
        imgtrust::SystemContext settings = options ? options->system : imgtrust::SystemContext{};
        settings.cancel = std::make_shared<std::atomic<bool>>(false);  // one per client, not shared with the options
        settings.pool.reset();
        *out_client = new imgtrust_client(std::move(settings));
        return IMGTRUST_OK;
    });
}

void imgtrust_client_cancel(imgtrust_client* client) {
    if (client) client->client.cancel();
}

void imgtrust_client_free(imgtrust_client* client) { delete client; }

}  // extern "C"
