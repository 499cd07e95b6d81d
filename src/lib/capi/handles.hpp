// What the C ABI's opaque handles (include/imgtrust/imgtrust.h) hold, and the
// one guard every entry point runs its body in: no exception crosses the C
// boundary, each failure sets the thread's last error and maps to a status.
#pragma once

#include <exception>
#include <memory>
#include <new>
#include <string>

#include "imgtrust/client.hpp"
#include "imgtrust/imgtrust.h"
#include "imgtrust/verify.hpp"
#include "imgtrust/verify_json.hpp"

struct imgtrust_context_options {
    imgtrust::EvaluationOptions evaluation;
};

struct imgtrust_context {
    std::unique_ptr<const imgtrust::PolicyContext> policy;
};

struct imgtrust_client_options {
    imgtrust::SystemContext system;
};

struct imgtrust_client {
    explicit imgtrust_client(imgtrust::SystemContext settings) : client(std::move(settings)) {}
    imgtrust::Client client;
};

struct imgtrust_result {
    imgtrust_status status = IMGTRUST_E_INTERNAL;
    imgtrust::ImageResult image;
    std::string json;            // image_result_json(image)
    std::string reason;          // imgtrust_result_reason
    std::string manifest_digest;
};

namespace imgtrust::capi {

// The thread's last error: cleared by every guarded call, set on failure.
void clear_last_error() noexcept;
void set_last_error(const char* message) noexcept;

// IMGTRUST_E_POLICY, _CONFIG, _FETCH, _NO_MEMORY or _INTERNAL for an exception.
imgtrust_status status_for(const std::exception_ptr& error) noexcept;

// Runs body (which returns an imgtrust_status); an exception becomes its status and last error.
template <typename Body>
imgtrust_status guarded(Body&& body) noexcept {
    clear_last_error();
    try {
        return body();
    } catch (const std::exception& e) {
        set_last_error(e.what());
        return status_for(std::current_exception());
    } catch (...) {
        set_last_error("unknown error");
        return IMGTRUST_E_INTERNAL;
    }
}

// For a NULL handle or pointer: IMGTRUST_E_INVALID_ARGUMENT with "<what> is NULL".
imgtrust_status invalid_argument(const char* message) noexcept;

// The body of every imgtrust_*_options_new: *out is a new default T, or NULL and a status.
template <typename T>
imgtrust_status new_options(T** out, const char* null_message) noexcept {
    if (!out) return invalid_argument(null_message);
    *out = nullptr;
    return guarded([&] {
        *out = new T();
        return IMGTRUST_OK;
    });
}

}  // namespace imgtrust::capi
