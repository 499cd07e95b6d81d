// `imgtrust serve --stdio` as a library: one request line of newline-delimited
// JSON in, one response line out, with the policy and trust loaded once by the
// caller (docs/embedding-modes.md has the schema and examples).
//
// Requests (one JSON object per line; unknown members are refused):
//   {"id": ID, "method": "verify", "image": "docker://…" | "dir:…" | "oci:…"}
//   {"id": ID, "method": "verify-preloaded", "identity": "docker://REF",
//    "manifest": "<base64>", "manifestType": "<media type>" (optional),
//    "signatures": ["<base64>", …]}
//   {"id": ID, "method": "validate", "line": "<image list line>"}  (only with a Validator)
//   {"id": ID, "method": "shutdown"}
// ID is any JSON scalar (string, number, true/false, null) and is optional.
// Responses (one line each, no newline inside):
//   {"id": ID, "result": <verify JSON image object | validate report entry | {"shutdown": true}>}
//   {"id": ID, "error": {"kind": KIND, "message": "…"}}
// KIND is "usage" for a request that cannot be served as written (not JSON,
// not an object, an unknown method or member, a missing or mistyped field,
// bad base64, an unrecognised signature file, a line over the limit), else
// the verify JSON error kind of the evaluation: "config", "policy",
// "not-found", "fetch", "internal". A verdict, allowing or not, is a result.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "imgtrust/client.hpp"
#include "imgtrust/export.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust {

namespace validate {
class Validator;  // imgtrust/validate.hpp
}

// The longest request line served: a maximal manifest (max_manifest_bytes,
// 5.6 MB as base64) with a few maximal signatures fits; real requests are a
// few KiB. A longer line is answered with a "usage" error and not parsed.
inline constexpr std::size_t max_serve_request_bytes = 16 * 1024 * 1024;

// One response and whether it answers a shutdown request.
struct ServeResponse {
    std::string line;  // without the trailing newline
    bool shutdown = false;
};

// Dispatches requests to a PolicyContext (verify, verify-preloaded) and, when
// given, a Validator (validate). Immutable after construction: handle() and
// handle_request() may be called from several threads at once when the
// context, client and validator may (PolicyContext::evaluate is const and
// thread-safe; Validator::check_line is).
class IMGTRUST_API StdioServer {
public:
    // `client`: how "verify" reaches images (shared by every request); empty:
    // the context's own. `validator`: empty leaves "validate" out (a "usage" error).
    explicit StdioServer(std::shared_ptr<const PolicyContext> context, std::shared_ptr<const Client> client = {},
                         std::shared_ptr<const validate::Validator> validator = {});
    ~StdioServer();

    // One request line (without its newline) → its response. Never throws for
    // problems of the request or the image; std::bad_alloc may escape.
    ServeResponse handle(std::string_view line) const;
    std::string handle_request(std::string_view line) const { return handle(line).line; }

    // The response to a line that was too long to be read ({"id": null, "error": {"kind": "usage", …}}).
    static std::string oversized_request_response();

private:
    std::shared_ptr<const PolicyContext> context_;
    std::shared_ptr<const Client> client_;
    std::shared_ptr<const validate::Validator> validator_;
};

}  // namespace imgtrust
