// ParseNormalizedNamed, TagNameOnly and go-digest validation, with c/image's
// docker/reference semantics and messages.
#include "imgtrust/reference.hpp"

#include <array>
#include <string>

#include "imgtrust/errors.hpp"
#include "reference/grammar.hpp"

namespace imgtrust {
namespace {

constexpr std::string_view default_domain = "docker.io";
constexpr std::string_view legacy_default_domain = "index.docker.io";
constexpr std::string_view official_repository_namespace = "library";
constexpr std::string_view default_tag = "latest";
constexpr std::size_t name_total_length_max = 255;

struct DomainAndRemainder {
    std::string domain;
    std::string remainder;
};

// splitDockerDomain: the first component is a domain only if it contains '.' or
// ':' or is "localhost"; otherwise the name lives on docker.io. index.docker.io
// is an alias of docker.io, and a single-component docker.io name gets "library/".
DomainAndRemainder split_docker_domain(std::string_view text) {
    DomainAndRemainder split;
    const std::size_t slash = text.find('/');
    const std::string_view first = text.substr(0, slash);
    if (slash == std::string_view::npos ||
        (first.find_first_of(".:") == std::string_view::npos && first != "localhost")) {
        split.domain = default_domain;
        split.remainder = text;
    } else {
        split.domain = first;
        split.remainder = text.substr(slash + 1);
    }
    if (split.domain == legacy_default_domain) {
        split.domain = default_domain;
    }
    if (split.domain == default_domain && split.remainder.find('/') == std::string::npos) {
        split.remainder = std::string(official_repository_namespace) + "/" + split.remainder;
    }
    return split;
}

bool has_ascii_uppercase(std::string_view text) {
    for (char c : text) {
        if (c >= 'A' && c <= 'Z') {
            return true;
        }
    }
    return false;
}

std::string ascii_lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

// reference.Parse on an already domain-qualified string.
DockerReference parse_qualified(std::string_view text) {
    if (const std::string violation = reference::reference_grammar_violation(text); !violation.empty()) {
        if (reference::reference_grammar_violation(ascii_lowercase(text)).empty()) {
            throw InvalidReferenceError("repository name must be lowercase");
        }
        throw InvalidReferenceError("invalid reference format: " + violation);
    }
    const reference::ReferenceParts parts = reference::locate_reference_parts(text);
    if (parts.name.size() > name_total_length_max) {
        throw InvalidReferenceError("repository name must not be more than 255 characters");
    }
    const std::optional<reference::SplitName> name = reference::split_name(parts.name);
    DockerReference ref;
    ref.domain = name->domain;
    ref.path = name->path;
    if (parts.tag) {
        ref.tag = *parts.tag;
    }
    if (parts.digest) {
        validate_digest(*parts.digest);
        ref.digest = *parts.digest;
    }
    return ref;
}

struct KnownDigestAlgorithm {
    std::string_view name;
    std::size_t hex_length;
};
constexpr std::array<KnownDigestAlgorithm, 3> known_digest_algorithms{{
    {"sha256", 64},
    {"sha384", 96},
    {"sha512", 128},
}};

// go-digest's DigestRegexpAnchored: [a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+
bool matches_go_digest_syntax(std::string_view algorithm, std::string_view encoded) {
    bool expect_alnum = true;
    for (char c : algorithm) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            expect_alnum = false;
        } else if (!expect_alnum && (c == '.' || c == '+' || c == '_' || c == '-')) {
            expect_alnum = true;
        } else {
            return false;
        }
    }
    if (expect_alnum || encoded.empty()) {
        return false;
    }
    for (char c : encoded) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
                             c == '_' || c == '-';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

bool is_lowercase_hex(std::string_view text) {
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string DockerReference::string() const {
    std::string text = name();
    if (!tag.empty()) {
        text += ":" + tag;
    }
    if (!digest.empty()) {
        text += "@" + digest;
    }
    return text;
}

DockerReference parse_normalized_named(std::string_view text) {
    if (reference::is_full_identifier(text)) {
        throw InvalidReferenceError("invalid repository name (" + std::string(text) +
                                    "), cannot specify 64-byte hexadecimal strings");
    }
    const DomainAndRemainder split = split_docker_domain(text);
    const std::string_view remote_name = std::string_view(split.remainder).substr(0, split.remainder.find(':'));
    if (has_ascii_uppercase(remote_name)) {
        throw InvalidReferenceError("invalid reference format: repository name must be lowercase");
    }
    return parse_qualified(split.domain + "/" + split.remainder);
}

DockerReference with_default_tag(DockerReference ref) {
    if (ref.is_name_only()) {
        ref.tag = default_tag;
    }
    return ref;
}

// go-digest (v1.0.0, as c/image vendors it) Digest.Validate.
void validate_digest(std::string_view digest) {
    const std::size_t colon = digest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == digest.size()) {
        throw InvalidReferenceError("invalid checksum digest format: " + reference::go_quote(digest));
    }
    const std::string_view algorithm = digest.substr(0, colon);
    const std::string_view encoded = digest.substr(colon + 1);
    for (const KnownDigestAlgorithm& known : known_digest_algorithms) {
        if (algorithm != known.name) {
            continue;
        }
        if (encoded.size() != known.hex_length) {
            throw InvalidReferenceError("invalid checksum digest length: " + std::string(algorithm) + " needs " +
                                        std::to_string(known.hex_length) + " hex digits, got " +
                                        std::to_string(encoded.size()));
        }
        if (!is_lowercase_hex(encoded)) {
            throw InvalidReferenceError("invalid checksum digest format: " + reference::go_quote(digest) +
                                        " is not lowercase hex");
        }
        return;
    }
    if (!matches_go_digest_syntax(algorithm, encoded)) {
        throw InvalidReferenceError("invalid checksum digest format: " + reference::go_quote(digest));
    }
    throw InvalidReferenceError("unsupported digest algorithm: " + reference::go_quote(algorithm) +
                                " (sha256, sha384 and sha512 are supported)");
}

}  // namespace imgtrust
