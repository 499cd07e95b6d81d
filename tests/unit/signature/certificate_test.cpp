// PEM and certificate parsing with Go's rules (encoding/pem, x509.ParseCertificate,
// cryptoutils.UnmarshalCertificatesFromPEM, CertPool.AppendCertsFromPEM) and
// Go's VerifyHostname.
#include <catch2/catch.hpp>

#include "keyless_test_support.hpp"
#include "signature/certificate.hpp"
#include "signature/rejection.hpp"

using namespace imgtrust::signature;
using keyless_test::cimage;
using keyless_test::keyless;

TEST_CASE("go_pem_decode follows encoding/pem") {
    std::string_view rest;
    auto block = go_pem_decode("junk before\n-----BEGIN X-----\nAAEC\n-----END X-----\nafter", rest);
    REQUIRE(block);
    CHECK(block->type == "X");
    CHECK(block->bytes == std::string("\x00\x01\x02", 3));
    CHECK(rest == "after");
    CHECK_FALSE(go_pem_decode("no PEM here", rest));
    CHECK(rest == "no PEM here");
    CHECK_FALSE(go_pem_decode("-----BEGIN X-----\nAAEC\n-----END Y-----\n", rest));  // mismatched END type
    CHECK_FALSE(go_pem_decode("-----BEGIN X-----\n!!!!\n-----END X-----\n", rest));  // invalid base64
    auto with_headers = go_pem_decode("-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAAEC\n-----END X-----\n", rest);
    REQUIRE(with_headers);
    CHECK(with_headers->has_headers);
    CHECK(rest.empty());
}

TEST_CASE("certificates parse strictly from PEM") {
    std::string leaf = cimage("fulcio-cert");
    CHECK(parse_certificates_pem(leaf).size() == 1);
    CHECK(parse_certificates_pem("  \n").empty());
    CHECK(parse_certificates_pem(cimage("fulcio-chain")).size() == 2);
    CHECK_THROWS_WITH(parse_certificates_pem(leaf + "trailing garbage"), Catch::Contains("error during PEM decoding"));
    CHECK_THROWS_WITH(parse_certificates_pem("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"),
                      Catch::Contains("x509: malformed certificate"));
}

TEST_CASE("parse_leaf_certificate_pem wants exactly one certificate (c/image TestParseLeafCertsFromPEM)") {
    std::string leaf = cimage("fulcio-cert");
    CHECK_NOTHROW(parse_leaf_certificate_pem(leaf));
    CHECK_THROWS_WITH(parse_leaf_certificate_pem("not a certificate"), Catch::Contains("parsing leaf certificate"));
    CHECK_THROWS_WITH(parse_leaf_certificate_pem(""), Catch::Contains("no certificate found"));
    CHECK_THROWS_WITH(parse_leaf_certificate_pem(leaf + leaf), Catch::Contains("unexpected multiple certificates"));
}

TEST_CASE("CA pools load like CertPool.AppendCertsFromPEM") {
    CHECK(collect_pool_certificates_pem(cimage("fulcio_v1.crt.pem")).size() >= 1);
    CHECK(collect_pool_certificates_pem(keyless("fulcio-roots-other-then-ours.pem")).size() == 2);
    CHECK(collect_pool_certificates_pem(cimage("rekor.pub")).empty());  // a PUBLIC KEY block is skipped
    CHECK(collect_pool_certificates_pem("nothing").empty());
}

TEST_CASE("certificate accessors report the claimed names") {
    auto leaf = parse_leaf_certificate_pem(cimage("pki-cert"));
    CHECK(leaf.email_addresses() == std::vector<std::string>{"qiwan@redhat.com"});
    CHECK(leaf.dns_names() == std::vector<std::string>{"myhost.example.com"});
    CHECK(leaf.subject().find("CN=Team A Cosign Certificate") != std::string::npos);
    CHECK(leaf.issuer().find("Linuxera Intermediate Certificate Authority") != std::string::npos);
    CHECK(leaf.validity_window() == "valid from 2024-10-01T14:28:43Z to 2052-02-16T14:28:43Z");
    CHECK(parse_leaf_certificate_pem(keyless("leaves/pki-othername-san.pem")).has_unhandled_critical_san());
    CHECK_FALSE(leaf.has_unhandled_critical_san());
}

TEST_CASE("hostname matching follows Go's VerifyHostname") {
    auto exact = parse_leaf_certificate_pem(keyless("leaves/pki-hostname.pem"));
    CHECK(hostname_mismatch(exact, "signer.example.com").empty());
    CHECK(hostname_mismatch(exact, "SIGNER.example.com").empty());
    CHECK(hostname_mismatch(exact, "signer.example.com.").empty());
    CHECK(hostname_mismatch(exact, "other.example.com") == "x509: certificate is valid for signer.example.com, not other.example.com");
    auto wildcard = parse_leaf_certificate_pem(keyless("leaves/pki-wildcard-hostname.pem"));
    CHECK(hostname_mismatch(wildcard, "signer.example.com").empty());
    CHECK_FALSE(hostname_mismatch(wildcard, "a.b.example.com").empty());  // a wildcard covers one label
    CHECK_FALSE(hostname_mismatch(wildcard, "example.com").empty());
    auto email_only = parse_leaf_certificate_pem(keyless("leaves/pki-email.pem"));
    CHECK(hostname_mismatch(email_only, "signer.example.com") ==
          "x509: certificate is not valid for any names, but wanted to match signer.example.com");
    CHECK(hostname_mismatch(email_only, "192.0.2.1") == "x509: cannot validate certificate for 192.0.2.1 because it doesn't contain any IP SANs");
}
