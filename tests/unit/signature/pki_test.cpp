// pki certificates, with the cases of c/image's pki_cert_test.go: the cosign
// pki fixture of c/image, then test leaves of tests/fixtures/keyless/leaves.
#include <catch2/catch.hpp>

#include "keyless_test_support.hpp"
#include "signature/pki.hpp"
#include "signature/rejection.hpp"

using namespace imgtrust::signature;
using keyless_test::cimage;
using keyless_test::keyless;

namespace {

PkiTrustRoot cosign_trust(bool with_intermediates) {
    return {collect_pool_certificates_pem(cimage("pki_root_crts.pem")),
            with_intermediates ? parse_certificates_pem(cimage("pki_intermediate_crts.pem")) : std::vector<Certificate>{},
            "qiwan@redhat.com", "myhost.example.com", nullptr};
}

std::string test_rejection(const std::string& leaf_name, const std::string& email, const std::string& hostname) {
    PkiTrustRoot trust{collect_pool_certificates_pem(keyless("pki-root.pem")), {}, email, hostname, nullptr};
    try {
        verify_pki_certificate(trust, keyless("leaves/pki-" + leaf_name + ".pem"),
                               keyless("pki-intermediate.pem") + keyless("pki-root.pem"), std::time(nullptr));
    } catch (const SignatureRejected& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a cosign pki certificate verifies now, with intermediates from the policy or the signature") {
    std::string leaf = cimage("pki-cert"), chain = cimage("pki-chain");
    std::time_t now = std::time(nullptr);
    auto verified = verify_pki_certificate(cosign_trust(true), leaf, chain, now);
    CHECK(verified.public_key.fingerprint() == parse_leaf_certificate_pem(leaf).public_key().fingerprint());
    CHECK(verified.summary.subject_alternative_names == std::vector<std::string>{"email:qiwan@redhat.com", "DNS:myhost.example.com"});
    CHECK_NOTHROW(verify_pki_certificate(cosign_trust(true), leaf, "", now));   // intermediates in the policy only
    CHECK_NOTHROW(verify_pki_certificate(cosign_trust(false), leaf, chain, now));  // … or in the signature only
    CHECK_THROWS_WITH(verify_pki_certificate(cosign_trust(false), leaf, "", now), Catch::Contains("unable to get local issuer"));
    CHECK_THROWS_WITH(verify_pki_certificate(cosign_trust(true), leaf, "not a certificate", now), Catch::Contains("loading certificate chain"));
    CHECK_THROWS_WITH(verify_pki_certificate(cosign_trust(true), "not a certificate", chain, now), Catch::Contains("parsing leaf certificate"));
    CHECK_THROWS_WITH(verify_pki_certificate(cosign_trust(true), leaf, chain, 4102444800),
                      Catch::Contains("certificate has expired") && Catch::Contains("the current time"));
}

TEST_CASE("pki subject email and hostname, one rule broken at a time") {
    const std::string email = "pki-signer@example.com", host = "signer.example.com";
    CHECK(test_rejection("email", email, "").empty());
    CHECK(test_rejection("hostname", "", host).empty());
    CHECK(test_rejection("email-and-hostname", email, host).empty());
    CHECK(test_rejection("wildcard-hostname", "", host).empty());
    CHECK(test_rejection("no-eku", email, "").empty());
    CHECK(test_rejection("email", "someone@example.com", "") == "Required email \"someone@example.com\" not found (got [\"pki-signer@example.com\"])");
    CHECK(test_rejection("hostname", email, "") == "Required email \"pki-signer@example.com\" not found (got [])");
    CHECK_THAT(test_rejection("email", "", host), Catch::Contains("Unexpected subject hostname"));
    CHECK_THAT(test_rejection("several-hostnames-none-matches", "", host),
               Catch::Contains("Unexpected subject hostname: x509: certificate is valid for a.example.com, b.example.com, not signer.example.com"));
    CHECK_THAT(test_rejection("email-and-hostname", email, "other.example.com"), Catch::Contains("Unexpected subject hostname"));
    CHECK_THAT(test_rejection("wrong-eku", email, ""), Catch::Contains("incompatible key usage"));
    CHECK_THAT(test_rejection("expired", email, ""), Catch::Contains("certificate has expired") &&
                                                        Catch::Contains("valid from 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z"));
    CHECK_THAT(test_rejection("othername-san", email, ""), Catch::Contains("unhandled critical extension"));
    CHECK_THAT(test_rejection("sha1-signed", email, ""), Catch::Contains("insecure algorithm sha1WithRSAEncryption") ||
                                                             Catch::Contains("insecure algorithm ecdsa-with-SHA1"));
}
