// identity_mismatch_hint and validate_signed_identity (policy-time checks,
// with the cases of c/image's policy_config_test.go).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

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

const std::string digest_suffix = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

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

std::optional<DockerReference> parsed(const std::string& text) { return imgtrust::parse_normalized_named(text); }

}  // namespace

TEST_CASE("an image without a docker reference matches only the exact* forms") {
    SignedIdentity exact_reference = of_kind(Kind::exact_reference);
    exact_reference.docker_reference = "busybox:latest";
    SignedIdentity exact_repository = of_kind(Kind::exact_repository);
    exact_repository.docker_repository = "busybox";
    CHECK(identity_matches(exact_reference, std::nullopt, "docker.io/library/busybox:latest"));
    CHECK(identity_matches(exact_repository, std::nullopt, "docker.io/library/busybox:1"));
    for (Kind kind : {Kind::match_exact, Kind::match_repo_digest_or_exact, Kind::match_repository}) {
        CHECK_FALSE(identity_matches(of_kind(kind), std::nullopt, "docker.io/library/busybox:latest"));
        CHECK_THAT(identity_mismatch_hint(of_kind(kind), std::nullopt, "docker.io/library/busybox:latest"),
                   Catch::Contains("no docker reference") && Catch::Contains("exactReference or exactRepository"));
    }
    CHECK_THAT(identity_mismatch_hint(remap("docker.io", "docker.io"), std::nullopt, "busybox:latest"),
               Catch::StartsWith("the image has no docker reference") && Catch::Contains("remapIdentity"));
    CHECK(identity_mismatch_hint(exact_repository, std::nullopt, "docker.io/library/busybox:1").empty());
}

TEST_CASE("a repository-only signature, as cosign writes it, gets an explanation") {
    const std::string cosign_identity = "registry.example/ns/app";
    const std::optional<DockerReference> image = parsed("registry.example/ns/app:v1");
    const std::string cosign_hint =
        "the signature names only a repository, as cosign writes it: use matchRepository or exactRepository";
    for (const SignedIdentity& identity : {of_kind(Kind::match_repo_digest_or_exact), of_kind(Kind::match_exact),
                                           remap("registry.example", "registry.example")}) {
        CHECK_FALSE(identity_matches(identity, image, cosign_identity));
        CHECK(identity_mismatch_hint(identity, image, cosign_identity) == cosign_hint);
        // Also for a digest reference: the name-only signature never matches.
        const std::optional<DockerReference> by_digest = parsed("registry.example/ns/app" + digest_suffix);
        CHECK_FALSE(identity_matches(identity, by_digest, cosign_identity));
        CHECK(identity_mismatch_hint(identity, by_digest, cosign_identity) == cosign_hint);
        // An ordinary mismatch has no hint.
        CHECK(identity_mismatch_hint(identity, image, "registry.example/ns/app:v2").empty());
    }
    CHECK(identity_matches(of_kind(Kind::match_repository), image, cosign_identity));
    SignedIdentity exact_repository = of_kind(Kind::exact_repository);
    exact_repository.docker_repository = "registry.example/ns/app";
    CHECK(identity_matches(exact_repository, image, cosign_identity));
    CHECK(identity_mismatch_hint(of_kind(Kind::match_repository), image, "registry.example/ns/other").empty());
    CHECK_THAT(identity_mismatch_hint(of_kind(Kind::match_repository), image, "Not/Valid"),
               Catch::StartsWith("the signature claims an invalid docker reference \"Not/Valid\""));
}

TEST_CASE("policy-time validation of signedIdentity values") {
    const std::string location = "transports.docker[\"example.com\"][0].signedIdentity";
    SignedIdentity exact_reference = of_kind(Kind::exact_reference);
    exact_reference.docker_reference = "library/busybox:latest";
    CHECK_NOTHROW(validate_signed_identity(exact_reference, location));
    exact_reference.docker_reference = "busybox" + digest_suffix;
    CHECK_NOTHROW(validate_signed_identity(exact_reference, location));
    for (const char* invalid : {"", "INVALIDUPPERCASE:latest", "library/busybox"}) {
        exact_reference.docker_reference = invalid;
        INFO(invalid);
        CHECK_THROWS_AS(validate_signed_identity(exact_reference, location), PolicyFormatError);
    }
    try {
        validate_signed_identity(exact_reference, location);
        FAIL("library/busybox must be rejected");
    } catch (const PolicyFormatError& e) {
        CHECK(e.location() == location);
        CHECK(e.bare_message() == "dockerReference \"library/busybox\" contains neither a tag nor digest");
    }

    SignedIdentity exact_repository = of_kind(Kind::exact_repository);
    for (const char* valid : {"busybox", "docker.io/library/busybox", "example.com:5000/ns/app:tag"}) {
        exact_repository.docker_repository = valid;
        CHECK_NOTHROW(validate_signed_identity(exact_repository, location));
    }
    exact_repository.docker_repository = "UPPERCASE";
    CHECK_THROWS_WITH(validate_signed_identity(exact_repository, location),
                      Catch::Contains("Invalid format of dockerRepository \"UPPERCASE\""));

    for (const char* valid : {"localhost", "example.com", "example.com:80", "example.com/repo",
                              "example.com/ns1/ns2/ns3/repo.with.dots-dashes_underscores",
                              "example.com:80/ns1/ns2/ns3/repo.with.dots-dashes_underscores", "shortname",
                              "ns/shortname"}) {
        INFO(valid);
        CHECK_NOTHROW(validate_signed_identity(remap(valid, "docker.io/library"), location));
        CHECK_NOTHROW(validate_signed_identity(remap("docker.io/library", valid), location));
    }
    for (const std::string& invalid :
         {std::string(""), std::string("repo_with_underscores"), std::string("example.com/"),
          std::string("example.com/UPPERCASEISINVALID"), std::string("example.com/repo/"),
          std::string("example.com/repo:tag"), "example.com/repo" + digest_suffix,
          "example.com/repo:tag" + digest_suffix}) {
        INFO(invalid);
        CHECK_THROWS_AS(validate_signed_identity(remap(invalid, "docker.io/library"), location), PolicyFormatError);
        CHECK_THROWS_WITH(validate_signed_identity(remap("docker.io/library", invalid), location),
                          Catch::EndsWith("prefix \"" + invalid + "\" is not valid"));
    }
    for (Kind kind : {Kind::match_exact, Kind::match_repo_digest_or_exact, Kind::match_repository}) {
        CHECK_NOTHROW(validate_signed_identity(of_kind(kind), location));
    }
}
