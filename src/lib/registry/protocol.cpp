#include "registry/protocol.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"
#include "util/text.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::registry {
namespace {

using util::ascii_lowercase;

void skip_spaces(std::string_view text, std::size_t& at) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == ',')) ++at;
}

std::string read_token(std::string_view text, std::size_t& at) {
    const std::size_t start = at;
    while (at < text.size() && text[at] != ' ' && text[at] != '\t' && text[at] != ',' && text[at] != '=') ++at;
    return std::string(text.substr(start, at - start));
}

std::string read_value(std::string_view text, std::size_t& at) {
    if (at >= text.size() || text[at] != '"') return read_token(text, at);
    std::string value;
    for (++at; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        value += text[at];
    }
    if (at < text.size()) ++at;  // closing quote
    return value;
}

// Parses "name=value" pairs until the next bare word (the next challenge's scheme).
void read_parameters(std::string_view text, std::size_t& at, AuthChallenge& challenge) {
    while (true) {
        skip_spaces(text, at);
        const std::size_t before = at;
        std::string name = read_token(text, at);
        if (name.empty() || at >= text.size() || text[at] != '=') {
            at = before;
            return;
        }
        ++at;
        challenge.parameters[ascii_lowercase(name)] = read_value(text, at);
    }
}

// A time_t as a system_clock time point; nullopt when system_clock (nanoseconds
// in 64 bits: years 1677 to 2262) cannot represent it.
std::optional<std::chrono::system_clock::time_point> representable_time(std::time_t seconds_since_epoch) {
    using std::chrono::system_clock;
    constexpr auto earliest = std::chrono::duration_cast<std::chrono::seconds>(system_clock::duration::min()).count() + 1;
    constexpr auto latest = std::chrono::duration_cast<std::chrono::seconds>(system_clock::duration::max()).count() - 1;
    if (seconds_since_epoch < earliest || seconds_since_epoch > latest) return std::nullopt;
    return system_clock::time_point(std::chrono::seconds(seconds_since_epoch));
}

// time + lifetime, or the latest time point when that would overflow
// (0 <= lifetime <= max_token_lifetime, so converting it to nanoseconds is safe).
std::chrono::system_clock::time_point saturating_add(std::chrono::system_clock::time_point time, std::chrono::seconds lifetime) {
    using std::chrono::system_clock;
    const bool positive = time.time_since_epoch() > system_clock::duration::zero();
    if (positive && system_clock::time_point::max() - time <= lifetime) return system_clock::time_point::max();
    return time + lifetime;
}

bool in_range(int value, int low, int high) { return value >= low && value <= high; }

// "hh:mm" of a numeric UTC offset, as seconds east of UTC.
std::optional<long> parse_utc_offset(std::string_view text) {
    if (text.size() < 6 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
    int hours = 0;
    int minutes = 0;
    const std::string digits(text.substr(1, 5));
    if (std::sscanf(digits.c_str(), "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
    if (!in_range(hours, 0, 23) || !in_range(minutes, 0, 59)) return std::nullopt;
    return (text[0] == '-' ? -1L : 1L) * (hours * 3600L + minutes * 60L);
}

// RFC 3339 "2006-01-02T15:04:05[.frac](Z|±hh:mm)". nullopt for anything else,
// including fields out of range and dates system_clock cannot represent.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
    std::tm parts{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                    &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed) != 6) {
        return std::nullopt;
    }
    if (!in_range(parts.tm_year, 0, 9999) || !in_range(parts.tm_mon, 1, 12) || !in_range(parts.tm_mday, 1, 31) ||
        !in_range(parts.tm_hour, 0, 23) || !in_range(parts.tm_min, 0, 59) || !in_range(parts.tm_sec, 0, 60)) {
        return std::nullopt;
    }
    std::size_t at = static_cast<std::size_t>(consumed);
    if (at < text.size() && text[at] == '.') {
        for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {
        }
    }
    long offset_seconds = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const auto offset = parse_utc_offset(std::string_view(text).substr(at));
        if (!offset) return std::nullopt;
        offset_seconds = *offset;
    } else if (at >= text.size() || (text[at] != 'Z' && text[at] != 'z')) {
        return std::nullopt;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    // -1 is also 1969-12-31T23:59:59Z; refusing that one second costs nothing (the token counts from now).
    const std::time_t utc = ::timegm(&parts);
    if (utc == static_cast<std::time_t>(-1)) return std::nullopt;
    return representable_time(utc - offset_seconds);  // |offset| < 1 day and years <= 9999: no overflow
}

// errcode's text for a code: "MANIFEST_UNKNOWN" -> "manifest unknown".
std::string describe_code(std::string code) {
    std::replace(code.begin(), code.end(), '_', ' ');
    return ascii_lowercase(code);
}

}  // namespace

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
    std::vector<AuthChallenge> challenges;
    std::size_t at = 0;
    while (true) {
        skip_spaces(header, at);
        if (at >= header.size()) break;
        AuthChallenge challenge;
        challenge.scheme = ascii_lowercase(read_token(header, at));
        if (challenge.scheme.empty()) {
            ++at;  // a stray '=' or similar: skip it
            continue;
        }
        read_parameters(header, at, challenge);
        challenges.push_back(std::move(challenge));
    }
    return challenges;
}

std::vector<AuthChallenge> parse_www_authenticate_headers(const std::vector<std::string>& header_values) {
    std::vector<AuthChallenge> challenges;
    for (const auto& value : header_values) {
        for (auto& challenge : parse_www_authenticate(value)) challenges.push_back(std::move(challenge));
    }
    return challenges;
}

std::optional<AuthChallenge> choose_challenge(const std::vector<AuthChallenge>& challenges, bool have_basic_credentials) {
    const auto is_bearer = [](const AuthChallenge& challenge) { return challenge.scheme == "bearer"; };
    for (auto at = challenges.begin(); at != challenges.end(); ++at) {
        if (is_bearer(*at)) return *at;
        if (at->scheme != "basic") continue;
        if (have_basic_credentials || std::none_of(at + 1, challenges.end(), is_bearer)) return *at;
    }
    return std::nullopt;
}

std::optional<BearerToken> parse_bearer_token(std::string_view body, std::chrono::system_clock::time_point now) {
    rapidjson::Document document;
    const util::JsonOptions options{{max_token_body_bytes, util::max_json_depth}};
    if (util::parse_untrusted_json(body, document, options) || !document.IsObject()) return std::nullopt;
    auto text = [&](const char* name) -> std::string {
        auto found = document.FindMember(name);
        return found != document.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
    };
    BearerToken token;
    token.token = text("token");
    if (token.token.empty()) token.token = text("access_token");
    if (token.token.empty()) return std::nullopt;
    std::chrono::seconds lifetime = min_token_lifetime;
    auto expires = document.FindMember("expires_in");
    if (expires != document.MemberEnd() && expires->value.IsInt64()) {
        const std::int64_t claimed = std::clamp<std::int64_t>(expires->value.GetInt64(), min_token_lifetime.count(),
                                                              max_token_lifetime.count());
        lifetime = std::chrono::seconds(claimed);
    } else if (expires != document.MemberEnd() && expires->value.IsUint64()) {
        lifetime = max_token_lifetime;  // above INT64_MAX seconds
    }
    const auto issued = parse_rfc3339(text("issued_at")).value_or(now);
    token.expires = std::min(saturating_add(issued, lifetime), saturating_add(now, max_token_lifetime));
    return token;
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (value.size() > 9) return std::nullopt;
        return std::chrono::seconds(std::stol(value));
    }
    const std::time_t when = curl_getdate(value.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    const auto date = representable_time(when);
    if (!date) return when > 0 ? std::optional(milliseconds::max()) : std::nullopt;
    // Both sides in milliseconds (|x| < 2^53), so the difference cannot overflow.
    const milliseconds delta = duration_cast<milliseconds>(date->time_since_epoch()) - duration_cast<milliseconds>(now.time_since_epoch());
    if (delta <= milliseconds::zero()) return std::nullopt;
    return delta;
}

RegistryErrorBody parse_registry_errors(std::string_view body) {
    RegistryErrorBody result;
    rapidjson::Document document;
    const util::JsonOptions options{{max_error_body_bytes, util::max_json_depth}};
    if (util::parse_untrusted_json(body, document, options) || !document.IsObject()) return result;
    auto errors = document.FindMember("errors");
    if (errors == document.MemberEnd() || !errors->value.IsArray()) return result;
    for (const auto& error : errors->value.GetArray()) {
        if (!error.IsObject()) continue;
        auto code = error.FindMember("code");
        auto message = error.FindMember("message");
        std::string code_text = code != error.MemberEnd() && code->value.IsString() ? code->value.GetString() : "UNKNOWN";
        std::string part = describe_code(code_text);
        if (message != error.MemberEnd() && message->value.IsString()) part += std::string(": ") + message->value.GetString();
        result.codes.push_back(code_text);
        if (!result.message.empty()) result.message += "; ";
        result.message += part;
        if (result.message.size() > 1000) {
            result.message.resize(1000);
            break;
        }
    }
    return result;
}

std::string simplify_content_type(const std::string& value) {
    std::string simplified = value.substr(0, value.find(';'));
    const auto last = simplified.find_last_not_of(" \t");
    simplified = last == std::string::npos ? "" : simplified.substr(0, last + 1);
    return ascii_lowercase(simplified.substr(std::min(simplified.size(), simplified.find_first_not_of(" \t"))));
}

std::string percent_encode(std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return encoded;
}

std::string compute_digest(std::string_view algorithm, std::string_view bytes) {
    const std::optional<util::DigestAlgorithm> known = util::digest_algorithm_named(algorithm);
    if (!known) throw FetchError("unsupported digest algorithm " + std::string(algorithm));
    return util::Digest::of(*known, bytes).string();
}

}  // namespace imgtrust::registry
