// Bounds on expanding a manifest list: the instance count (refused at decoding)
// and the bytes of instance manifests read for one image.
#include <catch2/catch.hpp>

#include <map>

#include "image/instance_budget.hpp"
#include "image/manifest_format.hpp"
#include "imgtrust/errors.hpp"

using namespace imgtrust;

namespace {

std::string index_with(std::size_t instances) {
    std::string json = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
    for (std::size_t i = 0; i < instances; ++i) json += i ? R"(,{"size":1})" : R"({"size":1})";
    return json + "]}";
}

// Instance manifests of given sizes, counting how often each is read.
class SizedSource final : public ImageSource {
public:
    explicit SizedSource(std::map<std::string, std::size_t> sizes) : sizes_(std::move(sizes)) {}
    ManifestBlob manifest(const std::string& instance_digest) override {
        ++reads[instance_digest];
        return {std::string(instance_digest.empty() ? 10 : sizes_.at(instance_digest), ' '), ""};
    }
    std::vector<UntrustedSignature> signatures(const std::string&) override { return {}; }
    std::map<std::string, int> reads;

private:
    std::map<std::string, std::size_t> sizes_;
};

}  // namespace

TEST_CASE("manifest lists of more than 1000 instances are refused before decoding", "[manifest][bounds]") {
    const std::string index_type(image::oci_index_media_type);
    CHECK(manifest_list_instances({index_with(max_manifest_list_instances), index_type}).size() == max_manifest_list_instances);
    CHECK_THROWS_WITH(manifest_list_instances({index_with(100000), index_type}),
                      Catch::Contains("100000 instances, more than the 1000 accepted"));
    // The same bound for a Docker manifest list.
    std::string crowded = index_with(max_manifest_list_instances + 1);
    crowded.replace(crowded.find("application/vnd.oci.image.index.v1+json"), 39, image::docker_list_media_type);
    CHECK_THROWS_WITH(manifest_list_instances({crowded, ""}), Catch::Contains("more than the 1000 accepted"));
}

TEST_CASE("instance manifests read for one image stay within the budget", "[manifest][bounds]") {
    SizedSource source({{"sha256:a", 600}, {"sha256:b", 300}, {"sha256:c", 200}, {"sha256:d", 50}});
    image::InstanceBudgetSource bounded(source, "sha256:list", 1000);
    CHECK(bounded.manifest("sha256:a").bytes.size() == 600);
    CHECK(bounded.manifest("sha256:a").bytes.size() == 600);  // read again: counted once
    CHECK(bounded.manifest("sha256:b").bytes.size() == 300);
    CHECK_THROWS_WITH(bounded.manifest("sha256:c"), Catch::Contains("manifest list sha256:list") && Catch::Contains("1000 bytes"));
    // After one instance did not fit, no further instance is read at all.
    CHECK_THROWS_AS(bounded.manifest("sha256:d"), FetchError);
    CHECK(source.reads.count("sha256:d") == 0);
    // The top-level manifest and instances already counted still pass through.
    CHECK(bounded.manifest("").bytes.size() == 10);
    CHECK(bounded.manifest("sha256:b").bytes.size() == 300);
    CHECK(max_instance_manifest_bytes == 8 * max_manifest_bytes);
}
