// The six signedIdentity matchers of containers-policy.json(5), with the
// semantics of c/image's signature/policy_reference_match.go.
#include "policy/identity.hpp"

#include <string_view>

#include "imgtrust/errors.hpp"
#include "reference/grammar.hpp"
#include "util/go_quote.hpp"

namespace imgtrust::policy {
namespace {

using Kind = SignedIdentity::Kind;

std::optional<DockerReference> try_parse(std::string_view text) {
    try {
        return parse_normalized_named(text);
    } catch (const InvalidReferenceError&) {
        return std::nullopt;
    }
}

// "The identity in the signature must exactly match the image identity." No tag
// is defaulted on either side, so a name-only reference matches nothing.
bool match_exact(const DockerReference& intended, const DockerReference& signature) {
    if (intended.is_name_only() || signature.is_name_only()) {
        return false;
    }
    return signature.string() == intended.string();
}

// "If the image identity carries a tag, the identity in the signature must exactly
// match; if the image identity uses a digest reference, the identity in the
// signature must be in the same repository as the image identity (using any tag)."
// A signature naming only a repository (as cosign writes it) never matches.
bool match_repo_digest_or_exact(const DockerReference& intended, const DockerReference& signature) {
    if (signature.is_name_only()) {
        return false;
    }
    if (!intended.tag.empty()) {  // includes a reference with both a tag and a digest
        return signature.string() == intended.string();
    }
    if (!intended.digest.empty()) {
        // The manifest digest itself is checked against the signature elsewhere.
        return signature.name() == intended.name();
    }
    return false;
}

// The prefix matches ref.name() exactly or up to a '/' boundary; ':' and '@' are
// never boundaries, since a host:port domain must match in full.
bool name_matches_prefix(const std::string& name, const std::string& prefix) {
    if (name.size() < prefix.size()) {
        return false;
    }
    if (name.size() == prefix.size()) {
        return name == prefix;
    }
    return name.compare(0, prefix.size(), prefix) == 0 && name[prefix.size()] == '/';
}

// "If the image identity matches the specified prefix, that prefix is replaced by
// the specified signed prefix (otherwise it is used as unchanged)." The rewritten
// reference must be valid and already in canonical (fully expanded) form.
std::optional<DockerReference> remap_reference(const DockerReference& ref, const SignedIdentity& identity) {
    if (!name_matches_prefix(ref.name(), identity.prefix)) {
        return ref;
    }
    const std::string rewritten = identity.signed_prefix + ref.string().substr(identity.prefix.size());
    std::optional<DockerReference> parsed = try_parse(rewritten);
    if (!parsed || parsed->string() != rewritten) {
        return std::nullopt;
    }
    return parsed;
}

bool matches_with_image_reference(const SignedIdentity& identity, const DockerReference& intended,
                                  const DockerReference& signature) {
    switch (identity.kind) {
        case Kind::match_exact:
            return match_exact(intended, signature);
        case Kind::match_repo_digest_or_exact:
            return match_repo_digest_or_exact(intended, signature);
        case Kind::match_repository:
            return signature.name() == intended.name();
        case Kind::remap_identity: {
            const std::optional<DockerReference> remapped = remap_reference(intended, identity);
            return remapped && match_repo_digest_or_exact(*remapped, signature);
        }
        case Kind::exact_reference:
        case Kind::exact_repository:
        case Kind::match_digest_only:
            break;
    }
    return false;
}

// exactReference / exactRepository: the image's own reference plays no part.
bool matches_policy_value(const SignedIdentity& identity, const DockerReference& signature) {
    if (identity.kind == Kind::exact_reference) {
        const std::optional<DockerReference> intended = try_parse(identity.docker_reference);
        return intended && match_exact(*intended, signature);
    }
    const std::optional<DockerReference> intended = try_parse(identity.docker_repository);
    return intended && signature.name() == intended->name();
}

bool is_exact_kind(Kind kind) { return kind == Kind::exact_reference || kind == Kind::exact_repository; }

// Kinds under which a repository-only signature can never match.
bool needs_tag_or_digest_in_signature(Kind kind) {
    return kind == Kind::match_repo_digest_or_exact || kind == Kind::match_exact || kind == Kind::remap_identity ||
           kind == Kind::exact_reference;
}

// c/image's validateIdentityRemappingPrefix: a host[:port], or a name whose first
// component is a host[:port]. Like c/image it cannot tell "ns/repo" from a
// domain-qualified name, so such values pass here and simply never match.
bool is_valid_remap_prefix(std::string_view prefix) {
    if (reference::is_domain(prefix)) {
        return true;
    }
    const std::size_t slash = prefix.find('/');
    return slash != std::string_view::npos && reference::is_domain(prefix.substr(0, slash)) &&
           reference::split_name(prefix).has_value();
}

}  // namespace

bool identity_matches(const SignedIdentity& identity, const std::optional<DockerReference>& image_reference,
                      const std::string& untrusted_signed_reference) {
    if (identity.kind == Kind::match_digest_only) return true;  // the digest binding was checked before the identity
    if (!is_exact_kind(identity.kind) && !image_reference) {
        return false;  // "dir: and oci: ... can be only used with exactReference or exactRepository"
    }
    const std::optional<DockerReference> signature = try_parse(untrusted_signed_reference);
    if (!signature) {
        return false;
    }
    if (is_exact_kind(identity.kind)) {
        return matches_policy_value(identity, *signature);
    }
    return matches_with_image_reference(identity, *image_reference, *signature);
}

std::string identity_mismatch_hint(const SignedIdentity& identity, const std::optional<DockerReference>& image_reference,
                                   const std::string& untrusted_signed_reference) {
    if (identity.kind == Kind::match_digest_only) return "";
    if (!is_exact_kind(identity.kind) && !image_reference) {
        return std::string("the image has no docker reference (as with dir: and oci: images), so ") +
               identity_kind_name(identity.kind) + " can never match it: use exactReference or exactRepository";
    }
    std::optional<DockerReference> signature;
    try {
        signature = parse_normalized_named(untrusted_signed_reference);
    } catch (const InvalidReferenceError& e) {
        return "the signature claims an invalid docker reference " + util::go_quote(untrusted_signed_reference) +
               ": " + e.what();
    }
    if (needs_tag_or_digest_in_signature(identity.kind) && signature->is_name_only()) {
        return "the signature names only a repository, as cosign writes it: use matchRepository or exactRepository";
    }
    return "";
}

void validate_signed_identity(const SignedIdentity& identity, const std::string& location) {
    switch (identity.kind) {
        case Kind::exact_reference: {
            DockerReference ref;
            try {
                ref = parse_normalized_named(identity.docker_reference);
            } catch (const InvalidReferenceError& e) {
                throw PolicyFormatError(location, "Invalid format of dockerReference " +
                                                      util::go_quote(identity.docker_reference) + ": " + e.what());
            }
            if (ref.is_name_only()) {
                throw PolicyFormatError(location, "dockerReference " + util::go_quote(identity.docker_reference) +
                                                      " contains neither a tag nor digest");
            }
            return;
        }
        case Kind::exact_repository:
            try {
                parse_normalized_named(identity.docker_repository);
            } catch (const InvalidReferenceError& e) {
                throw PolicyFormatError(location, "Invalid format of dockerRepository " +
                                                      util::go_quote(identity.docker_repository) + ": " + e.what());
            }
            return;
        case Kind::remap_identity:
            for (const std::string* value : {&identity.prefix, &identity.signed_prefix}) {
                if (!is_valid_remap_prefix(*value)) {
                    throw PolicyFormatError(location, "prefix " + util::go_quote(*value) + " is not valid");
                }
            }
            return;
        case Kind::match_exact:
        case Kind::match_repo_digest_or_exact:
        case Kind::match_repository:
        case Kind::match_digest_only:
            return;
    }
}

}  // namespace imgtrust::policy
