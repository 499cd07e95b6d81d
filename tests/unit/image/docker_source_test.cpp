// The docker:// ImageSource with a fake RepositoryClient: manifests cached,
// signatures in c/image's order (lookaside, then sigstore attachments), only
// attachment blobs requested.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "image/docker_transport.hpp"
#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"
#include "fake_repository_client.hpp"
#include "layout_builder.hpp"

using namespace imgtrust;
using image_test::FakeRegistry;
using image_test::FakeRepositoryClient;
using image_test::TempDir;

namespace {

constexpr std::string_view oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";

const std::string image_manifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" + std::string(64, 'c') +
    R"(","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:)" +
    std::string(64, 'd') + R"(","size":10}]})";

std::string attachment_manifest(const std::vector<std::string>& payloads) {
    std::string layers;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        layers += std::string(i ? "," : "") + R"({"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":")" +
                  sha256_digest(payloads[i]) + R"(","size":)" + std::to_string(payloads[i].size()) +
                  R"(,"annotations":{"dev.cosignproject.cosign/signature":"sig)" + std::to_string(i) + R"("}})";
    }
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" + std::string(64, 'e') +
           R"(","size":2},"layers":[)" + layers + "]}";
}

// A blob that c/image's FromBlob takes for OpenPGP: it starts with a compressed-data packet tag.
std::string gpg(const std::string& name) { return "\xa3" + name; }

std::string attachment_tag(const std::string& digest) { return "sha256-" + digest.substr(7) + ".sig"; }

struct Fixture {
    std::shared_ptr<FakeRegistry> registry = std::make_shared<FakeRegistry>();
    TempDir lookaside;
    DockerReference ref = with_default_tag(parse_normalized_named("registry.example.com/ns/app:v1"));

    void add_lookaside_signature(const std::string& digest, int number, const std::string& bytes) const {
        lookaside.write("ns/app@sha256=" + digest.substr(7) + "/signature-" + std::to_string(number), bytes);
    }
    std::unique_ptr<image::DockerImageSource> open(bool attachments, std::optional<std::string> base = std::nullopt,
                                                   registry::ManifestCache* cache = nullptr) const {
        config::SignatureStorage storage;
        storage.lookaside = base.value_or("file://" + lookaside.path());
        storage.use_sigstore_attachments = attachments;
        return std::make_unique<image::DockerImageSource>(
            ref, std::make_unique<FakeRepositoryClient>(registry), storage, attachments,
            registry::LookasideReader(nullptr, {}, std::chrono::seconds(5), nullptr), nullptr, nullptr, cache);
    }
};

bool is_simple(const UntrustedSignature& s, const std::string& blob) {
    const auto* simple = std::get_if<SimpleSigningSignature>(&s);
    return simple && simple->untrusted_blob == blob;
}

bool is_sigstore(const UntrustedSignature& s, const std::string& payload, const std::string& signature) {
    const auto* sigstore = std::get_if<SigstoreSignature>(&s);
    return sigstore && sigstore->untrusted_payload == payload &&
           sigstore->untrusted_mime_type == "application/vnd.dev.cosign.simplesigning.v1+json" &&
           sigstore->untrusted_annotations.at("dev.cosignproject.cosign/signature") == signature;
}

}  // namespace

TEST_CASE("docker source: the manifest is fetched once, by tag", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    auto source = f.open(false);
    CHECK(source->manifest().bytes == image_manifest);
    CHECK(source->manifest().media_type == oci_manifest_type);
    source->signatures();
    source->signatures();
    CHECK(f.registry->calls == std::vector<std::string>{"get_manifest v1"});
}

TEST_CASE("docker source: a digest reference needs no manifest fetch for its signatures", "[docker]") {
    Fixture f;
    const std::string digest = sha256_digest(image_manifest);
    f.ref = parse_normalized_named("registry.example.com/ns/app@" + digest);
    f.registry->put_manifest(digest, image_manifest, oci_manifest_type);
    f.add_lookaside_signature(digest, 1, gpg("gpg-1"));
    auto source = f.open(false);
    const auto signatures = source->signatures();
    REQUIRE(signatures.size() == 1);
    CHECK(is_simple(signatures[0], gpg("gpg-1")));
    CHECK(f.registry->calls.empty());
    CHECK(source->manifest().bytes == image_manifest);
    CHECK(f.registry->calls == std::vector<std::string>{"get_manifest " + digest});
}

TEST_CASE("docker source: a manifest that does not match the digest reference is refused", "[docker]") {
    Fixture f;
    const std::string digest = "sha256:" + std::string(64, 'a');
    f.ref = parse_normalized_named("registry.example.com/ns/app@" + digest);
    f.registry->put_manifest(digest, image_manifest, oci_manifest_type);
    CHECK_THROWS_AS(f.open(false)->manifest(), FetchError);
}

TEST_CASE("docker source: schema1 manifests are not supported; missing ones are NotFoundError", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", R"({"schemaVersion":1,"name":"ns/app","tag":"v1","fsLayers":[]})",
                             "application/vnd.docker.distribution.manifest.v1+prettyjws");
    CHECK_THROWS_AS(f.open(false)->manifest(), FetchError);
    Fixture missing;
    CHECK_THROWS_AS(missing.open(false)->manifest(), NotFoundError);
}

TEST_CASE("docker source: lookaside signatures first, then sigstore attachments", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    const std::string digest = sha256_digest(image_manifest);
    f.add_lookaside_signature(digest, 1, gpg("gpg-1"));
    f.add_lookaside_signature(digest, 2, gpg("gpg-2"));
    const std::vector<std::string> payloads{"payload-a", "payload-b"};
    f.registry->put_manifest(attachment_tag(digest), attachment_manifest(payloads), oci_manifest_type);
    for (const auto& payload : payloads) f.registry->blobs[sha256_digest(payload)] = payload;

    SECTION("attachments enabled") {
        const auto signatures = f.open(true)->signatures();
        REQUIRE(signatures.size() == 4);
        CHECK(is_simple(signatures[0], gpg("gpg-1")));
        CHECK(is_simple(signatures[1], gpg("gpg-2")));
        CHECK(is_sigstore(signatures[2], "payload-a", "sig0"));
        CHECK(is_sigstore(signatures[3], "payload-b", "sig1"));
        // Only the attachment's layers are read: never the image's config or layers.
        CHECK(f.registry->calls == std::vector<std::string>{"get_manifest v1", "find_manifest " + attachment_tag(digest),
                                                            "get_blob " + sha256_digest("payload-a"),
                                                            "get_blob " + sha256_digest("payload-b"),
                                                            "list_referrers " + digest});
    }
    SECTION("attachments disabled: not even looked for") {
        const auto signatures = f.open(false)->signatures();
        REQUIRE(signatures.size() == 2);
        CHECK(f.registry->count("find_manifest " + attachment_tag(digest)) == 0);
    }
    SECTION("a lookaside blob in the format-prefixed form is parsed as c/image's FromBlob does") {
        SigstoreSignature stored{"application/vnd.dev.cosign.simplesigning.v1+json", "in-lookaside", {}};
        f.add_lookaside_signature(digest, 3, image::serialize_signature_blob(stored));
        const auto signatures = f.open(false)->signatures();
        REQUIRE(signatures.size() == 3);
        CHECK(std::get<SigstoreSignature>(signatures[2]).untrusted_payload == "in-lookaside");
    }
}

TEST_CASE("docker source: no .sig attachment means no sigstore signatures", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    CHECK(f.open(true)->signatures().empty());
    CHECK(f.registry->count("find_manifest " + attachment_tag(sha256_digest(image_manifest))) == 1);
}

TEST_CASE("docker source: signatures of an instance use the instance digest", "[docker]") {
    Fixture f;
    const std::string instance = "sha256:" + std::string(64, '1');
    f.add_lookaside_signature(instance, 1, gpg("instance-gpg"));
    f.registry->put_manifest(attachment_tag(instance), attachment_manifest({"instance-payload"}), oci_manifest_type);
    f.registry->blobs[sha256_digest("instance-payload")] = "instance-payload";
    const auto signatures = f.open(true)->signatures(instance);
    REQUIRE(signatures.size() == 2);
    CHECK(is_simple(signatures[0], gpg("instance-gpg")));
    CHECK(is_sigstore(signatures[1], "instance-payload", "sig0"));
    CHECK(f.registry->count("get_manifest v1") == 0);
    CHECK_THROWS_AS(f.open(true)->signatures("sha256:short"), FetchError);
}

TEST_CASE("docker source: instance manifests are fetched by digest, once each", "[docker]") {
    Fixture f;
    const std::string digest = sha256_digest(image_manifest);
    f.registry->put_manifest(digest, image_manifest, oci_manifest_type);
    auto source = f.open(false);
    CHECK(source->manifest(digest).bytes == image_manifest);
    CHECK(source->manifest(digest).bytes == image_manifest);
    CHECK(f.registry->calls == std::vector<std::string>{"get_manifest " + digest});
}

TEST_CASE("docker source: broken attachments are fetch errors", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    const std::string tag = attachment_tag(sha256_digest(image_manifest));
    SECTION("not an OCI manifest") {
        f.registry->put_manifest(tag, attachment_manifest({"p"}), "application/vnd.docker.distribution.manifest.v2+json");
        CHECK_THROWS_WITH(f.open(true)->signatures(), Catch::Contains("unexpected MIME type"));
    }
    SECTION("a layer whose content does not match its digest") {
        f.registry->put_manifest(tag, attachment_manifest({"p"}), oci_manifest_type);
        f.registry->blobs[sha256_digest("p")] = "tampered";
        CHECK_THROWS_AS(f.open(true)->signatures(), FetchError);
    }
    SECTION("a missing layer blob") {
        f.registry->put_manifest(tag, attachment_manifest({"p"}), oci_manifest_type);
        CHECK_THROWS_AS(f.open(true)->signatures(), NotFoundError);
    }
    SECTION("more than 128 layers") {
        std::vector<std::string> payloads;
        for (int i = 0; i < 129; ++i) payloads.push_back("p" + std::to_string(i));
        f.registry->put_manifest(tag, attachment_manifest(payloads), oci_manifest_type);
        CHECK_THROWS_WITH(f.open(true)->signatures(), Catch::Contains("more than the 128"));
        CHECK(f.registry->count("get_blob " + sha256_digest("p0")) == 0);
    }
    SECTION("128 layers are read") {
        std::vector<std::string> payloads;
        for (int i = 0; i < 128; ++i) payloads.push_back("p" + std::to_string(i));
        f.registry->put_manifest(tag, attachment_manifest(payloads), oci_manifest_type);
        for (const auto& p : payloads) f.registry->blobs[sha256_digest(p)] = p;
        CHECK(f.open(true)->signatures().size() == 128);
    }
}

TEST_CASE("docker source: a broken lookaside is a fetch error", "[docker]") {
    Fixture f;
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    CHECK_THROWS_WITH(f.open(false, "gopher://h/sigs")->signatures(), Catch::Contains("Unsupported scheme"));
    f.add_lookaside_signature(sha256_digest(image_manifest), 1, "");
    CHECK_THROWS_AS(f.open(false)->signatures(), FetchError);
}

TEST_CASE("docker source: manifests by digest are shared across images through the cache, tags are not", "[docker]") {
    Fixture f;
    const std::string digest = sha256_digest(image_manifest);
    f.registry->put_manifest("v1", image_manifest, oci_manifest_type);
    f.registry->put_manifest(digest, image_manifest, oci_manifest_type);
    registry::ManifestCache cache;
    CHECK(f.open(false, std::nullopt, &cache)->manifest().bytes == image_manifest);
    CHECK(f.open(false, std::nullopt, &cache)->manifest().bytes == image_manifest);
    CHECK(f.registry->count("get_manifest v1") == 2);
    // The tag's manifest was kept under its digest: a digest reference needs no request.
    f.ref = parse_normalized_named("registry.example.com/ns/app@" + digest);
    CHECK(f.open(false, std::nullopt, &cache)->manifest().bytes == image_manifest);
    CHECK(f.open(false, std::nullopt, &cache)->manifest(digest).bytes == image_manifest);
    CHECK(f.registry->count("get_manifest " + digest) == 0);
    // Another repository does not share it.
    f.ref = parse_normalized_named("registry.example.com/ns/other@" + digest);
    CHECK(f.open(false, std::nullopt, &cache)->manifest().bytes == image_manifest);
    CHECK(f.registry->count("get_manifest " + digest) == 1);
}
