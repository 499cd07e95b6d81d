// The verify JSON document (docs/verify-json.md), owned by the library so that
// `imgtrust verify --output json`, `imgtrust serve --stdio` and the C ABI
// (include/imgtrust/imgtrust.h) print the same bytes for the same result.
#pragma once

#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "imgtrust/export.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust {

// One image's result: a verdict, or the error that prevented one.
struct ImageResult {
    std::string image;              // the image as the caller named it ("docker://…", "dir:…")
    std::optional<Verdict> verdict;
    std::string error_kind;         // set when there is no verdict: "config", "policy", "not-found", "fetch",
                                    // "internal", "not-checked" (the document's "error.kind")
    std::string error_message;
};

// The whole document, pretty-printed (two-space indent) and ending with "\n":
// {"complete", "interruptedBy" (only when interrupted_by is not empty), "images": [...]}.
// interrupted_by: the signal that stopped the run ("SIGINT"), empty for a complete run.
IMGTRUST_API void write_verify_json(std::ostream& out, const std::vector<ImageResult>& results,
                                    const std::string& interrupted_by = {});

// One entry of "images", compact (no whitespace, no trailing newline): a line
// of newline-delimited JSON, and what imgtrust_result_json returns.
IMGTRUST_API std::string image_result_json(const ImageResult& result);

// The first reason a verdict denies, as the CLI's "Rejected:" line says it:
// the verdict's own reason (--require-signed), else "<type>: <reason>" of the
// first rejected requirement, else "rejected by policy".
IMGTRUST_API std::string first_rejection_reason(const Verdict& verdict);

// The stable "error.kind" for an exception thrown while evaluating one image:
// PolicyFormatError "policy", other ConfigError "config", NotFoundError
// "not-found", other FetchError "fetch", anything else "internal".
IMGTRUST_API std::string error_kind_for(const std::exception_ptr& error);

// A result without a verdict for `error` (error_kind_for, and what() as the
// message; "unknown error" for an exception not derived from std::exception).
IMGTRUST_API ImageResult image_result_from_exception(std::string image, const std::exception_ptr& error);

}  // namespace imgtrust
