// The public signing facade (include/imgtrust/sign.hpp): PrivateKey loading
// (the password asked once, only for encrypted keys), sign_oci_layout into a
// minimal OCI layout written here, and the refusal of formats a layout cannot
// hold. Registry signing is covered by integration-signing.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/sign.hpp"
#include "util/digest.hpp"

using namespace imgtrust;
namespace fs = std::filesystem;

namespace {

signing::PrivateKey fixture_key(int* asked = nullptr) {
    return signing::PrivateKey::load(read_fixture("signing-keys/cosign-standard-ecdsa-p256.key"), [asked] {
        if (asked) ++*asked;
        return std::string("fixture-password");
    }, "cosign-standard-ecdsa-p256.key");
}

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string write_blob(const fs::path& layout, const std::string& bytes) {
    const std::string digest = util::Digest::of(util::DigestAlgorithm::sha256, bytes).string();
    write_file(layout / "blobs" / "sha256" / digest.substr(7), bytes);
    return digest;
}

// One image manifest (empty config, no layers) tagged `v1`.
std::string make_layout(const fs::path& layout) {
    fs::remove_all(layout);
    write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    const std::string config = write_blob(layout, "{}");
    const std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                                 R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                                 config + R"(","size":2},"layers":[]})";
    const std::string digest = write_blob(layout, manifest);
    write_file(layout / "index.json",
               R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                   digest + R"(","size":)" + std::to_string(manifest.size()) +
                   R"(,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]})");
    return digest;
}

}  // namespace

TEST_CASE("PrivateKey::load asks for the password once and names the key", "[sign][facade]") {
    int asked = 0;
    const signing::PrivateKey key = fixture_key(&asked);
    CHECK(asked == 1);
    CHECK(key.algorithm() == "ECDSA P-256");
    CHECK(key.public_key_pem().rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
    CHECK_THROWS_WITH(signing::PrivateKey::load(read_fixture("signing-keys/cosign-standard-ecdsa-p256.key"),
                                                [] { return std::string("wrong"); }, "k.key"),
                      Catch::StartsWith("wrong password for k.key"));
}

TEST_CASE("sign_oci_layout writes a .sig entry for the tagged image", "[sign][facade]") {
    const fs::path layout = fs::temp_directory_path() / ("imgtrust-sign-api-" + std::to_string(::getpid()));
    const std::string digest = make_layout(layout);
    const signing::PrivateKey key = fixture_key();
    signing::SignSettings settings;
    settings.key = &key;
    const auto identity = parse_normalized_named("registry.example/app:v1");

    const auto signed_manifests = signing::sign_oci_layout(layout.string(), "v1", identity, settings);
    REQUIRE(signed_manifests.size() == 1);
    CHECK(signed_manifests[0].digest == digest);
    CHECK_FALSE(signed_manifests[0].already_signed);

    std::ifstream in(layout / "index.json");
    const std::string index((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rapidjson::Document document;
    document.Parse(index.c_str());
    REQUIRE(document.IsObject());
    bool found = false;
    for (const auto& entry : document["manifests"].GetArray())
        if (entry.HasMember("annotations") &&
            std::string(entry["annotations"]["org.opencontainers.image.ref.name"].GetString()) ==
                "sha256-" + digest.substr(7) + ".sig")
            found = true;
    CHECK(found);

    // The same key and payload again: nothing new is written.
    const auto again = signing::sign_oci_layout(layout.string(), "v1", identity, settings);
    REQUIRE(again.size() == 1);
    CHECK(again[0].already_signed);
    fs::remove_all(layout);
}

TEST_CASE("sign_oci_layout refuses bundles, GPG and a missing key", "[sign][facade]") {
    const auto identity = parse_normalized_named("registry.example/app:v1");
    const signing::PrivateKey key = fixture_key();
    signing::SignSettings bundle;
    bundle.key = &key;
    bundle.format = signing::SignatureFormat::bundle;
    CHECK_THROWS_AS(signing::sign_oci_layout("/nonexistent", "", identity, bundle), ConfigError);
    signing::SignSettings gpg;
    gpg.format = signing::SignatureFormat::gpg;
    gpg.gpg_fingerprint = "0123";
    CHECK_THROWS_AS(signing::sign_oci_layout("/nonexistent", "", identity, gpg), ConfigError);
    CHECK_THROWS_AS(signing::sign_oci_layout("/nonexistent", "", identity, signing::SignSettings{}), ConfigError);
}
