// The .sig attachment and bundle referrer documents (signing/attachments.hpp):
// cosign's layout, appending without dropping, the duplicate rule, and the
// untrusted existing manifest refused when malformed.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <string>

#include "imgtrust/errors.hpp"
#include "signing/attachments.hpp"
#include "util/digest.hpp"

using namespace imgtrust;
using namespace imgtrust::signing;

namespace {

std::string sha256(const std::string& bytes) { return util::Digest::of(util::DigestAlgorithm::sha256, bytes).string(); }

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.c_str());  // our own output, in a test
    REQUIRE_FALSE(document.HasParseError());
    return document;
}

const auto never = [](const SignatureLayer&) { return false; };

}  // namespace

TEST_CASE("a first signature: cosign's manifest and config, byte for byte", "[attachments]") {
    const std::string payload = "{\"critical\":{}}";
    const auto attachment = append_signature({}, payload, "c2ln", never);
    const std::string layer_digest = sha256(payload);
    CHECK(attachment.config ==
          "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],"
          "\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer_digest + "\"]},\"config\":{}}");
    CHECK(attachment.manifest ==
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
          "\"application/vnd.oci.image.config.v1+json\",\"size\":" + std::to_string(attachment.config.size()) +
          ",\"digest\":\"" + sha256(attachment.config) + "\"},\"layers\":[{\"mediaType\":"
          "\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":" + std::to_string(payload.size()) +
          ",\"digest\":\"" + layer_digest + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"c2ln\"}}]}");
    CHECK_FALSE(attachment.already_present);
}

TEST_CASE("appending keeps every existing layer, in order, with its annotations", "[attachments]") {
    const auto first = append_signature({}, "one", "MQ==", never);
    const auto existing = parse_attachment_layers(first.manifest);
    REQUIRE(existing.size() == 1);
    const auto second = append_signature(existing, "two", "Mg==", never);
    const auto layers = parse_attachment_layers(second.manifest);
    REQUIRE(layers.size() == 2);
    CHECK(layers[0].digest == sha256("one"));
    CHECK(layers[0].annotations.at(cosign_signature_annotation) == "MQ==");
    CHECK(layers[1].digest == sha256("two"));
    const auto config = parse(second.config);
    CHECK(config["rootfs"]["diff_ids"].Size() == 2);
    CHECK(config["history"].Size() == 2);
}

TEST_CASE("a duplicate signature leaves the attachment unchanged", "[attachments]") {
    const auto existing = parse_attachment_layers(append_signature({}, "one", "MQ==", never).manifest);
    const auto again = append_signature(existing, "one", "MQ==", [](const SignatureLayer& layer) {
        return layer.digest == sha256("one");
    });
    CHECK(again.already_present);
    CHECK(parse_attachment_layers(again.manifest).size() == 1);
}

TEST_CASE("an existing attachment that is not a manifest is refused, not overwritten", "[attachments]") {
    CHECK_THROWS_AS(parse_attachment_layers("not json"), FetchError);
    CHECK_THROWS_AS(parse_attachment_layers("{}"), FetchError);
    CHECK_THROWS_AS(parse_attachment_layers("{\"layers\":[{\"mediaType\":\"x\",\"size\":1,\"digest\":\"nope\"}]}"), FetchError);
    CHECK_THROWS_AS(parse_attachment_layers("{\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" + sha256("") + "\"}]}"), FetchError);
    std::string many = "{\"layers\":[";
    for (std::size_t i = 0; i <= max_attachment_layers; ++i)
        many += std::string(i ? "," : "") + "{\"mediaType\":\"x\",\"size\":0,\"digest\":\"" + sha256("") + "\"}";
    CHECK_THROWS_AS(parse_attachment_layers(many + "]}"), FetchError);
}

TEST_CASE("the bundle referrer: artifactType, empty config, subject, the bundle as the layer", "[attachments]") {
    const SubjectDescriptor subject{"application/vnd.oci.image.manifest.v1+json", sha256("image"), 5};
    const auto manifest = parse(bundle_referrer_manifest(subject, "{\"bundle\":1}", "2026-12-05T00:00:00Z"));
    CHECK(std::string(manifest["artifactType"].GetString()) == sigstore_bundle_v03_media_type);
    CHECK(std::string(manifest["config"]["mediaType"].GetString()) == oci_empty_media_type);
    CHECK(std::string(manifest["config"]["digest"].GetString()) == sha256("{}"));
    CHECK(manifest["config"]["size"].GetUint64() == 2);
    CHECK(std::string(manifest["subject"]["digest"].GetString()) == subject.digest);
    CHECK(std::string(manifest["layers"][0]["digest"].GetString()) == sha256("{\"bundle\":1}"));
    CHECK(std::string(manifest["annotations"]["dev.sigstore.bundle.predicateType"].GetString()) ==
          "https://sigstore.dev/cosign/sign/v1");
}
