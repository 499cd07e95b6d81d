// SigningKey on keys written without imgtrust (tests/fixtures/keys by the
// openssl CLI; tests/fixtures/signing-keys by regenerate-signing-keys.sh: SEC1
// and PKCS#1 re-encodings, cosign encrypted keys written with
// python3-cryptography + python3-nacl, and hostile key files).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "signature/public_key.hpp"
#include "signing/cosign_key_envelope.hpp"
#include "signing/signing_key.hpp"
#include "sigstore/key_signature.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

using namespace imgtrust;
using signing::SigningKey;

namespace {

const std::string fixture_password = "fixture-password";

signature::PublicKey public_key_of(const std::string& pub_fixture) {
    auto keys = signature::load_public_keys_pem(read_fixture(pub_fixture), pub_fixture);
    REQUIRE(keys.size() == 1);
    return keys.front();
}

signature::PublicKey public_key_of(const SigningKey& key) {
    auto keys = signature::load_public_keys_pem(key.public_key_pem(), "generated");
    REQUIRE(keys.size() == 1);
    return keys.front();
}

// A password source that counts its calls.
std::function<std::string()> counting(std::string password, int& calls) {
    return [password, &calls] {
        ++calls;
        return password;
    };
}

SigningKey load_encrypted(const std::string& relative, const std::string& password, int& calls) {
    return SigningKey::load(read_fixture(relative), counting(password, calls), relative);
}

std::string load_error(const std::string& relative, const std::string& password = fixture_password) {
    int calls = 0;
    try {
        load_encrypted(relative, password, calls);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(loaded)";
}

// The openssl CLI, an independent verifier: does `signature` verify over
// `payload` under the public key file, with `hash` ("" for Ed25519)?
bool openssl_verifies(const std::string& pub_fixture, const std::string& hash, const std::string& payload, const std::string& signature) {
    char pattern[] = "/tmp/imgtrust-openssl-XXXXXX";
    REQUIRE(::mkdtemp(pattern));
    std::string dir = pattern;
    std::ofstream(dir + "/payload", std::ios::binary) << payload;
    std::ofstream(dir + "/signature", std::ios::binary) << signature;
    std::string key = fixture_path(pub_fixture);
    std::string command = hash.empty() ? "openssl pkeyutl -verify -pubin -inkey " + key + " -rawin -in " + dir + "/payload -sigfile " + dir + "/signature"
                                       : "openssl dgst -" + hash + " -verify " + key + " -signature " + dir + "/signature " + dir + "/payload";
    int status = std::system((command + " >/dev/null 2>&1").c_str());
    std::filesystem::remove_all(dir);
    return status == 0;
}

}  // namespace

TEST_CASE("every plain key type loads without a password, and what it signs verifies under its public key") {
    struct Case {
        const char* key;
        const char* pub;
        const char* algorithm;
        const char* sign_hash;  // the hash sign() uses, as the openssl CLI names it ("" = Ed25519, none)
    };
    for (const Case& c : {Case{"keys/ecdsa-p256.key", "keys/ecdsa-p256.pub", "ECDSA P-256", "sha256"},
                          Case{"signing-keys/ecdsa-p256.sec1.key", "keys/ecdsa-p256.pub", "ECDSA P-256", "sha256"},
                          Case{"keys/ecdsa-p384.key", "keys/ecdsa-p384.pub", "ECDSA P-384", "sha384"},
                          Case{"keys/ecdsa-p521.key", "keys/ecdsa-p521.pub", "ECDSA P-521", "sha512"},
                          Case{"keys/ed25519.key", "keys/ed25519.pub", "Ed25519", ""},
                          Case{"keys/rsa-2048.key", "keys/rsa-2048.pub", "RSA 2048", "sha256"},
                          Case{"signing-keys/rsa-2048.pkcs1.key", "keys/rsa-2048.pub", "RSA 2048", "sha256"},
                          Case{"keys/rsa-4096.key", "keys/rsa-4096.pub", "RSA 4096", "sha256"}}) {
        SECTION(c.key) {
            int calls = 0;
            SigningKey key = load_encrypted(c.key, "unused", calls);
            CHECK(calls == 0);
            CHECK(key.algorithm() == c.algorithm);
            signature::PublicKey expected = public_key_of(c.pub);
            CHECK(public_key_of(key).fingerprint() == expected.fingerprint());
            CHECK(key.public_key_der() == expected.subject_public_key_info_der());
            const std::string payload = "{\"critical\":{}}";
            // sign(): the hash sigstore pairs with the key (bundles).
            CHECK(sigstore::verify_message(expected, payload, key.sign(payload)));
            CHECK_FALSE(sigstore::verify_message(expected, payload + " ", key.sign(payload)));
            // sign_sha256(): what c/image's sigstoreSigned (and PublicKey::verify) checks.
            CHECK(expected.verify(payload, key.sign_sha256(payload)));
            // And the openssl CLI agrees on both.
            CHECK(openssl_verifies(c.pub, c.sign_hash, payload, key.sign(payload)));
            CHECK(openssl_verifies(c.pub, std::string(c.sign_hash).empty() ? "" : "sha256", payload, key.sign_sha256(payload)));
            CHECK_FALSE(openssl_verifies(c.pub, c.sign_hash, payload + "x", key.sign(payload)));
            // The hint is cosign's: base64 of SHA-256 over the DER SubjectPublicKeyInfo.
            CHECK(key.key_id_hint() ==
                  util::base64_encode(util::raw_digest(util::DigestAlgorithm::sha256, expected.subject_public_key_info_der())));
        }
    }
}

TEST_CASE("cosign encrypted keys written by an independent writer decrypt, asking for the password once") {
    for (const char* name : {"signing-keys/cosign-standard-ecdsa-p256.key", "signing-keys/cosign-legacy-ecdsa-p256.key"}) {
        int calls = 0;
        SigningKey key = load_encrypted(name, fixture_password, calls);
        CHECK(calls == 1);
        CHECK(public_key_of(key).fingerprint() == public_key_of("keys/ecdsa-p256.pub").fingerprint());
    }
    int calls = 0;
    CHECK(public_key_of(load_encrypted("signing-keys/cosign-owasp-ed25519.key", fixture_password, calls)).fingerprint() ==
          public_key_of("keys/ed25519.pub").fingerprint());
    CHECK(public_key_of(load_encrypted("signing-keys/cosign-standard-rsa-2048.key", fixture_password, calls)).fingerprint() ==
          public_key_of("keys/rsa-2048.pub").fingerprint());
    CHECK(public_key_of(load_encrypted("signing-keys/cosign-empty-password-ecdsa-p384.key", "", calls)).fingerprint() ==
          public_key_of("keys/ecdsa-p384.pub").fingerprint());
}

TEST_CASE("a wrong password is a ConfigError that says so and names the key") {
    CHECK_THAT(load_error("signing-keys/cosign-standard-ecdsa-p256.key", "not-the-password"),
               Catch::StartsWith("wrong password for signing-keys/cosign-standard-ecdsa-p256.key"));
    CHECK_THAT(load_error("signing-keys/cosign-empty-password-ecdsa-p384.key", "x"), Catch::StartsWith("wrong password for"));
    // An altered ciphertext cannot be told from a wrong password (secretbox authenticates both).
    CHECK_THAT(load_error("signing-keys/rejected-tampered-ciphertext.key"), Catch::StartsWith("wrong password for"));
}

TEST_CASE("hostile or unsupported key files are ConfigErrors with the reason") {
    CHECK_THAT(load_error("signing-keys/rejected-unknown-kdf.key"), Catch::Contains("unknown kdf \"argon2\""));
    CHECK_THAT(load_error("signing-keys/rejected-unknown-cipher.key"), Catch::Contains("unknown cipher \"aes-gcm\""));
    CHECK_THAT(load_error("signing-keys/rejected-huge-scrypt-n.key"), Catch::Contains("unsupported scrypt parameters N=1073741824"));
    CHECK_THAT(load_error("signing-keys/rejected-huge-scrypt-r.key"), Catch::Contains("unsupported scrypt parameters N=32768 r=4096"));
    CHECK_THAT(load_error("signing-keys/rejected-short-nonce.key"), Catch::Contains("nonce is not 24 bytes"));
    CHECK_THAT(load_error("signing-keys/rejected-missing-ciphertext.key"), Catch::Contains("has no \"ciphertext\""));
    CHECK_THAT(load_error("signing-keys/rejected-not-json.key"), Catch::Contains("invalid JSON"));
    CHECK_THAT(load_error("signing-keys/rejected-truncated.key"), Catch::Contains("no PEM block"));
    CHECK_THAT(load_error("signing-keys/rejected-rsa-1024.key"), Catch::Contains("unsupported RSA key size 1024"));
    CHECK_THAT(load_error("signing-keys/rejected-secp256k1.key"), Catch::Contains("unsupported elliptic curve"));
    CHECK_THAT(load_error("keys/ecdsa-p256.pub"), Catch::Contains("unsupported PEM block \"PUBLIC KEY\""));
    CHECK_THAT(load_error("keys/not-a-key.pub"), Catch::Contains("no PEM block"));
    std::string garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    CHECK_THROWS_WITH(SigningKey::load(garbage, {}, "inline"), Catch::Contains("inline: invalid PRIVATE KEY"));
    CHECK_THROWS_WITH(SigningKey::load(read_fixture("signing-keys/cosign-standard-ecdsa-p256.key"), {}, "k"),
                      Catch::Contains("encrypted and no password source"));
}

TEST_CASE("only go-securesystemslib's three scrypt parameter sets are accepted") {
    CHECK(signing::accepted_scrypt_parameters({32768, 8, 1}));
    CHECK(signing::accepted_scrypt_parameters({65536, 8, 1}));
    CHECK(signing::accepted_scrypt_parameters({131072, 8, 1}));
    CHECK_FALSE(signing::accepted_scrypt_parameters({262144, 8, 1}));
    CHECK_FALSE(signing::accepted_scrypt_parameters({65536, 16, 1}));
    CHECK_FALSE(signing::accepted_scrypt_parameters({65536, 8, 2}));
    CHECK_FALSE(signing::accepted_scrypt_parameters({16384, 8, 1}));
}

TEST_CASE("generate_cosign_key_pair: an encrypted P-256 key that loads back with its password only") {
    signing::GeneratedKeyPair pair = signing::generate_cosign_key_pair("s3cret");
    CHECK_THAT(pair.encrypted_private_pem, Catch::StartsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    CHECK_THAT(pair.public_pem, Catch::StartsWith("-----BEGIN PUBLIC KEY-----\n"));
    int calls = 0;
    SigningKey key = SigningKey::load(pair.encrypted_private_pem, counting("s3cret", calls), "new.key");
    CHECK(calls == 1);
    CHECK(key.algorithm() == "ECDSA P-256");
    CHECK(key.public_key_pem() == pair.public_pem);
    CHECK_THROWS_WITH(SigningKey::load(pair.encrypted_private_pem, counting("other", calls), "new.key"),
                      Catch::StartsWith("wrong password for new.key"));
    signing::GeneratedKeyPair second = signing::generate_cosign_key_pair("s3cret");
    CHECK(second.public_pem != pair.public_pem);
}
