// The six signedIdentity matchers, with the tables of c/image's
// signature/policy_reference_match_test.go and policy_config_test.go.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "policy/identity.hpp"

using imgtrust::DockerReference;
using imgtrust::PolicyFormatError;
using imgtrust::SignedIdentity;
using imgtrust::policy::identity_matches;
using imgtrust::policy::identity_mismatch_hint;
using imgtrust::policy::validate_signed_identity;
using Kind = SignedIdentity::Kind;

namespace {

const std::string full_rhel_ref = "registry.access.redhat.com/rhel7/rhel:7.2.3";
const std::string untagged_rhel_ref = "registry.access.redhat.com/rhel7/rhel";
const std::string digest_suffix = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string digest_suffix_other = "@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct SymmetricCase {
    std::string a, b;
    bool result;
};

// c/image's prmExactMatchTestTable.
const std::vector<SymmetricCase> exact_match_table = {
    {"busybox:latest", "busybox:latest", true},
    {full_rhel_ref, full_rhel_ref, true},
    {"busybox" + digest_suffix, "busybox" + digest_suffix, true},
    {"library/busybox:latest", "busybox:latest", true},
    {"docker.io/library/busybox:latest", "busybox:latest", true},
    {"library/busybox" + digest_suffix, "busybox" + digest_suffix, true},
    {"busybox:latest", "busybox:notlatest", false},
    {"busybox:latest", "notbusybox:latest", false},
    {"busybox:latest", "hostname/library/busybox:notlatest", false},
    {"hostname/library/busybox:latest", "busybox:notlatest", false},
    {"busybox:latest", full_rhel_ref, false},
    {"busybox" + digest_suffix, "notbusybox" + digest_suffix, false},
    {"busybox:latest", "busybox" + digest_suffix, false},
    {"busybox" + digest_suffix, "busybox" + digest_suffix_other, false},
    {"busybox", "busybox:latest", false},
    {"busybox", "busybox" + digest_suffix, false},
    {"busybox", "busybox", false},
    {"busybox:latest" + digest_suffix, "busybox:latest" + digest_suffix, true},
    {"busybox:latest" + digest_suffix, "busybox:latest" + digest_suffix_other, false},
    {"busybox:latest" + digest_suffix, "busybox:notlatest" + digest_suffix, false},
    {"busybox:latest" + digest_suffix, "busybox" + digest_suffix, false},
    {"busybox:latest" + digest_suffix, "busybox:latest", false},
    {"UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES", "busybox:latest", false},
    {"", "UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES", false},
    {"INVALID", "INVALID", false},
};

// c/image's prmRepositoryMatchTestTable.
const std::vector<SymmetricCase> repository_match_table = {
    {"busybox:latest", "busybox:latest", true},
    {full_rhel_ref, full_rhel_ref, true},
    {"busybox" + digest_suffix, "busybox" + digest_suffix, true},
    {"library/busybox:latest", "busybox:latest", true},
    {"docker.io/library/busybox:latest", "busybox:latest", true},
    {"library/busybox" + digest_suffix, "busybox" + digest_suffix, true},
    {"busybox:latest", "busybox:notlatest", true},
    {full_rhel_ref + "tagsuffix", full_rhel_ref, true},
    {"library/busybox:latest", "busybox:notlatest", true},
    {"busybox:latest", "library/busybox:notlatest", true},
    {"docker.io/library/busybox:notlatest", "busybox:latest", true},
    {"busybox:notlatest", "docker.io/library/busybox:latest", true},
    {"busybox:latest", "busybox" + digest_suffix, true},
    {"busybox" + digest_suffix, "busybox" + digest_suffix_other, true},
    {"busybox", "busybox:notlatest", true},
    {full_rhel_ref, untagged_rhel_ref, true},
    {"busybox", "busybox" + digest_suffix, true},
    {"library/busybox", "busybox", true},
    {"docker.io/library/busybox", "busybox", true},
    {"busybox:latest", "notbusybox:latest", false},
    {"hostname/library/busybox:latest", "busybox:notlatest", false},
    {"busybox:latest", full_rhel_ref, false},
    {"busybox" + digest_suffix, "notbusybox" + digest_suffix, false},
    {"busybox:latest" + digest_suffix, "busybox:latest" + digest_suffix, true},
    {"busybox:latest" + digest_suffix, "busybox:latest" + digest_suffix_other, true},
    {"busybox:latest" + digest_suffix, "busybox:notlatest" + digest_suffix, true},
    {"busybox:latest" + digest_suffix, "busybox" + digest_suffix, true},
    {"busybox:latest" + digest_suffix, "busybox:latest", true},
    {"UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES", "busybox:latest", false},
    {"", "UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES", false},
    {"INVALID", "INVALID", false},
};

// c/image's matchRepoDigestOrExactTestTable: {image, signature, result}.
const std::vector<SymmetricCase> repo_digest_or_exact_table = {
    {"busybox:latest", "busybox:notlatest", false},
    {full_rhel_ref + "tagsuffix", full_rhel_ref, false},
    {"library/busybox:latest", "busybox:notlatest", false},
    {"busybox:latest", "library/busybox:notlatest", false},
    {"docker.io/library/busybox:notlatest", "busybox:latest", false},
    {"busybox:notlatest", "docker.io/library/busybox:latest", false},
    {"busybox", "busybox:latest", false},
    {"busybox:latest", "busybox", false},
    {"busybox", "busybox" + digest_suffix, false},
    {"busybox" + digest_suffix, "busybox", false},
    {full_rhel_ref, untagged_rhel_ref, false},
    {"busybox", "busybox", false},
    {"busybox:latest", "busybox" + digest_suffix, false},
    {"busybox" + digest_suffix, "busybox:latest", true},
    {"busybox" + digest_suffix, "busybox" + digest_suffix_other, true},
    {"busybox:latest" + digest_suffix, "busybox:latest", false},
    {"busybox:latest" + digest_suffix, "busybox:notlatest", false},
    {"busybox:latest", "busybox:latest" + digest_suffix, false},
    {"busybox:latest" + digest_suffix, "busybox:latest" + digest_suffix_other, false},
    {"busybox:latest" + digest_suffix, "busybox:notlatest" + digest_suffix_other, false},
};

SignedIdentity of_kind(Kind kind) {
    SignedIdentity identity;
    identity.kind = kind;
    return identity;
}

SignedIdentity remap(const std::string& prefix, const std::string& signed_prefix) {
    SignedIdentity identity = of_kind(Kind::remap_identity);
    identity.prefix = prefix;
    identity.signed_prefix = signed_prefix;
    return identity;
}

std::optional<DockerReference> try_parse(const std::string& text) {
    try {
        return imgtrust::parse_normalized_named(text);
    } catch (const imgtrust::InvalidReferenceError&) {
        return std::nullopt;
    }
}

// c/image's testPossiblyInvalidImageAndSig: images with invalid references cannot exist, skip them.
void check_image_and_signature(const SignedIdentity& identity, const std::string& image, const std::string& signature,
                               bool expected) {
    const std::optional<DockerReference> image_reference = try_parse(image);
    if (!image_reference) {
        return;
    }
    INFO(image << " vs. " << signature);
    CHECK(identity_matches(identity, image_reference, signature) == expected);
}

// c/image's modifiedString: replace the first letter by the next one.
std::string modified(const std::string& text) {
    std::string result = text;
    result[0] = result[0] == 'z' ? 'a' : static_cast<char>(result[0] + 1);
    return result;
}

// c/image's prmRemapIdentityMRDOETestCase: remapIdentity behaves as
// matchRepoDigestOrExact, both without a rewrite and after one.
void check_remap_like_repo_digest_or_exact(const std::string& image, const std::string& signature, bool expected) {
    const std::optional<DockerReference> parsed = try_parse(image);
    if (!parsed) {
        return;
    }
    check_image_and_signature(remap("never-causes-a-rewrite.example", "never-causes-a-rewrite.example"), image,
                              signature, expected);
    const std::string modified_image = imgtrust::parse_normalized_named(modified(parsed->string())).string();
    check_image_and_signature(remap(modified(parsed->domain), parsed->domain), modified_image, signature, expected);
}

}  // namespace

TEST_CASE("matchExact requires equal references, with no defaulting") {
    const SignedIdentity identity = of_kind(Kind::match_exact);
    for (const SymmetricCase& c : exact_match_table) {
        check_image_and_signature(identity, c.a, c.b, c.result);
        check_image_and_signature(identity, c.b, c.a, c.result);
    }
    CHECK_FALSE(identity_matches(identity, std::nullopt, ""));
    CHECK_FALSE(identity_matches(identity, std::nullopt, "busybox:latest"));
}

TEST_CASE("matchRepoDigestOrExact: exact for tags, same repository for digests") {
    const SignedIdentity identity = of_kind(Kind::match_repo_digest_or_exact);
    CHECK(SignedIdentity{}.kind == Kind::match_repo_digest_or_exact);  // the default
    for (const SymmetricCase& c : exact_match_table) {
        if (c.result) {
            check_image_and_signature(identity, c.a, c.b, true);
            check_image_and_signature(identity, c.b, c.a, true);
        }
    }
    for (const SymmetricCase& c : repository_match_table) {
        if (!c.result) {
            check_image_and_signature(identity, c.a, c.b, false);
            check_image_and_signature(identity, c.b, c.a, false);
        }
    }
    for (const SymmetricCase& c : repo_digest_or_exact_table) {
        check_image_and_signature(identity, c.a, c.b, c.result);
    }
    CHECK_FALSE(identity_matches(identity, std::nullopt, ""));
    CHECK_FALSE(identity_matches(identity, std::nullopt, "busybox:latest"));
}

TEST_CASE("matchRepository compares repositories only") {
    const SignedIdentity identity = of_kind(Kind::match_repository);
    for (const SymmetricCase& c : repository_match_table) {
        check_image_and_signature(identity, c.a, c.b, c.result);
        check_image_and_signature(identity, c.b, c.a, c.result);
    }
    CHECK_FALSE(identity_matches(identity, std::nullopt, ""));
    CHECK_FALSE(identity_matches(identity, std::nullopt, "busybox"));
}

TEST_CASE("exactReference compares the signature with the policy value, normalising both") {
    for (const SymmetricCase& c : exact_match_table) {
        for (const auto& [value, signature] : {std::pair{c.a, c.b}, std::pair{c.b, c.a}}) {
            SignedIdentity identity = of_kind(Kind::exact_reference);
            identity.docker_reference = value;
            INFO(value << " vs. " << signature);
            // The image's own reference plays no part, even when there is none.
            CHECK(identity_matches(identity, std::nullopt, signature) == c.result);
            CHECK(identity_matches(identity, try_parse("unrelated.example/other:1"), signature) == c.result);
        }
    }
}

TEST_CASE("exactRepository compares repositories, ignoring the claimed tag or digest") {
    for (const SymmetricCase& c : repository_match_table) {
        for (const auto& [value, signature] : {std::pair{c.a, c.b}, std::pair{c.b, c.a}}) {
            SignedIdentity identity = of_kind(Kind::exact_repository);
            identity.docker_repository = value;
            INFO(value << " vs. " << signature);
            CHECK(identity_matches(identity, std::nullopt, signature) == c.result);
        }
    }
}

TEST_CASE("remapIdentity matches the prefix on a path-component boundary") {
    struct PrefixCase {
        std::string ref, prefix;
        bool matches;
    };
    const std::vector<PrefixCase> cases = {
        {"docker.io/image", "docker.io", true},
        {"docker.io/image", "example.com", false},
        {"example.com:5000/image", "example.com:5000", true},
        {"example.com:50000/image", "example.com:5000", false},
        {"example.com:5000/image", "example.com", false},
        {"example.com/foo", "example.com", true},
        {"example.com/foo/bar", "example.com", true},
        {"example.com/foo/bar:baz", "example.com", true},
        {"example.com/foo/bar" + digest_suffix, "example.com", true},
        {"docker.io/ns/image", "docker.io/library", false},
        {"example.com/library", "docker.io/library", false},
        {"docker.io/libraryy/image", "docker.io/library", false},
        {"docker.io/library/busybox", "docker.io/library", true},
        {"example.com/ns/image", "example.com/ns", true},
        {"example.com/ns2/image", "example.com/ns", false},
        {"example.com/n2/image", "example.com/ns", false},
        {"example.com", "example.com/library/busybox", false},
        {"example.com:5000/ns/image", "example.com/ns", false},
        {"example.com/ns/image", "example.com:5000/ns", false},
        {"docker.io/library/busybox", "docker.io/library/busybox", true},
        {"example.com/library/busybox", "docker.io/library/busybox", false},
        {"docker.io/library/busybox2", "docker.io/library/busybox", false},
        {"example.com/ns/image", "example.com/ns/image", true},
        {"example.com/ns/imag2", "example.com/ns/image", false},
        {"example.com/ns/imagee", "example.com/ns/image", false},
        {"example.com:5000/ns/image", "example.com/ns/image", false},
        {"example.com/ns/image", "example.com:5000/ns/image", false},
        {"example.com/ns/image:tag", "example.com/ns/image", true},
        {"example.com/ns/image" + digest_suffix, "example.com/ns/image", true},
        {"example.com/ns/image:tag" + digest_suffix, "example.com/ns/image", true},
    };
    for (const PrefixCase& c : cases) {
        INFO(c.ref << " vs. prefix " << c.prefix);
        const DockerReference image = imgtrust::with_default_tag(imgtrust::parse_normalized_named(c.ref));
        // A matching prefix rewrites the identity, so the unchanged reference no longer matches.
        const SignedIdentity identity = remap(c.prefix, "docker.io/library/signed-prefix");
        CHECK(identity_matches(identity, image, image.string()) == !c.matches);
    }
}

TEST_CASE("remapIdentity rewrites the prefix and keeps the tag and digest") {
    struct RewriteCase {
        std::string prefix, signed_prefix, ref, expected;  // expected "" means the rewrite is invalid
    };
    const std::vector<RewriteCase> cases = {
        {"mirror.example", "vendor.example", "mirror.example/ns/image:tag", "vendor.example/ns/image:tag"},
        {"mirror.example", "vendor.example", "different.com/ns/image:tag", "different.com/ns/image:tag"},
        {"mirror.example/ns", "vendor.example/vendor-ns", "mirror.example/different-ns/image:tag",
         "mirror.example/different-ns/image:tag"},
        {"docker.io", "not-docker-signed.example/ns", "busybox:latest",
         "not-docker-signed.example/ns/library/busybox:latest"},
        {"example.com/mirror", "example.com/vendor", "example.com/mirror/image:tag", "example.com/vendor/image:tag"},
        {"example.com/ns/mirror", "example.com/ns/vendor", "example.com/ns/mirror:tag", "example.com/ns/vendor:tag"},
        {"mirror.example", "vendor.example", "prefixmirror.example/ns/image:tag", "prefixmirror.example/ns/image:tag"},
        {"docker.io", "not-docker-signed.example", "busybox:latest", "not-docker-signed.example/library/busybox:latest"},
        {"docker.io/library", "not-docker-signed.example/ns", "busybox:latest",
         "not-docker-signed.example/ns/busybox:latest"},
        {"docker.io/library/busybox", "not-docker-signed.example/ns/notbusybox", "busybox:latest",
         "not-docker-signed.example/ns/notbusybox:latest"},
        {"mirror.example", "vendor.example", "mirror.example/image" + digest_suffix, "vendor.example/image" + digest_suffix},
        {"mirror.example", "vendor.example", "mirror.example/image:tag" + digest_suffix,
         "vendor.example/image:tag" + digest_suffix},
        {"mirror.example/ns/image", "vendor.example:5000", "mirror.example/ns/image:tag", ""},
        {"mirror.example/ns/image", "vendor.example:5000", "mirror.example/ns/image" + digest_suffix, ""},
        {"mirror.example/ns/image", "notlocalhost", "mirror.example/ns/image:tag", ""},
    };
    for (const RewriteCase& c : cases) {
        INFO(c.prefix << " -> " << c.signed_prefix << " on " << c.ref);
        const SignedIdentity identity = remap(c.prefix, c.signed_prefix);
        const std::optional<DockerReference> image = imgtrust::parse_normalized_named(c.ref);
        if (c.expected.empty()) {
            const std::string naive = c.signed_prefix + image->string().substr(c.prefix.size());
            CHECK_FALSE(identity_matches(identity, image, naive));
            CHECK_FALSE(identity_matches(identity, image, image->string()));
        } else {
            CHECK(identity_matches(identity, image, c.expected));
        }
    }
}

TEST_CASE("remapIdentity otherwise behaves as matchRepoDigestOrExact") {
    struct Case {
        std::string prefix, signed_prefix, image, signature;
        bool result;
    };
    const std::vector<Case> cases = {
        {"does-not-match.com", "does-not-match.rewritten", "busybox:latest", "busybox:latest", true},
        {"does-not-match.com", "does-not-match.rewritten", "busybox:latest", "notbusybox:latest", false},
        {"mirror.example", "public.com", "mirror.example/busybox:1", "public.com/busybox:1", true},
        {"mirror.example", "public.com", "mirror.example/busybox:1", "public.com/busybox:not1", false},
        {"mirror.example", "docker.io/library", "mirror.example/busybox:latest", "busybox:latest", true},
        {"mirror.example", "docker.io/library", "mirror.example/alpine:latest", "busybox:latest", false},
        {"docker.io/library", "original.com", "copied:latest", "original.com/copied:latest", true},
        {"docker.io/library", "original.com", "copied:latest", "original.com/ns/copied:latest", false},
        {"busybox", "example.com/busybox", "busybox:latest", "example.com/busybox:latest", false},
        {"docker.io/library/busybox", "busybox", "docker.io/library/busybox:latest", "busybox:latest", false},
        {"UPPERCASE", "example.com", "example.com/foo:latest", "example.com/foo:latest", true},
        {"example.com", "UPPERCASE", "example.com/foo:latest", "UPPERCASE/foo:latest", false},
    };
    for (const Case& c : cases) {
        check_image_and_signature(remap(c.prefix, c.signed_prefix), c.image, c.signature, c.result);
    }
    CHECK_FALSE(identity_matches(remap("docker.io", "docker.io"), std::nullopt, ""));
    for (const SymmetricCase& c : exact_match_table) {
        if (c.result) {
            check_remap_like_repo_digest_or_exact(c.a, c.b, true);
            check_remap_like_repo_digest_or_exact(c.b, c.a, true);
        }
    }
    for (const SymmetricCase& c : repository_match_table) {
        if (!c.result) {
            check_remap_like_repo_digest_or_exact(c.a, c.b, false);
            check_remap_like_repo_digest_or_exact(c.b, c.a, false);
        }
    }
    for (const SymmetricCase& c : repo_digest_or_exact_table) {
        check_remap_like_repo_digest_or_exact(c.a, c.b, c.result);
    }
}
