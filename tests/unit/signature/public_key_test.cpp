#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "signature/public_key.hpp"
#include "signature_fixtures.hpp"

using imgtrust::ConfigError;
using imgtrust::signature::load_public_keys_pem;
using signature_test::read_fixture;

namespace {

std::string fingerprint_from_list(const std::string& name) {
    std::string list = read_fixture("keys/FINGERPRINTS.txt");
    std::size_t line = list.find(name + " ");
    REQUIRE(line != std::string::npos);
    std::size_t start = list.find("SHA256:", line);
    return list.substr(start, list.find('\n', start) - start);
}

}  // namespace

TEST_CASE("each supported key type loads with its algorithm and SPKI fingerprint") {
    struct Case {
        const char* name;
        const char* algorithm;
    };
    for (Case c : {Case{"ecdsa-p256", "ECDSA P-256"}, Case{"ecdsa-p384", "ECDSA P-384"}, Case{"ecdsa-p521", "ECDSA P-521"},
                   Case{"rsa-2048", "RSA 2048"}, Case{"rsa-4096", "RSA 4096"}, Case{"ed25519", "Ed25519"}}) {
        INFO(c.name);
        auto keys = load_public_keys_pem(read_fixture(std::string("keys/") + c.name + ".pub"), c.name);
        REQUIRE(keys.size() == 1);
        CHECK(keys[0].algorithm() == c.algorithm);
        CHECK(keys[0].fingerprint() == fingerprint_from_list(std::string(c.name) + ".pub"));
    }
}

TEST_CASE("keys Go's x509 accepts are accepted: P-224 and PKCS#1 RSA PUBLIC KEY blocks") {
    auto p224 = load_public_keys_pem(read_fixture("keys/ecdsa-p224.pub"), "p224");
    REQUIRE(p224.size() == 1);
    CHECK(p224[0].algorithm() == "ECDSA P-224");
    auto pkcs1 = load_public_keys_pem(read_fixture("keys/rsa-2048.pkcs1.pub"), "pkcs1");
    REQUIRE(pkcs1.size() == 1);
    CHECK(pkcs1[0].fingerprint() == fingerprint_from_list("rsa-2048.pub"));
}

TEST_CASE("every PEM block of a bundle is loaded, in order") {
    auto keys = load_public_keys_pem(read_fixture("keys/bundle-ecdsa-p256-rsa-2048.pub"), "bundle");
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].algorithm() == "ECDSA P-256");
    CHECK(keys[1].algorithm() == "RSA 2048");
}

TEST_CASE("text around PEM blocks is ignored, as Go's pem.Decode does") {
    auto keys = load_public_keys_pem("comment line\n" + read_fixture("keys/ed25519.pub") + "trailer\n", "with-text");
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].algorithm() == "Ed25519");
}

TEST_CASE("keys that cannot verify cosign signatures are configuration errors naming the origin") {
    CHECK_THROWS_WITH(load_public_keys_pem(read_fixture("keys/not-a-key.pub"), "/etc/keys/not-a-key.pub"),
                      Catch::Contains("/etc/keys/not-a-key.pub") && Catch::Contains("PEM decoding failed"));
    CHECK_THROWS_AS(load_public_keys_pem("", "empty"), ConfigError);
    CHECK_THROWS_WITH(load_public_keys_pem(read_fixture("keys/unsupported-secp256k1.pub"), "k1"),
                      Catch::Contains("k1") && Catch::Contains("unsupported elliptic curve"));
    CHECK_THROWS_WITH(load_public_keys_pem(read_fixture("keys/unsupported-x25519.pub"), "x"),
                      Catch::Contains("unsupported public key type"));
    CHECK_THROWS_WITH(load_public_keys_pem(read_fixture("keys/ecdsa-p256.key"), "private"),
                      Catch::Contains("unknown Public key PEM file type: PRIVATE KEY"));
}

TEST_CASE("a damaged PEM block is a configuration error") {
    std::string pem = read_fixture("keys/ecdsa-p256.pub");
    std::string truncated_body = pem.substr(0, 40) + "\n-----END PUBLIC KEY-----\n";
    CHECK_THROWS_AS(load_public_keys_pem(truncated_body, "damaged"), ConfigError);
    std::string bundle_with_bad_second = pem + "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    CHECK_THROWS_WITH(load_public_keys_pem(bundle_with_bad_second, "bundle"), Catch::Contains("bundle (key 2)"));
}

TEST_CASE("PublicKey::verify checks the raw signature over the exact message") {
    auto keys = load_public_keys_pem(read_fixture("keys/ecdsa-p256.pub"), "p256");
    std::string payload = read_fixture("payloads/sigstore/valid-ecdsa-p256.payload");
    auto raw = imgtrust::util::base64_decode(read_fixture("payloads/sigstore/valid-ecdsa-p256.sig"));
    REQUIRE(raw);
    CHECK(keys[0].verify(payload, *raw));
    CHECK_FALSE(keys[0].verify(payload + " ", *raw));
    CHECK_FALSE(keys[0].verify(payload, ""));
    CHECK_FALSE(keys[0].verify(payload, raw->substr(1)));
}

TEST_CASE("RSA signatures must be exactly as long as the modulus, as Go requires") {
    auto keys = load_public_keys_pem(read_fixture("keys/rsa-2048.pub"), "rsa");
    std::string payload = read_fixture("payloads/sigstore/valid-rsa-2048.payload");
    auto raw = imgtrust::util::base64_decode(read_fixture("payloads/sigstore/valid-rsa-2048.sig"));
    REQUIRE(raw);
    CHECK(keys[0].verify(payload, *raw));
    CHECK_FALSE(keys[0].verify(payload, std::string(1, '\0') + *raw));
}
