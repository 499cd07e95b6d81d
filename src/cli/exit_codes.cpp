#include "cli/exit_codes.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::cli {

ExitCode exit_code_for(const std::exception_ptr& error, std::string* kind) {
    auto set_kind = [kind](const char* name) {
        if (kind) *kind = name;
    };
    try {
        std::rethrow_exception(error);
    } catch (const PolicyFormatError&) {
        set_kind("policy");
        return exit_usage_or_config;
    } catch (const ConfigError&) {
        set_kind("config");
        return exit_usage_or_config;
    } catch (const NotFoundError&) {
        set_kind("not-found");
        return exit_fetch_failed;
    } catch (const FetchError&) {
        set_kind("fetch");
        return exit_fetch_failed;
    } catch (...) {
        // Anything unexpected (bad_alloc, a bug): never an accept. Report it as a
        // failure to read the image, the conservative non-policy outcome.
        set_kind("internal");
        return exit_fetch_failed;
    }
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
