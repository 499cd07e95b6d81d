// The pure parts of referrers discovery (registry/referrers.hpp): the
// referrers tag, Link pagination and its bounds, OCI-Filters-Applied, and
// which answers mean that the registry lacks the API.
#include <catch2/catch.hpp>

#include <string>

#include "registry/referrers.hpp"

using namespace imgtrust::registry;

namespace {
const std::string hex64(64, 'a');
const std::string path = "/v2/ns/app/referrers/sha256:" + hex64;
}  // namespace

TEST_CASE("referrers tag: the spec's examples", "[referrers]") {
    CHECK(referrers_tag("sha256:" + hex64) == "sha256-" + hex64);
    CHECK(referrers_tag("sha512:" + std::string(128, 'a')) == "sha512-" + hex64);
    CHECK(referrers_tag("test+algorithm+using+algorithm+separators+and+lots+of+characters+to+excercise+overall+truncation:"
                        "alsoSome=InTheEncodedSectionToShowHyphenReplacementAndLotsAndLotsOfCharactersToExcerciseEncodedTruncation") ==
          "test-algorithm-using-algorithm-s-alsoSome-InTheEncodedSectionToShowHyphenReplacementAndLotsAndLot");
}

TEST_CASE("Link: the rel=\"next\" target", "[referrers]") {
    CHECK(link_next_target("<" + path + "?n=2&last=x>; rel=\"next\"") == path + "?n=2&last=x");
    CHECK(link_next_target("</a>; rel=next") == "/a");
    CHECK(link_next_target("</a>;rel=\"NEXT\"") == "/a");
    CHECK(link_next_target("</prev>; rel=\"prev\", </next>; rel=\"next\"") == "/next");
    CHECK(link_next_target("</both>; rel=\"prev next\"") == "/both");
    CHECK(link_next_target("</a,b>; type=\"x;y,z\"; rel=\"next\"") == "/a,b");
    CHECK(link_next_target("</a>; title=\"rel=next\"") == std::nullopt);
    CHECK(link_next_target("</a>; rel=\"nextpage\"") == std::nullopt);
    CHECK(link_next_target("</a>; rel=\"prev\"") == std::nullopt);
    CHECK(link_next_target("") == std::nullopt);
    CHECK(link_next_target("/a; rel=next") == std::nullopt);
    CHECK(link_next_target("</a; rel=next") == std::nullopt);
    CHECK(link_next_target("<" + std::string(max_link_header_bytes, 'x') + ">; rel=next") == std::nullopt);
}

TEST_CASE("Link: the next page stays on the same host and endpoint", "[referrers]") {
    const std::string host = "127.0.0.1:5000";
    CHECK(next_page_request_path(path + "?last=1", host, path) == path + "?last=1");
    CHECK(next_page_request_path("?last=1", host, path + "?artifactType=x") == path + "?last=1");
    CHECK(next_page_request_path("http://127.0.0.1:5000" + path + "?last=1", host, path) == path + "?last=1");
    CHECK(next_page_request_path("HTTPS://127.0.0.1:5000" + path, host, path) == path);
    CHECK(next_page_request_path("//127.0.0.1:5000" + path + "?p=2#frag", host, path) == path + "?p=2");
    // Percent-encoding of the digest's colon is the same path.
    CHECK(next_page_request_path("/v2/ns/app/referrers/sha256%3A" + hex64 + "?p=2", host, path) ==
          "/v2/ns/app/referrers/sha256%3A" + hex64 + "?p=2");
    // Another host, port, user information, repository, endpoint or digest: refused.
    CHECK(next_page_request_path("http://evil.example" + path, host, path) == std::nullopt);
    CHECK(next_page_request_path("http://127.0.0.1:5001" + path, host, path) == std::nullopt);
    CHECK(next_page_request_path("http://user@127.0.0.1:5000" + path, host, path) == std::nullopt);
    CHECK(next_page_request_path("//evil.example" + path, host, path) == std::nullopt);
    CHECK(next_page_request_path("/v2/other/referrers/sha256:" + hex64, host, path) == std::nullopt);
    CHECK(next_page_request_path("/v2/ns/app/manifests/latest", host, path) == std::nullopt);
    CHECK(next_page_request_path("/v2/ns/app/referrers/sha256:" + std::string(64, 'b'), host, path) == std::nullopt);
    CHECK(next_page_request_path("/v2/ns/app/referrers/sha256:" + hex64 + "/../../x", host, path) == std::nullopt);
    CHECK(next_page_request_path("ftp://127.0.0.1:5000" + path, host, path) == std::nullopt);
    CHECK(next_page_request_path("page2", host, path) == std::nullopt);
    CHECK(next_page_request_path("", host, path) == std::nullopt);
    CHECK(next_page_request_path(path + "?a=b c", host, path) == std::nullopt);
    CHECK(next_page_request_path(path + "?a=b\r\nX-Injected: 1", host, path) == std::nullopt);
}

TEST_CASE("OCI-Filters-Applied", "[referrers]") {
    CHECK(artifact_type_filter_applied("artifactType"));
    CHECK(artifact_type_filter_applied("annotation, artifactType"));
    CHECK(artifact_type_filter_applied(" artifacttype "));
    CHECK_FALSE(artifact_type_filter_applied(""));
    CHECK_FALSE(artifact_type_filter_applied("annotation"));
    CHECK_FALSE(artifact_type_filter_applied("artifactTypes"));
}

TEST_CASE("referrers API: which answers mean the registry lacks it", "[referrers]") {
    CHECK(referrers_api_missing(404, "text/plain"));
    CHECK(referrers_api_missing(400, "application/json"));
    CHECK(referrers_api_missing(405, ""));
    CHECK(referrers_api_missing(406, ""));
    CHECK(referrers_api_missing(200, "text/html"));
    CHECK_FALSE(referrers_api_missing(200, "application/vnd.oci.image.index.v1+json"));
    CHECK_FALSE(referrers_api_missing(401, ""));
    CHECK_FALSE(referrers_api_missing(403, ""));
    CHECK_FALSE(referrers_api_missing(500, ""));
}
