// Fulcio certificates, with the cases of c/image's fulcio_cert_test.go: the
// real cosign certificate of c/image's fixtures, then test leaves that break
// one rule each (tests/fixtures/keyless/leaves, made by regenerate-keyless.sh).
#include <catch2/catch.hpp>

#include "keyless_test_support.hpp"
#include "signature/fulcio.hpp"
#include "signature/rejection.hpp"

using namespace imgtrust::signature;
using keyless_test::cimage;
using keyless_test::keyless;

namespace {

constexpr std::time_t cosign_signing_time = 1670870899;   // the cosign fixture's Rekor integrated time
constexpr std::time_t test_integrated_time = 1700000030;  // generate_keyless.py INTEGRATED_TIME

FulcioTrustRoot cosign_trust(const std::string& email = "mitr@redhat.com") {
    return {collect_pool_certificates_pem(cimage("fulcio_v1.crt.pem")), "https://github.com/login/oauth", email, nullptr};
}

FulcioTrustRoot test_trust() {
    return {collect_pool_certificates_pem(keyless("fulcio-root.pem")), "https://oidc.example.com", "signer@example.com", nullptr};
}

std::string test_rejection(const std::string& leaf_name) {
    try {
        verify_fulcio_certificate_at_time(test_trust(), test_integrated_time, keyless("leaves/fulcio-" + leaf_name + ".pem"),
                                          keyless("fulcio-intermediate.pem") + keyless("fulcio-root.pem"));
    } catch (const SignatureRejected& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a cosign Fulcio certificate verifies at its SET's integrated time, and only then") {
    std::string leaf = cimage("fulcio-cert"), chain = cimage("fulcio-chain");
    auto verified = verify_fulcio_certificate_at_time(cosign_trust(), cosign_signing_time, leaf, chain);
    CHECK(verified.public_key.fingerprint() == parse_leaf_certificate_pem(leaf).public_key().fingerprint());
    CHECK(verified.summary.oidc_issuer == "https://github.com/login/oauth");
    CHECK(verified.summary.subject_alternative_names == std::vector<std::string>{"email:mitr@redhat.com"});
    // The certificate is valid from 18:48:18 to 18:58:18 UTC on 2022-12-12; Go accepts both ends.
    CHECK_NOTHROW(verify_fulcio_certificate_at_time(cosign_trust(), 1670870898, leaf, chain));
    CHECK_NOTHROW(verify_fulcio_certificate_at_time(cosign_trust(), 1670871498, leaf, chain));
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(cosign_trust(), 1670870897, leaf, chain), Catch::Contains("not yet valid"));
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(cosign_trust(), 1670871499, leaf, chain),
                      Catch::Contains("certificate has expired") && Catch::Contains("the Rekor SET's integrated time"));
}

TEST_CASE("the Fulcio chain: invalid intermediates, invalid leaf, missing intermediates") {
    std::string leaf = cimage("fulcio-cert"), chain = cimage("fulcio-chain");
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(cosign_trust(), cosign_signing_time, leaf, "not a certificate"),
                      Catch::Contains("loading certificate chain"));
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(cosign_trust(), cosign_signing_time, "not a certificate", chain),
                      Catch::Contains("parsing leaf certificate"));
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(cosign_trust(), cosign_signing_time, leaf, ""),
                      Catch::Contains("veryfing leaf certificate failed") && Catch::Contains("unable to get local issuer"));
    // … but trusting the intermediates themselves is enough.
    FulcioTrustRoot intermediates_trusted{collect_pool_certificates_pem(chain), "https://github.com/login/oauth", "mitr@redhat.com", nullptr};
    CHECK_NOTHROW(verify_fulcio_certificate_at_time(intermediates_trusted, cosign_signing_time, leaf, ""));
}

TEST_CASE("the Fulcio OIDC issuer extensions") {
    auto issuer = [](const std::string& name) {
        return fulcio_issuer_in_certificate(parse_leaf_certificate_pem(keyless("leaves/fulcio-" + name + ".pem")));
    };
    CHECK(issuer("valid") == "https://oidc.example.com");
    CHECK(issuer("v1-issuer-only") == "https://oidc.example.com");
    CHECK(issuer("v2-issuer-only") == "https://oidc.example.com");
    CHECK(fulcio_issuer_in_certificate(parse_leaf_certificate_pem(cimage("fulcio-cert"))) == "https://github.com/login/oauth");
    CHECK_THROWS_WITH(issuer("issuers-disagree"), Catch::Contains("inconsistent OIDC issuer extension values"));
    CHECK_THROWS_WITH(issuer("no-issuer-extension"), Catch::Contains("Fulcio certificate is missing the issuer extension"));
    CHECK_THROWS_WITH(issuer("v2-issuer-not-a-string"), Catch::Contains("invalid ASN.1 in OIDC issuer v2 extension: asn1: structure error"));
    CHECK_THROWS_WITH(issuer("v2-issuer-trailing-data"), Catch::Contains("invalid ASN.1 in OIDC issuer v2 extension, trailing data"));
}

TEST_CASE("Fulcio leaves that break one rule each") {
    CHECK(test_rejection("valid").empty());
    CHECK(test_rejection("several-emails-one-matches").empty());
    CHECK(test_rejection("v1-issuer-only").empty());
    CHECK(test_rejection("wrong-issuer") ==
          "Unexpected Fulcio OIDC issuer \"https://other-oidc.example.com\" (the policy requires \"https://oidc.example.com\")");
    CHECK(test_rejection("wrong-email") == "Required email \"signer@example.com\" not found (got [\"someone-else@example.com\"])");
    CHECK_THAT(test_rejection("wrong-eku"), Catch::Contains("incompatible key usage"));
    CHECK_THAT(test_rejection("expired-at-integrated-time"),
               Catch::Contains("certificate has expired") && Catch::Contains("valid from 2023-11-14T21:13:20Z to 2023-11-14T21:23:20Z") &&
                   Catch::Contains("checked at 2023-11-14T22:13:50Z"));
    CHECK_THAT(test_rejection("not-yet-valid-at-integrated-time"), Catch::Contains("certificate is not yet valid"));
    CHECK_THAT(test_rejection("other-ca"), Catch::Contains("unable to get local issuer certificate") &&
                                               Catch::Contains("CN=other fulcio root"));
    CHECK_THAT(test_rejection("issuers-disagree"), Catch::Contains("inconsistent OIDC issuer"));
    CHECK_THAT(test_rejection("no-issuer-extension"), Catch::Contains("missing the issuer extension"));
}

TEST_CASE("verify_rekor_fulcio: SET first, then the certificate at the SET's time (c/image TestVerifyRekorFulcio)") {
    auto rekor = keyless_test::pem_keys(cimage("rekor.pub"));
    std::string set = cimage("rekor-set"), leaf = cimage("fulcio-cert"), chain = cimage("fulcio-chain");
    std::string signature = cimage("rekor-sig"), payload = cimage("rekor-payload");
    auto verified = verify_rekor_fulcio(rekor, cosign_trust(), set, leaf, chain, signature, payload);
    CHECK(verified.summary.integrated_time == cosign_signing_time);
    CHECK_THROWS_WITH(verify_rekor_fulcio(rekor, cosign_trust(), set, leaf, chain, signature, "this payload does not match"),
                      Catch::Contains("payload in Rekor SET does not match"));
    CHECK_THROWS_WITH(verify_rekor_fulcio(rekor, cosign_trust("this-does-not-match@example.com"), set, leaf, chain, signature, payload),
                      Catch::Contains("Required email \"this-does-not-match@example.com\" not found (got [\"mitr@redhat.com\"])"));
}
