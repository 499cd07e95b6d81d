// Statuses, the per-thread last error and the library version of the C ABI.
#include <string>

#include "capi/handles.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::capi {
namespace {

thread_local std::string last_error;
// When even the message cannot be copied (out of memory), this one is shown.
thread_local const char* last_error_fallback = nullptr;

}  // namespace

void clear_last_error() noexcept {
    last_error.clear();
    last_error_fallback = nullptr;
}

void set_last_error(const char* message) noexcept {
    try {
        last_error = message ? message : "";
        last_error_fallback = nullptr;
    } catch (...) {
        last_error_fallback = "out of memory (while recording an error)";
    }
}

imgtrust_status status_for(const std::exception_ptr& error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (const PolicyFormatError&) {
        return IMGTRUST_E_POLICY;
    } catch (const ConfigError&) {
        return IMGTRUST_E_CONFIG;
    } catch (const FetchError&) {  // NotFoundError included
        return IMGTRUST_E_FETCH;
    } catch (const std::bad_alloc&) {
        return IMGTRUST_E_NO_MEMORY;
    } catch (...) {
        return IMGTRUST_E_INTERNAL;
    }
}

imgtrust_status invalid_argument(const char* message) noexcept {
    set_last_error(message);
    return IMGTRUST_E_INVALID_ARGUMENT;
}

}  // namespace imgtrust::capi

extern "C" {

const char* imgtrust_version(void) { return IMGTRUST_VERSION_STRING; }

const char* imgtrust_status_name(imgtrust_status status) {
    switch (status) {
        case IMGTRUST_OK: return "ok";
        case IMGTRUST_REJECTED: return "rejected";
        case IMGTRUST_E_CONFIG: return "config";
        case IMGTRUST_E_POLICY: return "policy";
        case IMGTRUST_E_FETCH: return "fetch";
        case IMGTRUST_E_INVALID_ARGUMENT: return "invalid-argument";
        case IMGTRUST_E_NO_MEMORY: return "no-memory";
        case IMGTRUST_E_INTERNAL: return "internal";
    }
    return "unknown";
}

const char* imgtrust_last_error(void) {
    using namespace imgtrust::capi;
    return last_error_fallback ? last_error_fallback : last_error.c_str();
}

}  // extern "C"
