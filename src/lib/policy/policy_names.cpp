// The policy.json spellings of requirement types and identity kinds.
#include <type_traits>

#include "imgtrust/policy.hpp"

namespace imgtrust {

const char* requirement_type_name(const RequirementValue& value) {
    return std::visit(
        [](const auto& requirement) -> const char* {
            using Type = std::decay_t<decltype(requirement)>;
            if constexpr (std::is_same_v<Type, InsecureAcceptAnythingRequirement>) return "insecureAcceptAnything";
            else if constexpr (std::is_same_v<Type, RejectRequirement>) return "reject";
            else if constexpr (std::is_same_v<Type, SignedByRequirement>) return "signedBy";
            else if constexpr (std::is_same_v<Type, SigstoreSignedRequirement>) return "sigstoreSigned";
            else {
                static_assert(std::is_same_v<Type, SignedBaseLayerRequirement>, "a new requirement type needs a name");
                return "signedBaseLayer";
            }
        },
        value);
}

const char* identity_kind_name(SignedIdentity::Kind kind) {
    switch (kind) {
        case SignedIdentity::Kind::match_exact: return "matchExact";
        case SignedIdentity::Kind::match_repo_digest_or_exact: return "matchRepoDigestOrExact";
        case SignedIdentity::Kind::match_repository: return "matchRepository";
        case SignedIdentity::Kind::exact_reference: return "exactReference";
        case SignedIdentity::Kind::exact_repository: return "exactRepository";
        case SignedIdentity::Kind::remap_identity: return "remapIdentity";
        case SignedIdentity::Kind::match_digest_only: return "matchDigestOnly";
    }
    return "unknown";
}

}  // namespace imgtrust
