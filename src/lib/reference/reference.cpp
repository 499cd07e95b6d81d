// ParseNormalizedNamed, TagNameOnly and go-digest validation, with c/image's
// docker/reference semantics and messages.
#include "imgtrust/reference.hpp"

#include <string>

#include "imgtrust/errors.hpp"
#include "reference/grammar.hpp"
#include "util/digest.hpp"
#include "util/go_quote.hpp"
#include "util/text.hpp"

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

// reference.Parse on an already domain-qualified string.
DockerReference parse_qualified(std::string_view text) {
    if (const std::string violation = reference::reference_grammar_violation(text); !violation.empty()) {
        if (reference::reference_grammar_violation(util::ascii_lowercase(text)).empty()) {
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

// go-digest (v1.0.0, as c/image vendors it) Digest.Validate, with the reference
// grammar's messages for each of util::Digest's errors.
void validate_digest(std::string_view digest) {
    const std::optional<util::DigestError> error = util::Digest::validation_error(digest);
    if (!error) {
        return;
    }
    switch (*error) {
        case util::DigestError::invalid_length: {
            const std::string_view algorithm = digest.substr(0, digest.find(':'));
            const util::DigestAlgorithm known = *util::digest_algorithm_named(algorithm);
            throw InvalidReferenceError("invalid checksum digest length: " + std::string(algorithm) + " needs " +
                                        std::to_string(util::digest_hex_length(known)) + " hex digits, got " +
                                        std::to_string(digest.size() - algorithm.size() - 1));
        }
        case util::DigestError::not_lowercase_hex:
            throw InvalidReferenceError("invalid checksum digest format: " + util::go_quote(digest) +
                                        " is not lowercase hex");
        case util::DigestError::unsupported_algorithm:
            throw InvalidReferenceError("unsupported digest algorithm: " +
                                        util::go_quote(digest.substr(0, digest.find(':'))) +
                                        " (sha256, sha384 and sha512 are supported)");
        case util::DigestError::invalid_format:
            break;
    }
    throw InvalidReferenceError("invalid checksum digest format: " + util::go_quote(digest));
}

}  // namespace imgtrust
