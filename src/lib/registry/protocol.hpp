// The small parsers of the registry protocol (distribution spec and Docker's
// token auth): WWW-Authenticate challenges, token responses, Retry-After,
// JSON error bodies, content digests. Pure functions; no I/O.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::registry {

struct AuthChallenge {
    std::string scheme;                             // lowercase: "bearer", "basic", ...
    std::map<std::string, std::string> parameters;  // lowercase names: realm, service, scope, error
};

// RFC 7235 challenges of a WWW-Authenticate value: `Bearer realm="…",service="…"`.
// Several challenges in one value are split; malformed parts are skipped.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

struct BearerToken {
    std::string token;
    std::chrono::system_clock::time_point expires;
};

// A token endpoint's JSON answer: "token" (else "access_token"), "expires_in"
// (at least 60 seconds, as c/image), "issued_at" (RFC 3339; now when absent or
// unparsable). nullopt when the body is not a JSON object or has no token.
std::optional<BearerToken> parse_bearer_token(std::string_view body, std::chrono::system_clock::time_point now);

// Retry-After as delta-seconds or an HTTP-date; nullopt when absent, invalid or in the past.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

struct RegistryErrorBody {
    std::vector<std::string> codes;  // "MANIFEST_UNKNOWN", ...
    std::string message;             // "manifest unknown: <message>; …", "" when the body has none
};
// {"errors":[{"code":…,"message":…}]} as the distribution spec defines it, bounded to a short text.
RegistryErrorBody parse_registry_errors(std::string_view body);

// "application/json; charset=utf-8" -> "application/json".
std::string simplify_content_type(const std::string& value);

// RFC 3986 unreserved characters kept, everything else %XX.
std::string percent_encode(std::string_view text);

// "algorithm:hex" of bytes for sha256, sha384 or sha512; throws FetchError for other algorithms.
std::string compute_digest(std::string_view algorithm, std::string_view bytes);
// Is `digest` (already validated) the digest of bytes?
bool digest_matches(std::string_view digest, std::string_view bytes);

}  // namespace imgtrust::registry
