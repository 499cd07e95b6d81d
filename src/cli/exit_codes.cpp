#include "cli/exit_codes.hpp"

#include "imgtrust/verify_json.hpp"

namespace imgtrust::cli {

// The library classifies the exception (imgtrust::error_kind_for, the verify
// JSON's error kind); the exit code follows from the kind alone.
ExitCode exit_code_for(const std::exception_ptr& error, std::string* kind) {
    const std::string error_kind = error_kind_for(error);
    if (kind) *kind = error_kind;
    if (error_kind == "policy" || error_kind == "config") return exit_usage_or_config;
    // not-found, fetch, and anything unexpected ("internal": bad_alloc, a bug):
    // never an accept; reported as a failure to read the image, the
    // conservative non-policy outcome.
    return exit_fetch_failed;
}

ExitCode worst_of(ExitCode a, ExitCode b) {
    auto rank = [](ExitCode c) {
        switch (c) {
            case exit_usage_or_config: return 3;
            case exit_fetch_failed: return 2;
            case exit_rejected: return 1;
            default: return 0;
        }
    };
    return rank(a) >= rank(b) ? a : b;
}

}  // namespace imgtrust::cli
