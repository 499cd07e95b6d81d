// imgtrust validate's Sigstore bundle options (issue 14): --match-digest-only
// builds signedIdentity matchDigestOnly, --trusted-root names a Sigstore
// TrustedRoot for keys or keyless, and keyless with no CA, Rekor key or root
// uses the built-in public-good root. Refused combinations are ConfigErrors,
// raised by build_validation_policy, i.e. before any image is checked.
#include <catch2/catch.hpp>

#include <string>

#include "../fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "sigstore/public_good_root.hpp"
#include "validate/validation_policy.hpp"
#include "validation_policy_support.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

const std::string keyed_root = fixture_path("bundles/trust/keyed-trusted_root.json");
const std::string keyless_root = fixture_path("bundles/trust/trusted_root.json");

TrustOptions key_options() {
    TrustOptions options;
    options.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    return options;
}

// The identity of the keyless bundle fixtures (tests/fixtures/bundles/index.json).
TrustOptions keyless_identity_options() {
    TrustOptions options;
    options.certificate_identity = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main";
    options.certificate_oidc_issuer = "https://token.actions.githubusercontent.com";
    return options;
}

const SigstoreSignedRequirement& default_requirement(const Policy& policy) {
    return std::get<SigstoreSignedRequirement>(policy.default_requirements.at(0).value);
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("bundle options: --match-digest-only builds signedIdentity matchDigestOnly for keys and keyless") {
    TrustOptions keys = key_options();
    keys.match_digest_only = true;
    Policy policy = build_validation_policy(keys);
    CHECK(docker_requirement(policy).signed_identity.kind == SignedIdentity::Kind::match_digest_only);
    CHECK(default_requirement(policy).signed_identity.kind == SignedIdentity::Kind::match_digest_only);
    CHECK(mentions(policy.source, "signedIdentity matchDigestOnly"));

    TrustOptions keyless = keyless_identity_options();
    keyless.trusted_root_path = keyless_root;
    keyless.match_digest_only = true;
    CHECK(docker_requirement(build_validation_policy(keyless)).signed_identity.kind == SignedIdentity::Kind::match_digest_only);

    // Without it, the c/image default: a bundle names no image, so it is never accepted there.
    CHECK(docker_requirement(build_validation_policy(key_options())).signed_identity.kind ==
          SignedIdentity::Kind::match_repo_digest_or_exact);
}

TEST_CASE("bundle options: --match-digest-only excludes --exact-repository and --match-repository") {
    TrustOptions exact = key_options();
    exact.match_digest_only = true;
    exact.exact_repository = "registry.example.com/app";
    CHECK(mentions(refusal(exact), "use only one of --exact-repository, --match-repository and --match-digest-only"));
    TrustOptions repository = key_options();
    repository.match_digest_only = true;
    repository.match_repository = true;
    CHECK(mentions(refusal(repository), "use only one of --exact-repository, --match-repository and --match-digest-only"));
}

TEST_CASE("bundle options: --trusted-root with keys keeps keyPath and adds trustedRootPath") {
    TrustOptions options = key_options();
    options.trusted_root_path = keyed_root;
    Policy policy = build_validation_policy(options);
    const auto& requirement = docker_requirement(policy);
    CHECK(requirement.key_path == fixture_path("keys/ecdsa-p256.pub"));
    CHECK(requirement.trusted_root_path == keyed_root);
    CHECK_FALSE(requirement.trusted_root_data);
    CHECK_FALSE(requirement.rekor_public_key_path);
    CHECK_FALSE(requirement.fulcio);
    CHECK(default_requirement(policy).trusted_root_path == keyed_root);
    CHECK(mentions(policy.source, "trusted root " + keyed_root));
}

TEST_CASE("bundle options: --trusted-root with keyless flags builds fulcio without caPath, and trustedRootPath") {
    TrustOptions options = keyless_identity_options();
    options.trusted_root_path = keyless_root;
    Policy policy = build_validation_policy(options);
    const auto& requirement = docker_requirement(policy);
    REQUIRE(requirement.fulcio);
    CHECK_FALSE(requirement.fulcio->ca_path);
    CHECK_FALSE(requirement.fulcio->ca_data);
    CHECK(requirement.fulcio->oidc_issuer == "https://token.actions.githubusercontent.com");
    CHECK(requirement.fulcio->identity.subject == "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main");
    CHECK(requirement.trusted_root_path == keyless_root);
    CHECK_FALSE(requirement.trusted_root_data);
    CHECK_FALSE(requirement.rekor_public_key_path);
    CHECK_FALSE(requirement.rekor_public_key_paths);
    CHECK(mentions(policy.source, "fulcio (trusted root " + keyless_root));
}

TEST_CASE("bundle options: keyless with neither CA, Rekor key nor root uses the built-in public-good root") {
    Policy policy = build_validation_policy(keyless_identity_options());
    const auto& requirement = docker_requirement(policy);
    REQUIRE(requirement.fulcio);
    CHECK_FALSE(requirement.fulcio->ca_path);
    CHECK_FALSE(requirement.trusted_root_path);
    REQUIRE(requirement.trusted_root_data);
    CHECK(*requirement.trusted_root_data == std::string(sigstore::embedded_public_good_trusted_root()));
    CHECK_FALSE(requirement.trusted_root_data->empty());
    CHECK_FALSE(requirement.rekor_public_key_path);
    CHECK(mentions(policy.source, "the built-in public-good trusted root"));

    // Half of the old keyless trust is not a request for the public-good root.
    TrustOptions ca_only = keyless_identity_options();
    ca_only.fulcio_ca_path = fixture_path("keyless/fulcio-root.pem");
    CHECK(mentions(refusal(ca_only), "needs --rekor-public-key"));
    TrustOptions rekor_only = keyless_identity_options();
    rekor_only.rekor_key_paths = {fixture_path("keyless/rekor.pub")};
    CHECK(mentions(refusal(rekor_only), "needs --fulcio-ca"));
}

TEST_CASE("bundle options: --trusted-root beside --fulcio-ca, --rekor-public-key or PKI is refused") {
    TrustOptions with_ca = keyless_identity_options();
    with_ca.trusted_root_path = keyless_root;
    with_ca.fulcio_ca_path = fixture_path("keyless/fulcio-root.pem");
    CHECK(mentions(refusal(with_ca), "--trusted-root cannot be used with --fulcio-ca or --rekor-public-key"));
    TrustOptions with_rekor = keyless_identity_options();
    with_rekor.trusted_root_path = keyless_root;
    with_rekor.rekor_key_paths = {fixture_path("keyless/rekor.pub")};
    CHECK(mentions(refusal(with_rekor), "--trusted-root cannot be used with --fulcio-ca or --rekor-public-key"));
    TrustOptions keys_with_rekor = key_options();
    keys_with_rekor.trusted_root_path = keyed_root;
    keys_with_rekor.rekor_key_paths = {fixture_path("keyless/rekor.pub")};
    CHECK(mentions(refusal(keys_with_rekor), "--trusted-root cannot be used with --fulcio-ca or --rekor-public-key"));
    TrustOptions with_pki;
    with_pki.ca_roots_path = fixture_path("keyless/pki-root.pem");
    with_pki.certificate_identity = "pki-signer@example.com";
    with_pki.trusted_root_path = keyless_root;
    CHECK(mentions(refusal(with_pki), "--trusted-root cannot be used with PKI options"));
}

TEST_CASE("bundle options: an unusable --trusted-root file is a configuration error before any image") {
    TrustOptions missing = key_options();
    missing.trusted_root_path = fixture_path("bundles/trust/does-not-exist.json");
    CHECK(mentions(refusal(missing), "--trusted-root " + missing.trusted_root_path + ": the file does not exist"));
    // A bundle is JSON but not a TrustedRoot; a PEM key is not JSON at all.
    TrustOptions bundle_as_root = key_options();
    bundle_as_root.trusted_root_path = fixture_path("bundles/keyed/valid-image-rekor.sigstore.json");
    CHECK(mentions(refusal(bundle_as_root), "invalid trusted root"));
    TrustOptions key_as_root = keyless_identity_options();
    key_as_root.trusted_root_path = fixture_path("keys/ecdsa-p256.pub");
    CHECK(mentions(refusal(key_as_root), "invalid trusted root"));
}

TEST_CASE("bundle options: --match-digest-only and --trusted-root do not apply to --policy or --insecure-policy") {
    const std::string expected = "--exact-repository, --match-repository, --match-digest-only and --trusted-root apply to the "
                                 "in-memory policy";
    TrustOptions digest_only;
    digest_only.policy_path = fixture_path("policies/never-read.json");
    digest_only.match_digest_only = true;
    CHECK(mentions(refusal(digest_only), expected));
    TrustOptions root;
    root.policy_path = fixture_path("policies/never-read.json");
    root.trusted_root_path = keyed_root;
    CHECK(mentions(refusal(root), expected));
    TrustOptions insecure;
    insecure.insecure_policy = true;
    insecure.match_digest_only = true;
    CHECK(mentions(refusal(insecure), expected));
    // Keys and --policy together stay refused as before (a source conflict, not a silent choice).
    TrustOptions keys_and_policy = key_options();
    keys_and_policy.policy_path = fixture_path("policies/never-read.json");
    keys_and_policy.match_digest_only = true;
    CHECK(mentions(refusal(keys_and_policy), "use only one of"));
    // --trusted-root alone names no trust to use it with.
    TrustOptions root_alone;
    root_alone.trusted_root_path = keyed_root;
    CHECK_FALSE(refusal(root_alone) == "(accepted)");
}
