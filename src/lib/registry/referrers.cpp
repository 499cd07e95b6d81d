#include "registry/referrers.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace imgtrust::registry {
namespace {

using util::ascii_lowercase;

bool is_tag_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

// A link-param value: a quoted-string (backslash escapes) or a token up to ';' or ','.
// `at` ends on the character after the value.
std::string read_param_value(std::string_view text, std::size_t& at) {
    std::string value;
    if (at < text.size() && text[at] == '"') {
        for (++at; at < text.size() && text[at] != '"'; ++at) {
            if (text[at] == '\\' && at + 1 < text.size()) ++at;
            value += text[at];
        }
        if (at < text.size()) ++at;  // the closing quote
        return value;
    }
    while (at < text.size() && text[at] != ';' && text[at] != ',') value += text[at++];
    return std::string(trimmed(value));
}

// Whether a rel value (space-separated relation types) includes "next".
bool names_next(std::string_view rel) {
    for (std::string_view part : util::split(rel, ' ')) {
        if (ascii_lowercase(trimmed(part)) == "next") return true;
    }
    return false;
}

// The link-params after a target, up to the ',' that ends the link-value;
// `at` ends after that ','. Returns whether rel names "next".
bool read_params_name_next(std::string_view text, std::size_t& at) {
    bool next = false;
    while (at < text.size() && text[at] != ',') {
        if (text[at] != ';') {
            ++at;  // stray characters between params are skipped
            continue;
        }
        ++at;
        const std::size_t name_start = at;
        while (at < text.size() && text[at] != '=' && text[at] != ';' && text[at] != ',') ++at;
        const std::string name = ascii_lowercase(trimmed(text.substr(name_start, at - name_start)));
        if (at >= text.size() || text[at] != '=') continue;
        ++at;
        while (at < text.size() && is_space(text[at])) ++at;
        const std::string value = read_param_value(text, at);
        if (name == "rel" && names_next(value)) next = true;
    }
    if (at < text.size()) ++at;
    return next;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string_view path_of(std::string_view path_and_query) { return path_and_query.substr(0, path_and_query.find('?')); }

// "//authority/rest": the rest, if the authority is `endpoint_host` (no user information).
std::optional<std::string> rest_after_authority(std::string_view after_slashes, std::string_view endpoint_host) {
    const std::size_t end = std::min(after_slashes.find('/'), after_slashes.find('?'));
    const std::string_view authority = after_slashes.substr(0, end);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    if (ascii_lowercase(authority) != ascii_lowercase(endpoint_host)) return std::nullopt;
    if (end == std::string_view::npos) return std::string("/");
    const std::string_view rest = after_slashes.substr(end);
    return rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
}

}  // namespace

std::string referrers_tag(std::string_view digest) {
    const std::size_t colon = digest.find(':');
    const std::string_view algorithm = digest.substr(0, std::min<std::size_t>(colon, 32));
    const std::string_view encoded =
        colon == std::string_view::npos ? std::string_view() : digest.substr(colon + 1).substr(0, 64);
    std::string tag = std::string(algorithm) + "-" + std::string(encoded);
    std::replace_if(tag.begin(), tag.end(), [](char c) { return !is_tag_character(c); }, '-');
    return tag;
}

std::optional<std::string> link_next_target(std::string_view header) {
    if (header.size() > max_link_header_bytes) return std::nullopt;
    std::size_t at = 0;
    while (at < header.size()) {
        const std::size_t open = header.find('<', at);
        if (open == std::string_view::npos) return std::nullopt;
        const std::size_t close = header.find('>', open + 1);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string target(header.substr(open + 1, close - open - 1));
        at = close + 1;
        if (read_params_name_next(header, at)) return target;
    }
    return std::nullopt;
}

std::optional<std::string> next_page_request_path(std::string_view target, std::string_view endpoint_host,
                                                  std::string_view referrers_path) {
    if (std::any_of(target.begin(), target.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte <= 0x20 || byte == 0x7f;
        }))
        return std::nullopt;
    target = target.substr(0, target.find('#'));
    std::optional<std::string> rest;
    const std::string lowered = ascii_lowercase(target.substr(0, 8));
    if (lowered.rfind("https://", 0) == 0) {
        rest = rest_after_authority(target.substr(8), endpoint_host);
    } else if (lowered.rfind("http://", 0) == 0) {
        rest = rest_after_authority(target.substr(7), endpoint_host);
    } else if (target.substr(0, 2) == "//") {
        rest = rest_after_authority(target.substr(2), endpoint_host);
    } else if (!target.empty() && target.front() == '/') {
        rest = std::string(target);
    } else if (!target.empty() && target.front() == '?') {
        rest = std::string(path_of(referrers_path)) + std::string(target);
    }
    if (!rest) return std::nullopt;
    if (percent_decoded(path_of(*rest)) != percent_decoded(path_of(referrers_path))) return std::nullopt;
    return rest;
}

bool artifact_type_filter_applied(std::string_view header_value) {
    for (std::string_view part : util::split(header_value, ',')) {
        if (ascii_lowercase(trimmed(part)) == "artifacttype") return true;
    }
    return false;
}

bool referrers_api_missing(long status, std::string_view content_type) {
    if (status == 404 || status == 400 || status == 405 || status == 406) return true;
    return status == 200 && content_type != oci_index_content_type;
}

}  // namespace imgtrust::registry
