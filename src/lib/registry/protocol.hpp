// The small parsers of the registry protocol (distribution spec and Docker's
// token auth): WWW-Authenticate challenges, token responses, Retry-After,
// JSON error bodies, content digests. Pure functions; no I/O.
#pragma once

#include <chrono>
#include <cstddef>
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
// Every challenge of every WWW-Authenticate header value, in order.
std::vector<AuthChallenge> parse_www_authenticate_headers(const std::vector<std::string>& header_values);

// The challenge to answer, as c/image's setupRequestAuth picks it: the first
// "bearer" or "basic" one, in header order (c/image reads every header; it does
// not prefer Bearer). One deliberate difference: without basic credentials a
// "basic" challenge is passed over for a later "bearer" one, since Basic
// without credentials can only fail while an anonymous token may be granted,
// and nothing secret is sent either way. nullopt: no supported challenge.
std::optional<AuthChallenge> choose_challenge(const std::vector<AuthChallenge>& challenges, bool have_basic_credentials);

struct BearerToken {
    std::string token;
    std::chrono::system_clock::time_point expires;
};

// Token lifetimes: c/image's minimum, and our maximum. A token endpoint may
// claim any expires_in (9300000000 s has been seen in tests of overflow); more
// than a day is clamped to a day, so a token is re-fetched at least daily and
// no time arithmetic overflows.
inline constexpr std::chrono::seconds min_token_lifetime{60};
inline constexpr std::chrono::seconds max_token_lifetime{24 * 60 * 60};
inline constexpr std::size_t max_token_body_bytes = 1024 * 1024;  // c/image's MaxAuthTokenBodySize
inline constexpr std::size_t max_error_body_bytes = 4 * 1024 * 1024;  // larger error bodies carry no message

// A token endpoint's JSON answer (read through util::parse_untrusted_json):
// "token" (else "access_token"), "expires_in" clamped to [min_token_lifetime,
// max_token_lifetime] (absent or not an integer: the minimum), "issued_at"
// (RFC 3339; now when absent, unparsable, or outside what system_clock can
// represent, i.e. before 1678 or after 2261). The expiry is issued_at +
// lifetime, but never later than now + max_token_lifetime. nullopt when the
// body is not a JSON object (including too large or too deep) or has no token.
std::optional<BearerToken> parse_bearer_token(std::string_view body, std::chrono::system_clock::time_point now);

// Retry-After as delta-seconds (at most 9 digits) or an HTTP-date; nullopt when
// absent, invalid or in the past. A date after what system_clock represents
// (year 2262) saturates to milliseconds::max(): callers cap the wait
// (RetryPolicy::max_delay), and nothing overflows.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

struct RegistryErrorBody {
    std::vector<std::string> codes;  // "MANIFEST_UNKNOWN", ...
    std::string message;             // "manifest unknown: <message>; …", "" when the body has none
};
// {"errors":[{"code":…,"message":…}]} as the distribution spec defines it, bounded to a short text.
// Read through util::parse_untrusted_json; anything else (not JSON, too deep,
// larger than max_error_body_bytes) gives an empty result.
RegistryErrorBody parse_registry_errors(std::string_view body);

// "application/json; charset=utf-8" -> "application/json".
std::string simplify_content_type(const std::string& value);

// RFC 3986 unreserved characters kept, everything else %XX.
std::string percent_encode(std::string_view text);

// "algorithm:hex" of bytes for sha256, sha384 or sha512 (util::Digest::of); throws FetchError for other algorithms.
std::string compute_digest(std::string_view algorithm, std::string_view bytes);

}  // namespace imgtrust::registry
