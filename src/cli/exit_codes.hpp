// The only place where outcomes become process exit codes (DESIGN.md §4).
#pragma once

#include <exception>
#include <string>

namespace imgtrust::cli {

enum ExitCode : int {
    exit_accepted = 0,       // every image accepted
    exit_rejected = 1,       // rejected by policy
    exit_usage_or_config = 2,// invalid usage or configuration, including an invalid policy or key file
    exit_fetch_failed = 3,   // the image or its signatures could not be read
};

// Maps an exception thrown while handling one image (or the whole command).
// `kind` receives a stable name for JSON output: "usage", "policy", "config", "fetch", "not-found", "internal".
ExitCode exit_code_for(const std::exception_ptr& error, std::string* kind = nullptr);

// Combines per-image results: configuration problems dominate, then fetch failures, then rejections.
ExitCode worst_of(ExitCode a, ExitCode b);

}  // namespace imgtrust::cli
