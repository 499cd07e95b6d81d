// trusted_root.json parsing: the embedded public-good root and the
// conformance suite's custom roots parse; broken roots are configuration errors.
#include <catch2/catch.hpp>

#include "conformance_assets.hpp"
#include "imgtrust/errors.hpp"
#include "sigstore/proto_json.hpp"
#include "sigstore/public_good_root.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"

using imgtrust::ConfigError;
using imgtrust::sigstore::parse_trusted_root;

namespace {

std::string conformance_root(const std::string& name) { return conformance_file(name, "trusted_root.json"); }

}  // namespace

TEST_CASE("trusted root: the embedded public-good root lists Rekor, Fulcio, CT logs and the TSA") {
    const auto& root = imgtrust::sigstore::public_good_trusted_root();
    REQUIRE(root.tlogs.size() == 2);
    CHECK(root.tlogs[0].base_url == "https://rekor.sigstore.dev");
    CHECK(root.tlogs[0].key.algorithm() == "ECDSA P-256");
    CHECK(root.tlogs[0].valid_for.start == 1610452407);  // 2021-01-12T11:53:27Z
    CHECK(root.tlogs[1].key.algorithm() == "Ed25519");
    CHECK(root.certificate_authorities.size() == 2);
    CHECK(root.ctlogs.size() == 2);
    CHECK(root.ctlogs[0].valid_for.end == 1667260799);  // 2022-10-31T23:59:59.999Z, truncated to the second
    REQUIRE(root.timestamp_authorities.size() == 1);
    CHECK(root.timestamp_authorities[0].subject == "sigstore.dev/sigstore-tsa-selfsigned");
    auto* rekor = imgtrust::sigstore::find_log_by_id(root.tlogs, root.tlogs[0].log_id);
    CHECK(rekor == &root.tlogs[0]);
    CHECK(imgtrust::sigstore::find_log_by_id(root.tlogs, "unknown") == nullptr);
}

TEST_CASE("trusted root: the conformance suite's staging roots parse, RSA PKCS#1 CT key included") {
    auto root = parse_trusted_root(conformance_root("rekor2-dsse-happy-path"), "staging.json");
    CHECK(root.tlogs.size() == 4);
    CHECK(root.ctlogs[0].key.algorithm() == "RSA 4096");
    CHECK(root.origin_description == "staging.json");
}

TEST_CASE("trusted root: broken roots are configuration errors naming the field") {
    std::string good = conformance_root("rekor2-happy-path");
    CHECK_THROWS_WITH(parse_trusted_root(replaced(good, "trustedroot+json;version=0.1", "trustedroot+json;version=9"), "r.json"),
                      Catch::Contains("r.json: invalid trusted root: mediaType"));
    CHECK_THROWS_AS(parse_trusted_root("{", "r.json"), ConfigError);
    CHECK_THROWS_WITH(parse_trusted_root(replaced(good, "\"baseUrl\"", "\"baseURL\""), "r.json"), Catch::Contains("unknown field"));
    CHECK_THROWS_WITH(parse_trusted_root(conformance_root("trust-root-tlog-missing-validity-start_fail"), "r.json"),
                      Catch::Contains("validFor.start: missing"));
    CHECK_THROWS_WITH(parse_trusted_root(replaced(good, "\"rawBytes\": \"", "\"rawBytes\": \"AAAA"), "r.json"), Catch::Contains("rawBytes"));
    CHECK_THROWS_WITH(parse_trusted_root(replaced(good, "\"start\": \"2021-01-12T11:53:27Z\"", "\"start\": \"yesterday\""), "r.json"),
                      Catch::Contains("invalid RFC 3339"));
}

TEST_CASE("trusted root: RFC 3339 timestamps with fractions and offsets") {
    using imgtrust::sigstore::parse_rfc3339;
    CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339("2021-01-12T11:53:27.000Z") == 1610452407);
    CHECK(parse_rfc3339("2021-01-12T12:53:27+01:00") == 1610452407);
    CHECK_FALSE(parse_rfc3339("2021-01-12 11:53:27Z"));
    CHECK_FALSE(parse_rfc3339("2021-13-12T11:53:27Z"));
    CHECK_FALSE(parse_rfc3339("2021-01-12T11:53:27"));
}
