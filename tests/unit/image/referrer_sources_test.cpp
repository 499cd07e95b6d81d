// Sigstore bundle referrers through the docker:// source (a fake
// RepositoryClient serving referrers pages) and the oci: source (a layout as
// `cosign save` writes it, and one listing referrers in index.json).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "image/docker_transport.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"
#include "fake_repository_client.hpp"
#include "referrer_builder.hpp"

using namespace imgtrust;
using namespace image_test;

namespace {

const std::string image_manifest = oci_image_manifest("the image");
const std::string image_digest = sha256_digest(image_manifest);

struct DockerFixture {
    std::shared_ptr<FakeRegistry> registry = std::make_shared<FakeRegistry>();
    TempDir lookaside;
    std::vector<std::string> debug_lines;

    DockerFixture() { registry->put_manifest("v1", image_manifest, oci_manifest_type); }

    // A bundle referrer of `subject` holding `bundle`, stored in the registry; returns its manifest.
    std::string add_bundle_referrer(const std::string& bundle, const std::string& subject = image_digest) {
        const std::string manifest = referrer_manifest({subject, {bundle_layer(bundle)}});
        registry->put_manifest(sha256_digest(manifest), manifest, oci_manifest_type);
        registry->blobs[sha256_digest(bundle)] = bundle;
        return manifest;
    }
    void add_page(const std::vector<std::string>& listed, bool from_tag = false, std::string media_type = std::string(oci_index_type)) {
        registry->referrer_pages[image_digest].push_back({referrers_list(listed), std::move(media_type), false, from_tag});
        registry->referrers_source = from_tag ? registry::ReferrersSource::tag_schema : registry::ReferrersSource::api;
    }
    std::vector<UntrustedSignature> signatures(bool attachments = true) {
        config::SignatureStorage storage;
        storage.lookaside = "file://" + lookaside.path();
        storage.use_sigstore_attachments = attachments;
        image::DockerImageSource source(with_default_tag(parse_normalized_named("registry.example.com/ns/app:v1")),
                                        std::make_unique<FakeRepositoryClient>(registry), storage, attachments,
                                        registry::LookasideReader(nullptr, {}, std::chrono::seconds(5), nullptr),
                                        [this](const std::string& line) { debug_lines.push_back(line); });
        return source.signatures();
    }
    bool logged(const std::string& text) const {
        return std::any_of(debug_lines.begin(), debug_lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
    }
};

const SigstoreBundleSignature& bundle_at(const std::vector<UntrustedSignature>& signatures, std::size_t i) {
    return std::get<SigstoreBundleSignature>(signatures.at(i));
}

}  // namespace

TEST_CASE("docker referrers: bundles from the referrers API, other artifacts skipped and logged", "[referrers][docker]") {
    DockerFixture f;
    const std::string first = f.add_bundle_referrer("bundle-1");
    const std::string second = f.add_bundle_referrer("bundle-2");
    f.add_page({listed_referrer(first, std::string(bundle_type)), listed_referrer("an sbom", "application/spdx+json")});
    f.add_page({listed_referrer(second, std::string(bundle_type))});
    const auto signatures = f.signatures();
    REQUIRE(signatures.size() == 2);
    CHECK(bundle_at(signatures, 0).untrusted_bundle_json == "bundle-1");
    CHECK(bundle_at(signatures, 0).found_in == "referrers");
    CHECK(bundle_at(signatures, 1).untrusted_bundle_json == "bundle-2");
    CHECK(f.logged("application/spdx+json"));
    // The SBOM's manifest is never fetched.
    CHECK(f.registry->count("get_manifest " + sha256_digest("an sbom")) == 0);
}

TEST_CASE("docker referrers: the referrers tag schema is reported as such", "[referrers][docker]") {
    DockerFixture f;
    const std::string referrer = f.add_bundle_referrer("bundle");
    f.add_page({listed_referrer(referrer, std::string(bundle_type))}, true);
    const auto signatures = f.signatures();
    REQUIRE(signatures.size() == 1);
    CHECK(bundle_at(signatures, 0).found_in == "referrers-tag");
}

TEST_CASE("docker referrers: read after the .sig attachment, and only when attachments are enabled", "[referrers][docker]") {
    DockerFixture f;
    const std::string referrer = f.add_bundle_referrer("bundle");
    f.add_page({listed_referrer(referrer, std::string(bundle_type))});
    const std::string payload = "simple-signing payload";
    const std::string attachment = oci_image_manifest(
        "sig", {{"application/vnd.dev.cosign.simplesigning.v1+json", sha256_digest(payload), payload.size(),
                 {{"dev.cosignproject.cosign/signature", "c2ln"}}, {}}});
    f.registry->put_manifest("sha256-" + hex_of(image_digest) + ".sig", attachment, oci_manifest_type);
    f.registry->blobs[sha256_digest(payload)] = payload;
    const auto signatures = f.signatures();
    REQUIRE(signatures.size() == 2);
    CHECK(std::holds_alternative<SigstoreSignature>(signatures[0]));
    CHECK(bundle_at(signatures, 1).untrusted_bundle_json == "bundle");

    DockerFixture off;
    off.add_page({listed_referrer(referrer, std::string(bundle_type))});
    CHECK(off.signatures(false).empty());
    CHECK(off.registry->count("list_referrers " + image_digest) == 0);
}

TEST_CASE("docker referrers: a referrer naming another subject is skipped", "[referrers][docker]") {
    DockerFixture f;
    const std::string foreign = f.add_bundle_referrer("copied bundle", "sha256:" + std::string(64, 'f'));
    f.add_page({listed_referrer(foreign, std::string(bundle_type))});
    CHECK(f.signatures().empty());
    CHECK(f.logged("its subject is sha256:ffff"));
    CHECK(f.registry->count("get_blob " + sha256_digest("copied bundle")) == 0);
}

TEST_CASE("docker referrers: broken lists", "[referrers][docker]") {
    DockerFixture f;
    SECTION("an API page that is not an index is a fetch error") {
        f.registry->referrer_pages[image_digest].push_back({"{not json", std::string(oci_index_type), false, false});
        CHECK_THROWS_AS(f.signatures(), FetchError);
    }
    SECTION("a referrers tag that is not a valid index means no referrers") {
        f.registry->referrer_pages[image_digest].push_back({"{not json", std::string(oci_index_type), false, true});
        CHECK(f.signatures().empty());
        CHECK(f.logged("not a valid OCI image index"));
    }
    SECTION("a referrers tag holding an image manifest means no referrers") {
        f.registry->referrer_pages[image_digest].push_back({image_manifest, std::string(oci_manifest_type), false, true});
        CHECK(f.signatures().empty());
    }
    SECTION("more than max_signatures bundle referrers over several pages") {
        for (std::size_t page = 0; page < 3; ++page) {
            std::vector<std::string> listed;
            for (std::size_t i = 0; i < 50; ++i)
                listed.push_back(listed_referrer("referrer " + std::to_string(page) + "/" + std::to_string(i), std::string(bundle_type)));
            f.add_page(listed);
        }
        CHECK_THROWS_AS(f.signatures(), FetchError);
        CHECK(f.registry->calls.back() == "list_referrers " + image_digest);  // nothing fetched
    }
    SECTION("a layer digest mismatch is a fetch error, not a skipped referrer") {
        const std::string referrer = f.add_bundle_referrer("bundle");
        f.registry->blobs[sha256_digest("bundle")] = "other!";
        f.add_page({listed_referrer(referrer, std::string(bundle_type))});
        CHECK_THROWS_AS(f.signatures(), FetchError);
    }
}

TEST_CASE("oci referrers: a layout written by cosign save keeps referrers only in blobs/", "[referrers][oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "saved");
    layout.add_manifest(image_manifest, std::string(oci_manifest_type), {{"kind", "dev.cosignproject.cosign/image"}});
    const std::string bundle = R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"})";
    layout.add_blob(bundle);
    layout.add_blob("{}");
    layout.add_blob(referrer_manifest({image_digest, {bundle_layer(bundle)}}));
    // Another image's referrer and a non-bundle referrer of this image are in blobs/ too.
    layout.add_blob(referrer_manifest({"sha256:" + std::string(64, 'e'), {bundle_layer(bundle)}}));
    ReferrerSpec sbom{image_digest, {bundle_layer("{\"spdx\":1}", "application/spdx+json")}};
    sbom.artifact_type = "application/spdx+json";
    layout.add_blob(referrer_manifest(sbom));
    layout.write_index();
    std::vector<std::string> debug_lines;
    image::OciImageSource source(image::open_layout_directory(layout.path(), "oci"), "", std::nullopt, "oci:saved",
                                 [&](const std::string& line) { debug_lines.push_back(line); });
    const auto signatures = source.signatures();
    REQUIRE(signatures.size() == 1);
    CHECK(bundle_at(signatures, 0).untrusted_bundle_json == bundle);
    CHECK(bundle_at(signatures, 0).found_in == "oci-layout");
    CHECK(std::any_of(debug_lines.begin(), debug_lines.end(),
                      [](const std::string& l) { return l.find("application/spdx+json") != std::string::npos; }));

    SECTION("a tampered bundle blob is a fetch error") {
        temp.write("saved/blobs/sha256/" + hex_of(sha256_digest(bundle)), "{\"tampered\":true}");
        CHECK_THROWS_AS(source.signatures(), FetchError);
    }
}

TEST_CASE("oci referrers: a layout listing referrers in index.json", "[referrers][oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "listed");
    layout.add_manifest(image_manifest, std::string(oci_manifest_type), {{"org.opencontainers.image.ref.name", "v1"}});
    const std::string bundle = "index-listed bundle";
    layout.add_blob(bundle);
    const std::string referrer = referrer_manifest({image_digest, {bundle_layer(bundle)}});
    layout.add_blob(referrer);
    layout.write_index();
    // index.json: the image with its ref.name, and the referrer with its artifactType.
    temp.write("listed/index.json",
               "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" +
                   image_digest + "\",\"size\":" + std::to_string(image_manifest.size()) +
                   ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}," +
                   listed_referrer(referrer, std::string(bundle_type)) + "]}");
    image::OciImageSource source(image::open_layout_directory(layout.path(), "oci"), "v1", std::nullopt, "oci:listed:v1");
    const auto signatures = source.signatures();
    REQUIRE(signatures.size() == 1);
    CHECK(bundle_at(signatures, 0).untrusted_bundle_json == bundle);

    SECTION("a plain layout is not scanned: a referrer only in blobs/ is not found") {
        OciLayoutBuilder plain(temp, "plain");
        plain.add_manifest(image_manifest, std::string(oci_manifest_type), {{"org.opencontainers.image.ref.name", "v1"}});
        plain.add_blob(bundle);
        plain.add_blob(referrer);
        plain.write_index();
        CHECK(image::OciImageSource(image::open_layout_directory(plain.path(), "oci"), "v1", std::nullopt, "oci:plain:v1").signatures().empty());
    }
}
