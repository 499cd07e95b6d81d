// verify_rfc3161_timestamps: tokens written by `openssl ts -reply` for a test
// TSA (tests/fixtures/sigstore/regenerate-timestamps-scts.sh), then the real
// tokens of the sigstore-conformance cases that exercise timestamps.
#include <catch2/catch.hpp>

#include "signature/rejection.hpp"
#include "sigstore/timestamp.hpp"
#include "timestamp_sct_test_support.hpp"

using namespace imgtrust::sigstore;
using imgtrust::signature::SignatureRejected;
using namespace timestamp_sct_test;

namespace {

const std::string kUri = "https://tsa.test/api/v1/timestamp";

TrustedRoot root_with(std::vector<CertificateAuthority> authorities) {
    TrustedRoot root;
    root.timestamp_authorities = std::move(authorities);
    return root;
}

// The test TSA as a root lists it: its leaf, then its root.
CertificateAuthority test_tsa() { return tsa({certificate_pem("tsa-leaf.pem"), certificate_pem("tsa-root.pem")}, kUri); }

std::time_t good_gen_time() { return static_cast<std::time_t>(std::stoll(fixture("tsa-good.gentime"))); }

std::string rejection(const TrustedRoot& root, const std::vector<std::string>& tokens,
                      const std::string& signature = fixture("tsa-signature.bin")) {
    try {
        verify_rfc3161_timestamps(root, tokens, signature);
    } catch (const SignatureRejected& rejected) {
        return rejected.what();
    }
    return "";
}

std::string rejection(const std::string& token_file) { return rejection(root_with({test_tsa()}), {fixture(token_file)}); }

}  // namespace

TEST_CASE("a good token verifies and reports genTime and the authority's URI") {
    auto verified = verify_rfc3161_timestamps(root_with({test_tsa()}), {fixture("tsa-good.tsr")}, fixture("tsa-signature.bin"));
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].time == good_gen_time());  // as `openssl ts -reply -text` printed it
    CHECK(verified[0].authority == kUri);
}

TEST_CASE("an authority without a URI is reported by its subject") {
    CertificateAuthority authority = test_tsa();
    authority.uri.clear();
    auto verified = verify_rfc3161_timestamps(root_with({authority}), {fixture("tsa-good.tsr")}, fixture("tsa-signature.bin"));
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].authority == authority.subject);
}

TEST_CASE("SHA-384 imprints verify; SHA-1 imprints are refused as weak") {
    CHECK(rejection("tsa-good-sha384.tsr").empty());
    CHECK_THAT(rejection("tsa-sha1-imprint.tsr"), Catch::Contains("weak hash algorithm SHA-1"));
}

TEST_CASE("a token without embedded certificates verifies with the root's TSA certificate") {
    CHECK(rejection("tsa-good-without-embedded-cert.tsr").empty());
}

TEST_CASE("with a root listing no TSA leaf, an embedded signer that chains to the root verifies") {
    TrustedRoot root = root_with({tsa({certificate_pem("tsa-root.pem")})});
    CHECK(rejection(root, {fixture("tsa-good.tsr")}).empty());
    CHECK_THAT(rejection(root, {fixture("tsa-good-without-embedded-cert.tsr")}),
               Catch::Contains("embeds no signer certificate and the authority lists no TSA certificate"));
    CHECK_THAT(rejection(root, {fixture("tsa-untrusted-signer.tsr")}), Catch::Contains("does not verify at genTime"));
}

TEST_CASE("the message imprint must be the hash of these signature bytes") {
    CHECK_THAT(rejection("tsa-other-imprint.tsr"), Catch::Contains("does not timestamp this signature") &&
                                                       Catch::Contains("message imprint mismatch"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {fixture("tsa-good.tsr")}, fixture("tsa-other-signature.bin")),
               Catch::Contains("message imprint mismatch"));
    CHECK(rejection(root_with({test_tsa()}), {fixture("tsa-other-imprint.tsr")}, fixture("tsa-other-signature.bin")).empty());
}

TEST_CASE("a token signed by a TSA that is not in the root is rejected, with or without its certificate") {
    CHECK_THAT(rejection("tsa-untrusted-signer.tsr"), Catch::Contains("is not the authority's TSA certificate"));
    CHECK_THAT(rejection("tsa-untrusted-signer-without-embedded-cert.tsr"), Catch::Contains("is not the authority's TSA certificate"));
    // Its own root does not make it trusted while that root is not a timestamp authority of the trusted root.
    TrustedRoot root = root_with({test_tsa()});
    root.certificate_authorities.push_back(tsa({certificate_pem("tsa-other-leaf.pem"), certificate_pem("tsa-other-root.pem")}));
    CHECK_FALSE(rejection(root, {fixture("tsa-untrusted-signer.tsr")}).empty());
}

TEST_CASE("an embedded certificate with the issuer and serial of the root's TSA certificate must be that certificate") {
    CHECK_THAT(rejection("tsa-impostor-embedded-cert.tsr"),
               Catch::Contains("the certificate embedded in the token does not match the authority's TSA certificate"));
}

TEST_CASE("a root's TSA certificate other than the signer is not replaced by the token's") {
    TrustedRoot root = root_with({tsa({certificate_pem("tsa-expired-leaf.pem"), certificate_pem("tsa-root.pem")})});
    CHECK_THAT(rejection(root, {fixture("tsa-good.tsr")}), Catch::Contains("is not the authority's TSA certificate"));
}

TEST_CASE("genTime must lie in the authority's validFor, both ends inclusive") {
    const std::time_t gen_time = good_gen_time();
    auto with_window = [](std::optional<std::time_t> start, std::optional<std::time_t> end) {
        CertificateAuthority authority = test_tsa();
        authority.valid_for = {start, end};
        return rejection(root_with({authority}), {fixture("tsa-good.tsr")});
    };
    CHECK(with_window(gen_time - 3600, gen_time).empty());
    CHECK(with_window(gen_time, std::nullopt).empty());
    CHECK_THAT(with_window(gen_time - 3600, gen_time - 1), Catch::Contains("outside the authority's validFor window"));
    CHECK_THAT(with_window(gen_time + 1, std::nullopt), Catch::Contains("outside the authority's validFor window"));
}

TEST_CASE("a genTime with a fraction in the validFor end second is after the end") {
    const std::time_t gen_time = static_cast<std::time_t>(std::stoll(fixture("tsa-good-fractional-gentime.gentime")));
    auto with_window = [](std::optional<std::time_t> start, std::optional<std::time_t> end) {
        CertificateAuthority authority = test_tsa();
        authority.valid_for = {start, end};
        return rejection(root_with({authority}), {fixture("tsa-good-fractional-gentime.tsr")});
    };
    auto verified = verify_rfc3161_timestamps(root_with({test_tsa()}), {fixture("tsa-good-fractional-gentime.tsr")},
                                              fixture("tsa-signature.bin"));
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].time == gen_time);  // whole seconds
    CHECK(with_window(gen_time, gen_time + 1).empty());
    CHECK_THAT(with_window(std::nullopt, gen_time), Catch::Contains("outside the authority's validFor window"));
}

TEST_CASE("the TSA certificate must be valid at genTime") {
    TrustedRoot root = root_with({tsa({certificate_pem("tsa-expired-leaf.pem"), certificate_pem("tsa-root.pem")})});
    CHECK_THAT(rejection(root, {fixture("tsa-expired-leaf.tsr")}),
               Catch::Contains("does not verify at genTime") && Catch::Contains("certificate has expired"));
}

TEST_CASE("an intermediate whose extended key usage excludes timestamping breaks the chain") {
    TrustedRoot root = root_with({tsa({certificate_pem("tsa-leaf-under-restricted-intermediate.pem"),
                                       certificate_pem("tsa-restricted-intermediate.pem"), certificate_pem("tsa-root.pem")})});
    CHECK_THAT(rejection(root, {fixture("tsa-restricted-intermediate.tsr")}), Catch::Contains("does not allow timestamping"));
}

TEST_CASE("malformed tokens are rejected before any authority is tried") {
    const std::string good = fixture("tsa-good.tsr");
    CHECK_THAT(rejection(root_with({test_tsa()}), {""}), Catch::Contains("it is empty"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {good.substr(0, good.size() / 2)}), Catch::Contains("not a DER TimeStampResp"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {good.substr(0, good.size() - 1)}), Catch::Contains("not a DER TimeStampResp"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {"garbage, not DER"}), Catch::Contains("not a DER TimeStampResp"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {good + '\0'}), Catch::Contains("trailing bytes"));
    CHECK_THAT(rejection(root_with({test_tsa()}), {std::string(64 * 1024 + 1, '\x30')}), Catch::Contains("larger than"));
    CHECK_THAT(rejection("tsa-bare-token.der"), Catch::Contains("not a DER TimeStampResp"));
    CHECK_THAT(rejection("tsa-status-rejection.tsr"), Catch::Contains("status is 2, not granted"));
}

TEST_CASE("every token must verify; each verified token is returned") {
    TrustedRoot root = root_with({test_tsa()});
    auto verified = verify_rfc3161_timestamps(root, {fixture("tsa-good.tsr"), fixture("tsa-good-sha384.tsr")},
                                              fixture("tsa-signature.bin"));
    CHECK(verified.size() == 2);
    CHECK_THAT(rejection(root, {fixture("tsa-good.tsr"), fixture("tsa-other-imprint.tsr")}),
               Catch::StartsWith("RFC 3161 timestamp 2 of 2 rejected"));
    CHECK(verify_rfc3161_timestamps(root, {}, fixture("tsa-signature.bin")).empty());
    CHECK_THAT(rejection(root, std::vector<std::string>(33, fixture("tsa-good.tsr"))), Catch::Contains("too many RFC 3161 timestamps"));
}

TEST_CASE("authorities are tried in turn; a failure names each one") {
    CertificateAuthority other = tsa({certificate_pem("tsa-other-leaf.pem"), certificate_pem("tsa-other-root.pem")}, "https://other.test");
    other.subject = "imgtrust tests/imgtrust untrusted TSA";
    auto verified = verify_rfc3161_timestamps(root_with({other, test_tsa()}), {fixture("tsa-good.tsr")}, fixture("tsa-signature.bin"));
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].authority == kUri);
    CHECK_THAT(rejection(root_with({other, other}), {fixture("tsa-good.tsr")}),
               Catch::Contains("no trusted timestamp authority verifies it (imgtrust tests/imgtrust untrusted TSA: ") &&
                   Catch::Contains("; imgtrust tests/imgtrust untrusted TSA: "));
    CHECK_THAT(rejection(TrustedRoot{}, {fixture("tsa-good.tsr")}), Catch::Contains("lists no timestamp authority"));
}

// sigstore-conformance bundle-verify cases: the tokens and signatures of real
// bundles against the timestamp authorities of each case's trusted_root.json.
TEST_CASE("conformance: timestamps that verify") {
    for (const char* name : {"rekor2-happy-path", "rekor2-dsse-happy-path", "rekor2-timestamp-with-embedded-cert",
                             "rekor2-timestamp-without-embedded-cert", "rekor2-timestamp-with-expired-cert-chain",
                             "bundle-with-sct-with-extensions"}) {
        INFO(name);
        ConformanceCase loaded = conformance_case(name);
        REQUIRE(loaded.timestamps.size() == 1);
        CHECK(verify_rfc3161_timestamps(loaded.root, loaded.timestamps, loaded.signature).size() == 1);
    }
}

TEST_CASE("conformance: trust-root-tsa-validity-end-inclusive (genTime equals validFor.end)") {
    ConformanceCase loaded = conformance_case("trust-root-tsa-validity-end-inclusive");
    auto verified = verify_rfc3161_timestamps(loaded.root, loaded.timestamps, loaded.signature);
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].time == 1749729740);  // 2025-06-12T12:02:20Z
    CHECK(loaded.root.timestamp_authorities[0].valid_for.end == verified[0].time);
}

TEST_CASE("conformance: timestamps outside the signing certificate verify here; the caller rejects them") {
    // rekor2-timestamp-with-incorrect-time_fail and intoto-tsa-timestamp-outside-cert-validity_fail: the
    // token itself is sound; the bundle fails because genTime is outside the Fulcio leaf's validity.
    for (const char* name : {"rekor2-timestamp-with-incorrect-time_fail", "intoto-tsa-timestamp-outside-cert-validity_fail"}) {
        INFO(name);
        ConformanceCase loaded = conformance_case(name);
        auto verified = verify_rfc3161_timestamps(loaded.root, loaded.timestamps, loaded.signature);
        REQUIRE(verified.size() == 1);
        Certificate leaf = certificate_der(loaded.leaf_der);
        bool inside = ASN1_TIME_cmp_time_t(X509_get0_notBefore(leaf.get()), verified[0].time) <= 0 &&
                      ASN1_TIME_cmp_time_t(X509_get0_notAfter(leaf.get()), verified[0].time) >= 0;
        CHECK_FALSE(inside);
    }
}

TEST_CASE("conformance: timestamps that are rejected") {
    struct Case {
        const char* name;
        const char* reason;
    };
    for (const Case& c : {Case{"rekor2-timestamp-outside-trust-root-tsa-validity_fail", "outside the authority's validFor window"},
                          Case{"rekor2-timestamp-outside-tsa-cert-validity_fail", "certificate has expired"},
                          Case{"rekor2-timestamp-payload-mismatch_fail", "message imprint mismatch"},
                          Case{"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", "is not the authority's TSA certificate"},
                          Case{"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", "is not the authority's TSA certificate"}}) {
        INFO(c.name);
        ConformanceCase loaded = conformance_case(c.name);
        CHECK_THAT(rejection(loaded.root, loaded.timestamps, loaded.signature), Catch::Contains(c.reason));
    }
}
