// The pure parts of registry writes (registry/upload.hpp): where an upload
// session's Location may send the PUT, and query parameters.
#include <catch2/catch.hpp>

#include <string>

#include "registry/upload.hpp"

using namespace imgtrust::registry;

TEST_CASE("upload Location: an absolute path is used as is", "[upload]") {
    CHECK(upload_location_path("/v2/app/blobs/uploads/uuid?_state=x", "127.0.0.1:5000") ==
          "/v2/app/blobs/uploads/uuid?_state=x");
}

TEST_CASE("upload Location: a URL on the registry's own host", "[upload]") {
    CHECK(upload_location_path("http://127.0.0.1:5000/v2/app/blobs/uploads/u?a=b", "127.0.0.1:5000") ==
          "/v2/app/blobs/uploads/u?a=b");
    CHECK(upload_location_path("HTTPS://Registry.Example/v2/x/blobs/uploads/u", "registry.example") ==
          "/v2/x/blobs/uploads/u");
}

TEST_CASE("upload Location: anything that would send credentials elsewhere is refused", "[upload]") {
    CHECK_FALSE(upload_location_path("", "r:5000"));
    CHECK_FALSE(upload_location_path("http://other:5000/v2/x", "r:5000"));
    CHECK_FALSE(upload_location_path("http://r:5001/v2/x", "r:5000"));
    CHECK_FALSE(upload_location_path("http://user@r:5000/v2/x", "r:5000"));
    CHECK_FALSE(upload_location_path("//r:5000/v2/x", "r:5000"));
    CHECK_FALSE(upload_location_path("ftp://r:5000/v2/x", "r:5000"));
    CHECK_FALSE(upload_location_path("http://r:5000", "r:5000"));
    CHECK_FALSE(upload_location_path("/v2/x y", "r:5000"));
    CHECK_FALSE(upload_location_path("/v2/x\r\nInjected: 1", "r:5000"));
    CHECK_FALSE(upload_location_path("uploads/relative", "r:5000"));
}

TEST_CASE("query parameters are appended and percent-encoded", "[upload]") {
    CHECK(with_query_parameter("/v2/a/blobs/uploads/u", "digest", "sha256:ab") == "/v2/a/blobs/uploads/u?digest=sha256%3Aab");
    CHECK(with_query_parameter("/u?_state=x", "digest", "sha256:ab") == "/u?_state=x&digest=sha256%3Aab");
    CHECK(with_query_parameter("/v2/a/blobs/uploads/?mount=sha256%3Aab", "from", "ns/other") ==
          "/v2/a/blobs/uploads/?mount=sha256%3Aab&from=ns%2Fother");
}
