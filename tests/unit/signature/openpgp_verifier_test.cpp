#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "imgtrust/errors.hpp"
#include "signature/openpgp_verifier.hpp"
#include "signature_fixtures.hpp"

using imgtrust::signature::OpenPgpVerifier;
using imgtrust::signature::SignatureRejected;
using namespace signature_test;

namespace {

std::unique_ptr<OpenPgpVerifier> make_keyring(const std::string& engine, const std::vector<std::string>& blobs) {
    return imgtrust::signature::make_openpgp_verifier(engine, blobs);
}

// Fingerprints as listed in keys/FINGERPRINTS.txt: "gpg-NAME pub|sub FPR".
std::string gpg_fingerprint(const std::string& name, const std::string& kind = "pub") {
    std::istringstream list(read_fixture("keys/FINGERPRINTS.txt"));
    for (std::string line; std::getline(list, line);) {
        std::istringstream fields(line);
        std::string key, key_kind, fingerprint;
        if (fields >> key >> key_kind >> fingerprint && key == "gpg-" + name && key_kind == kind) return fingerprint;
    }
    FAIL("no fingerprint for " << name << " " << kind);
    return {};
}

std::string key_blob(const std::string& name) { return read_fixture("keys/gpg-" + name + ".gpg"); }

std::string signature(const std::string& name) { return read_fixture("payloads/gpg/" + name + ".sig"); }

std::string rejection_of(const OpenPgpVerifier& keyring, const std::string& name) {
    RecordingRules recorder;
    try {
        keyring.verify(signature(name), recorder.rules());
    } catch (const SignatureRejected& rejected) {
        return rejected.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("engines are chosen by name; an unknown name is a configuration error") {
    CHECK_THROWS_AS(make_keyring("sequoia", {}), imgtrust::ConfigError);
    CHECK_THROWS_WITH(make_keyring("sequoia", {}), Catch::Contains("unknown OpenPGP engine \"sequoia\""));
    CHECK_NOTHROW(imgtrust::signature::check_openpgp_engine(""));
    CHECK_NOTHROW(imgtrust::signature::check_openpgp_engine("gpgme"));
#ifdef IMGTRUST_HAVE_RNP
    CHECK(imgtrust::signature::default_openpgp_engine() == "rnp");
    CHECK_NOTHROW(imgtrust::signature::check_openpgp_engine("rnp"));
#else
    CHECK(imgtrust::signature::default_openpgp_engine() == "gpgme");
    CHECK_THROWS_WITH(imgtrust::signature::check_openpgp_engine("rnp"), Catch::Contains("built without RNP"));
#endif
}

TEST_CASE("imported keys are listed by primary fingerprint") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted"), read_fixture("keys/gpg-other.asc")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    CHECK(keyring.trusted_fingerprints() == std::vector<std::string>{gpg_fingerprint("trusted"), gpg_fingerprint("other")});
    auto empty_owner = make_keyring(engine, {});
    const OpenPgpVerifier& empty = *empty_owner;
    CHECK(empty.trusted_fingerprints().empty());
}

TEST_CASE("a good signature by a trusted primary key is accepted") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    for (const char* name : {"trusted-primary", "armored"}) {
        INFO(name);
        RecordingRules recorder;
        auto verified = keyring.verify(signature(name), recorder.rules());
        CHECK(verified.docker_manifest_digest == signed_digest);
        CHECK(verified.docker_reference == signed_reference);
        CHECK(verified.key_fingerprint == gpg_fingerprint("trusted"));
        CHECK(recorder.calls == std::vector<std::string>{"digest", "identity"});
    }
}

TEST_CASE("a signature by a subkey of a trusted primary key is accepted, as current c/image does") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    RecordingRules recorder;
    auto verified = keyring.verify(signature("trusted-subkey"), recorder.rules());
    CHECK(verified.key_fingerprint == gpg_fingerprint("trusted"));
}

TEST_CASE("a good signature by a key that is imported but not trusted for this requirement is rejected") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    CHECK_THAT(rejection_of(keyring, "other"), Catch::StartsWith("Invalid GPG signature: ") && Catch::Contains("No public key"));
    auto both_owner = make_keyring(engine, {key_blob("trusted"), key_blob("other")});
    const OpenPgpVerifier& both = *both_owner;
    CHECK(rejection_of(both, "primary-only") != "(accepted)");
}

TEST_CASE("expired and revoked keys, expired signatures and tampered messages are rejected") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted"), key_blob("expired"), key_blob("revoked")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    CHECK_THAT(rejection_of(keyring, "expired"), Catch::StartsWith("Invalid GPG signature: ") && Catch::Contains("key expired"));
    CHECK_THAT(rejection_of(keyring, "revoked"), Catch::StartsWith("Invalid GPG signature: ") && Catch::Contains("key revoked"));
    CHECK_THAT(rejection_of(keyring, "expired-signature"),
               Catch::StartsWith("Invalid GPG signature: ") && Catch::Contains("signature expired"));
    CHECK_THAT(rejection_of(keyring, "tampered"), Catch::StartsWith("Invalid GPG signature: ") && Catch::Contains("Bad signature"));
    CHECK(rejection_of(keyring, "not-openpgp") != "(accepted)");
}

TEST_CASE("exactly one signature is expected, and the signed content is bounded") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted"), key_blob("primary-only")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    CHECK(rejection_of(keyring, "two-signers") == "Unexpected GPG signature count 2");
    CHECK(rejection_of(keyring, "oversized-content") == "Invalid GPG signature: the signed content exceeds 4194304 bytes");
}

TEST_CASE("the simple signing payload is parsed strictly, then digest, then identity") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto keyring_owner = make_keyring(engine, {key_blob("trusted")});
    const OpenPgpVerifier& keyring = *keyring_owner;
    CHECK(rejection_of(keyring, "wrong-type") == "Unrecognized signature type cosign container image signature");
    CHECK(rejection_of(keyring, "optional-null") == "JSON object expected, got <nil>");
    CHECK(rejection_of(keyring, "unknown-critical-key") == "Unknown key \"extra\"");
    CHECK(rejection_of(keyring, "duplicate-top-level-key") == "Duplicate key \"optional\"");
    CHECK(rejection_of(keyring, "wrong-digest") == "Signature for digest " + other_digest + " does not match");
    CHECK(rejection_of(keyring, "wrong-identity") == "Signature for identity \"" + other_reference + "\" is not accepted");

    RecordingRules recorder;
    CHECK_THROWS_WITH(keyring.verify(signature("wrong-digest-and-identity"), recorder.rules()),
                      "Signature for digest " + other_digest + " does not match");
    CHECK(recorder.calls == std::vector<std::string>{"digest"});
}

TEST_CASE("gpgme's private GNUPGHOME is created under TMPDIR and removed with the keyring; RNP writes no file") {
    const std::string engine = GENERATE(from_range(built_engines()));
    INFO(engine);
    auto scratch = std::filesystem::temp_directory_path() / "imgtrust-sig-test-XXXXXX";
    std::string pattern = scratch.string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    const char* previous = std::getenv("TMPDIR");
    std::string saved = previous ? previous : "";
    setenv("TMPDIR", pattern.c_str(), 1);
    {
        auto keyring_owner = make_keyring(engine, {key_blob("trusted")});
        const OpenPgpVerifier& keyring = *keyring_owner;
        const long homes = engine == "gpgme" ? 1 : 0;
        CHECK(std::distance(std::filesystem::directory_iterator(pattern), std::filesystem::directory_iterator()) == homes);
        CHECK(rejection_of(keyring, "trusted-primary") == "(accepted)");
        CHECK(std::distance(std::filesystem::directory_iterator(pattern), std::filesystem::directory_iterator()) == homes);
    }
    if (previous) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
    CHECK(std::filesystem::is_empty(pattern));
    std::filesystem::remove_all(pattern);
}
