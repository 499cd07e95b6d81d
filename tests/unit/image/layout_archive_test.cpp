// LayoutFiles over an oci-archive: tar (layout_archive.cpp), on the archives
// skopeo wrote (tests/fixtures/archives, regenerate-archives.sh).
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "image/layout_files.hpp"
#include "imgtrust/errors.hpp"

using namespace imgtrust;

TEST_CASE("layout archive: files by name, bounded, without extracting", "[oci-archive]") {
    const auto files = image::open_layout_archive(fixture_path("archives/unsigned-v1.tar"), "oci-archive:test");
    const auto index = files->read("index.json", 4096, "OCI index");
    REQUIRE(index);
    CHECK(index->find("\"org.opencontainers.image.ref.name\":\"v1\"") != std::string::npos);
    CHECK(files->read("./index.json", 4096, "OCI index") == index);  // "./" names the same file
    CHECK_FALSE(files->read("no-such-file", 4096, "test"));
    CHECK_THROWS_WITH(files->read("index.json", 10, "OCI index"), Catch::Contains("is larger than 10 bytes"));
    CHECK_THROWS_WITH(files->read("blobs", 4096, "test"), Catch::Contains("is not a regular file"));
    CHECK(files->display_path("index.json") == fixture_path("archives/unsigned-v1.tar") + ":index.json");
}

TEST_CASE("layout archive: visiting the small files of one directory", "[oci-archive]") {
    const auto files = image::open_layout_archive(fixture_path("archives/unsigned-v1.tar"), "oci-archive:test");
    std::vector<std::string> names;
    files->visit_small_files("blobs/sha256", 4096, 100, "test",
                             [&](const std::string& name, const std::string& bytes) {
                                 names.push_back(name);
                                 CHECK_FALSE(bytes.empty());
                             });
    CHECK(names.size() == 3);  // config, layer, manifest
    CHECK_THROWS_WITH(files->visit_small_files("blobs/sha256", 4096, 2, "test", [](auto&, auto&) {}),
                      Catch::Contains("more than 2 files"));
}

TEST_CASE("layout archive: a missing file, a directory, not a tar", "[oci-archive]") {
    CHECK_THROWS_AS(image::open_layout_archive(fixture_path("archives/no-such.tar"), "t"), NotFoundError);
    CHECK_THROWS_WITH(image::open_layout_archive(fixture_path("archives"), "t"), Catch::Contains("not a regular file"));
    CHECK_THROWS_AS(image::open_layout_archive(fixture_path("README.md"), "t"), FetchError);
}
