#include <catch2/catch.hpp>

#include "signature/public_key.hpp"
#include "signature/sigstore_payload.hpp"
#include "signature_fixtures.hpp"

using imgtrust::signature::load_public_keys_pem;
using imgtrust::signature::PublicKey;
using imgtrust::signature::SignatureRejected;
using imgtrust::signature::verify_sigstore_payload;
using namespace signature_test;

namespace {

std::vector<PublicKey> key(const std::string& name) {
    return load_public_keys_pem(read_fixture("keys/" + name + ".pub"), name);
}

imgtrust::signature::VerifiedPayload verify_fixture(const std::string& name, const std::vector<PublicKey>& keys,
                                                    RecordingRules& recorder) {
    return verify_sigstore_payload(keys, read_fixture("payloads/sigstore/" + name + ".payload"),
                                   read_fixture("payloads/sigstore/" + name + ".sig"), recorder.rules());
}

// The rejection message for fixture `name` signed by ecdsa-p256.
std::string rejection_of(const std::string& name) {
    RecordingRules recorder;
    try {
        verify_fixture(name, key("ecdsa-p256"), recorder);
    } catch (const SignatureRejected& rejected) {
        return rejected.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("signatures by each key type verify and name the key that verified") {
    for (const char* name : {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-4096", "ed25519"}) {
        INFO(name);
        auto keys = key(name);
        RecordingRules recorder;
        auto verified = verify_fixture(std::string("valid-") + name, keys, recorder);
        CHECK(verified.docker_manifest_digest == signed_digest);
        CHECK(verified.docker_reference == signed_reference);
        CHECK(verified.key_fingerprint == keys[0].fingerprint());
        CHECK(recorder.calls == std::vector<std::string>{"digest", "identity"});
    }
}

TEST_CASE("any of several keys may verify") {
    std::vector<PublicKey> keys = key("other-ecdsa-p256");
    for (auto& k : key("rsa-2048")) keys.push_back(k);
    RecordingRules recorder;
    auto verified = verify_fixture("valid-rsa-2048", keys, recorder);
    CHECK(verified.key_fingerprint == keys[1].fingerprint());
}

TEST_CASE("a signature by another key is rejected with every key's failure") {
    RecordingRules recorder;
    std::vector<PublicKey> keys = key("other-ecdsa-p256");
    for (auto& k : key("ed25519")) keys.push_back(k);
    for (auto& k : key("rsa-2048")) keys.push_back(k);
    CHECK_THROWS_WITH(verify_fixture("valid-ecdsa-p256", keys, recorder),
                      "cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature, "
                      "failed to verify signature, crypto/rsa: verification error");
    CHECK(recorder.calls.empty());
}

TEST_CASE("crypto is checked before anything in the payload") {
    CHECK_THAT(rejection_of("tampered-payload"), Catch::StartsWith("cryptographic signature verification failed: "));
    CHECK_THAT(rejection_of("tampered-signature"), Catch::StartsWith("cryptographic signature verification failed: "));
    // Signed by ecdsa-p256, wrong type: the type is only looked at with a valid signature.
    RecordingRules recorder;
    CHECK_THROWS_WITH(verify_fixture("wrong-type", key("other-ecdsa-p256"), recorder),
                      Catch::StartsWith("cryptographic signature verification failed"));
}

TEST_CASE("the base64 signature is decoded as Go's StdEncoding does") {
    CHECK(rejection_of("bad-base64") == "base64 decoding: illegal base64 data at input byte 0");
    RecordingRules recorder;
    std::string payload = read_fixture("payloads/sigstore/valid-ecdsa-p256.payload");
    std::string signature = read_fixture("payloads/sigstore/valid-ecdsa-p256.sig");
    std::string with_newlines = signature.substr(0, 10) + "\r\n" + signature.substr(10) + "\n";
    CHECK_NOTHROW(verify_sigstore_payload(key("ecdsa-p256"), payload, with_newlines, recorder.rules()));
    CHECK_THROWS_WITH(verify_sigstore_payload(key("ecdsa-p256"), payload, signature.substr(1), recorder.rules()),
                      Catch::StartsWith("base64 decoding: illegal base64 data at input byte"));
}

TEST_CASE("no keys at all rejects") {
    RecordingRules recorder;
    CHECK_THROWS_WITH(verify_fixture("valid-ecdsa-p256", {}, recorder),
                      "Need at least one public key to verify the sigstore payload, but got 0");
}

TEST_CASE("the payload is parsed strictly after the crypto") {
    CHECK(rejection_of("wrong-type") == "Unrecognized signature type atomic container signature");
    CHECK(rejection_of("type-number") == "json: cannot unmarshal number into Go value of type string");
    CHECK(rejection_of("unknown-top-level-key") == "Unknown key \"extra\"");
    CHECK(rejection_of("unknown-critical-key") == "Unknown key \"extra\"");
    CHECK(rejection_of("unknown-image-key") == "Unknown key \"extra\"");
    CHECK(rejection_of("unknown-identity-key") == "Unknown key \"extra\"");
    CHECK(rejection_of("duplicate-top-level-key") == "Duplicate key \"optional\"");
    CHECK(rejection_of("duplicate-critical-key") == "Duplicate key \"type\"");
    CHECK(rejection_of("duplicate-optional-key") == "Duplicate key \"creator\"");
    CHECK(rejection_of("duplicate-identity-key") == "Duplicate key \"docker-reference\"");
    CHECK(rejection_of("missing-optional") == "Key \"optional\" missing in a JSON object");
    CHECK(rejection_of("missing-critical") == "Key \"critical\" missing in a JSON object");
    CHECK(rejection_of("missing-type") == "Key \"type\" missing in a JSON object");
    CHECK(rejection_of("missing-identity") == "Key \"identity\" missing in a JSON object");
    CHECK(rejection_of("missing-digest") == "Key \"docker-manifest-digest\" missing in a JSON object");
    CHECK(rejection_of("missing-reference") == "Key \"docker-reference\" missing in a JSON object");
    CHECK(rejection_of("critical-null") == "JSON object expected, got <nil>");
    CHECK(rejection_of("optional-array") == "JSON object expected, got 91");
    CHECK(rejection_of("not-an-object") == "JSON object expected, got 91");
    CHECK_THAT(rejection_of("trailing-data"), Catch::StartsWith("invalid JSON"));
    CHECK_THAT(rejection_of("not-json"), Catch::StartsWith("invalid JSON"));
}

TEST_CASE("optional fields follow c/image: null allowed, creator a string, timestamp an integer, others ignored") {
    RecordingRules recorder;
    CHECK_NOTHROW(verify_fixture("valid-with-optional", key("ecdsa-p256"), recorder));
    CHECK(rejection_of("timestamp-fraction") == "Field optional.timestamp is not an integer");
    CHECK(rejection_of("timestamp-string") == "json: cannot unmarshal string into Go value of type float64");
    CHECK(rejection_of("creator-number") == "json: cannot unmarshal number into Go value of type string");
}

TEST_CASE("the manifest digest must be a valid digest") {
    CHECK(rejection_of("invalid-digest") == "invalid docker-manifest-digest value \"sha256:1234\": invalid checksum digest length");
    CHECK(rejection_of("unsupported-digest-algorithm") ==
          "invalid docker-manifest-digest value \"md5:d41d8cd98f00b204e9800998ecf8427e\": unsupported digest algorithm");
}

TEST_CASE("the digest rule runs before the identity rule") {
    RecordingRules recorder;
    CHECK_THROWS_WITH(verify_fixture("wrong-digest-and-identity", key("ecdsa-p256"), recorder),
                      "Signature for digest " + other_digest + " does not match");
    CHECK(recorder.calls == std::vector<std::string>{"digest"});

    RecordingRules identity_recorder;
    CHECK_THROWS_WITH(verify_fixture("wrong-identity", key("ecdsa-p256"), identity_recorder),
                      "Signature for identity \"" + other_reference + "\" is not accepted");
    CHECK(identity_recorder.calls == std::vector<std::string>{"digest", "identity"});

    CHECK(rejection_of("wrong-digest") == "Signature for digest " + other_digest + " does not match");
}

TEST_CASE("a repository-only identity, as cosign writes it, reaches the identity rule unchanged") {
    RecordingRules recorder;
    recorder.expected_reference = "example.com/imgtrust/test";
    auto verified = verify_fixture("valid-name-only-identity", key("ecdsa-p256"), recorder);
    CHECK(verified.docker_reference == "example.com/imgtrust/test");
}
