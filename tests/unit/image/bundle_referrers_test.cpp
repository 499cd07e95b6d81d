// Sigstore bundle referrers (image/bundle_referrers.hpp): the referrers list,
// artifactType filtering, the referrer manifest's checks, and reading the
// bundle layers within their bounds.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/bundle_referrers.hpp"
#include "imgtrust/errors.hpp"
#include "referrer_builder.hpp"

using namespace imgtrust;
using namespace image_test;

namespace {

const std::string image_digest = "sha256:" + std::string(64, 'a');
const std::string other_digest = "sha256:" + std::string(64, 'b');

// An in-memory ReferrerStore that records what was read.
struct MemoryStore {
    std::map<std::string, std::string> manifests;
    std::map<std::string, std::string> blobs;
    std::vector<std::string> reads;
    std::vector<std::string> debug_lines;

    std::string add_referrer(const ReferrerSpec& spec, const std::vector<std::string>& bundles) {
        const std::string manifest = referrer_manifest(spec);
        manifests[sha256_digest(manifest)] = manifest;
        for (const auto& bundle : bundles) blobs[sha256_digest(bundle)] = bundle;
        return manifest;
    }
    image::ReferrerStore store() {
        image::ReferrerStore store;
        store.manifest = [this](const std::string& digest) -> std::optional<std::string> {
            reads.push_back("manifest " + digest);
            const auto found = manifests.find(digest);
            if (found == manifests.end()) return std::nullopt;
            return found->second;
        };
        store.blob = [this](const std::string& digest, std::size_t) {
            reads.push_back("blob " + digest);
            return blobs.at(digest);
        };
        store.debug = [this](const std::string& line) { debug_lines.push_back(line); };
        return store;
    }
};

image::Descriptor bundle_descriptor(const std::string& manifest) {
    image::Descriptor descriptor;
    descriptor.media_type = std::string(oci_manifest_type);
    descriptor.digest = sha256_digest(manifest);
    descriptor.size = static_cast<std::int64_t>(manifest.size());
    descriptor.artifact_type = std::string(bundle_type);
    return descriptor;
}

std::vector<UntrustedSignature> read_bundles(MemoryStore& memory, const std::vector<image::Descriptor>& listed) {
    std::vector<UntrustedSignature> signatures;
    image::append_bundle_referrers(listed, image_digest, "referrers", memory.store(), "test image", signatures);
    return signatures;
}

}  // namespace

TEST_CASE("bundle referrers: the Sigstore bundle media types", "[referrers]") {
    CHECK(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle.v0.3+json"));
    CHECK(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle+json;version=0.1"));
    CHECK(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle+json;version=0.2"));
    CHECK(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle+json;version=0.3"));
    CHECK_FALSE(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle+json;version=0.4"));
    CHECK_FALSE(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle+json"));
    CHECK_FALSE(image::is_sigstore_bundle_media_type("application/vnd.dev.sigstore.bundle.v0.3+json "));
    CHECK_FALSE(image::is_sigstore_bundle_media_type("application/vnd.in-toto+json"));
    CHECK_FALSE(image::is_sigstore_bundle_media_type("application/vnd.dev.cosign.simplesigning.v1+json"));
    CHECK_FALSE(image::is_sigstore_bundle_media_type(""));
}

TEST_CASE("bundle referrers: the referrers list is an OCI image index", "[referrers]") {
    const std::string bundle_manifest = referrer_manifest({image_digest, {bundle_layer("b")}});
    const std::string list = referrers_list({listed_referrer(bundle_manifest, std::string(bundle_type)),
                                             listed_referrer("sbom", "application/spdx+json")});
    const auto listed = image::parse_referrers_index(list, "list");
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].digest == sha256_digest(bundle_manifest));
    CHECK(listed[0].artifact_type == bundle_type);
    CHECK(listed[1].artifact_type == "application/spdx+json");

    CHECK(image::parse_referrers_index(R"({"schemaVersion":2,"manifests":[]})", "list").empty());
    CHECK(image::parse_referrers_index(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})", "list").empty());
    CHECK_THROWS_AS(image::parse_referrers_index("not json", "list"), FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index("[]", "list"), FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index(R"({"schemaVersion":2})", "list"), FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]})", "list"),
                    FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index(R"({"manifests":[],"layers":[]})", "list"), FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index(R"({"manifests":[{"digest":7}]})", "list"), FetchError);
    CHECK_THROWS_AS(image::parse_referrers_index(R"({"manifests":[]} trailing)", "list"), FetchError);
}

TEST_CASE("bundle referrers: selected by artifactType, attestations and other artifacts skipped", "[referrers]") {
    const std::string list = referrers_list({
        listed_referrer("sig", std::string(bundle_type), {{"dev.sigstore.bundle.predicateType", std::string(cosign_sign_predicate)}}),
        listed_referrer("old", "application/vnd.dev.sigstore.bundle+json;version=0.2"),
        listed_referrer("slsa", std::string(bundle_type), {{"dev.sigstore.bundle.predicateType", "https://slsa.dev/provenance/v1"}}),
        listed_referrer("sbom", "application/spdx+json"),
        listed_referrer("intoto", "application/vnd.in-toto+json"),
        listed_referrer("untyped", ""),
        listed_referrer("sig", std::string(bundle_type)),  // listed twice: read once
    });
    image::ReferrerSelection selection;
    image::select_bundle_referrers(image::parse_referrers_index(list, "list"), selection);
    REQUIRE(selection.bundles.size() == 2);
    CHECK(selection.bundles[0].digest == sha256_digest("sig"));
    CHECK(selection.bundles[1].digest == sha256_digest("old"));
    REQUIRE(selection.skipped.size() == 4);
    const auto lines = image::describe_skipped_referrers(selection.skipped);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].find("https://slsa.dev/provenance/v1") != std::string::npos);
    CHECK(lines[0].find("attestation") != std::string::npos);
    CHECK(lines[1].find("application/spdx+json") != std::string::npos);
    CHECK(image::describe_skipped_referrers(selection.skipped, 1).back() == "Skipping 3 more referrers that are not image signature bundles");
}

TEST_CASE("bundle referrers: the referrer manifest must be a bundle whose subject is the image", "[referrers]") {
    const auto layer = bundle_layer("bundle");
    const auto inspect = [](const ReferrerSpec& spec) {
        return image::inspect_referrer_manifest(referrer_manifest(spec), image_digest, "referrer");
    };
    const auto good = inspect({image_digest, {layer}});
    CHECK(good.skip_reason.empty());
    CHECK(good.names_image);
    REQUIRE(good.bundle_layers.size() == 1);
    CHECK(good.bundle_layers[0].digest == layer.digest);

    const auto other_subject = inspect({other_digest, {layer}});
    CHECK_FALSE(other_subject.names_image);
    CHECK(other_subject.skip_reason.find(other_digest) != std::string::npos);
    CHECK(inspect({"", {layer}}).skip_reason.find("missing") != std::string::npos);

    ReferrerSpec sbom{image_digest, {layer}};
    sbom.artifact_type = "application/spdx+json";
    CHECK(inspect(sbom).names_image);
    CHECK(inspect(sbom).bundle_layers.empty());
    CHECK(inspect(sbom).skip_reason.find("application/spdx+json") != std::string::npos);

    // "If the artifactType is empty or missing ... set to the config descriptor mediaType value."
    ReferrerSpec by_config{image_digest, {layer}};
    by_config.artifact_type.clear();
    by_config.config_media_type = std::string(bundle_type);
    CHECK(inspect(by_config).skip_reason.empty());
    by_config.config_media_type = "application/vnd.oci.empty.v1+json";
    CHECK_FALSE(inspect(by_config).skip_reason.empty());

    ReferrerSpec attestation{image_digest, {layer}};
    attestation.annotations["dev.sigstore.bundle.predicateType"] = "https://slsa.dev/provenance/v1";
    CHECK(inspect(attestation).bundle_layers.empty());

    ReferrerSpec no_bundle_layer{image_digest, {bundle_layer("x", "application/octet-stream")}};
    CHECK(inspect(no_bundle_layer).skip_reason.find("no layer") != std::string::npos);

    const std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],)"
                              R"("artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","subject":{"digest":")" +
                              image_digest + R"("}})";
    CHECK(image::inspect_referrer_manifest(index, image_digest, "referrer").skip_reason.find("not an OCI image manifest") !=
          std::string::npos);
    CHECK_THROWS_AS(image::inspect_referrer_manifest("{", image_digest, "referrer"), FetchError);
}

TEST_CASE("bundle referrers: each bundle layer becomes a SigstoreBundleSignature, in listing order", "[referrers]") {
    MemoryStore memory;
    const std::string first = memory.add_referrer({image_digest, {bundle_layer("bundle-1")}}, {"bundle-1"});
    const std::string foreign = memory.add_referrer({other_digest, {bundle_layer("bundle-x")}}, {"bundle-x"});
    const std::string second = memory.add_referrer({image_digest, {bundle_layer("bundle-2")}}, {"bundle-2"});
    const std::string missing = referrer_manifest({image_digest, {bundle_layer("gone")}});
    const auto signatures = read_bundles(memory, {bundle_descriptor(first), bundle_descriptor(foreign),
                                                  bundle_descriptor(missing), bundle_descriptor(second)});
    REQUIRE(signatures.size() == 2);
    const auto& one = std::get<SigstoreBundleSignature>(signatures[0]);
    CHECK(one.untrusted_bundle_json == "bundle-1");
    CHECK(one.untrusted_media_type == bundle_type);
    CHECK(one.found_in == "referrers");
    CHECK(std::get<SigstoreBundleSignature>(signatures[1]).untrusted_bundle_json == "bundle-2");
    // The foreign referrer's bundle is never fetched; skipped referrers are logged.
    CHECK(std::count(memory.reads.begin(), memory.reads.end(), "blob " + sha256_digest("bundle-x")) == 0);
    CHECK(memory.debug_lines.size() >= 2);
}

TEST_CASE("bundle referrers: a layer that does not match its descriptor is a fetch error", "[referrers]") {
    MemoryStore memory;
    const std::string manifest = memory.add_referrer({image_digest, {bundle_layer("the bundle")}}, {});
    SECTION("other bytes under the digest") {
        memory.blobs[sha256_digest("the bundle")] = "tampered!!";
        CHECK_THROWS_AS(read_bundles(memory, {bundle_descriptor(manifest)}), FetchError);
    }
    SECTION("the declared size is not the blob's") {
        auto layer = bundle_layer("the bundle");
        layer.size += 1;
        const std::string wrong_size = memory.add_referrer({image_digest, {layer}}, {"the bundle"});
        CHECK_THROWS_AS(read_bundles(memory, {bundle_descriptor(wrong_size)}), FetchError);
    }
    SECTION("a layer over max_signature_bytes is refused before it is read") {
        auto layer = bundle_layer("the bundle");
        layer.size = max_signature_bytes + 1;
        const std::string oversize = memory.add_referrer({image_digest, {layer}}, {"the bundle"});
        CHECK_THROWS_AS(read_bundles(memory, {bundle_descriptor(oversize)}), FetchError);
        CHECK(std::count_if(memory.reads.begin(), memory.reads.end(), [](const std::string& r) { return r.rfind("blob", 0) == 0; }) == 0);
    }
    SECTION("an invalid layer digest") {
        auto layer = bundle_layer("the bundle");
        layer.digest = "sha256:nothex";
        const std::string invalid = memory.add_referrer({image_digest, {layer}}, {});
        CHECK_THROWS_AS(read_bundles(memory, {bundle_descriptor(invalid)}), FetchError);
    }
}

TEST_CASE("bundle referrers: at most max_signatures bundles", "[referrers]") {
    MemoryStore memory;
    std::vector<image::Descriptor> listed;
    for (std::size_t i = 0; i <= max_signatures; ++i) {
        const std::string bundle = "bundle-" + std::to_string(i);
        listed.push_back(bundle_descriptor(memory.add_referrer({image_digest, {bundle_layer(bundle)}}, {bundle})));
    }
    CHECK_THROWS_AS(read_bundles(memory, listed), FetchError);
    CHECK(memory.reads.empty());  // refused from the listing, before any read
    listed.pop_back();
    CHECK(read_bundles(memory, listed).size() == max_signatures);

    MemoryStore layered;  // many layers in few referrers count too
    std::vector<DescriptorSpec> layers;
    std::vector<std::string> bundles;
    for (std::size_t i = 0; i <= max_signatures; ++i) {
        bundles.push_back("layer-" + std::to_string(i));
        layers.push_back(bundle_layer(bundles.back()));
    }
    const std::string heavy = layered.add_referrer({image_digest, layers}, bundles);
    CHECK_THROWS_AS(read_bundles(layered, {bundle_descriptor(heavy)}), FetchError);
}
