// LayoutFiles over an oci-archive: tar (layout_archive.cpp), on the archives
// skopeo wrote (tests/fixtures/archives, regenerate-archives.sh).
#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <utility>

#include "../registry/scratch_dir.hpp"
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

namespace {

// `index_json` as the only entry of a pax tar compressed with `add_filter`, written by libarchive's writer.
void write_compressed_tar(const std::string& path, int (*add_filter)(struct archive*), const std::string& index_json) {
    struct archive* writer = archive_write_new();
    REQUIRE(add_filter(writer) == ARCHIVE_OK);
    REQUIRE(archive_write_set_format_pax_restricted(writer) == ARCHIVE_OK);
    REQUIRE(archive_write_open_filename(writer, path.c_str()) == ARCHIVE_OK);
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, "index.json");
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(index_json.size()));
    REQUIRE(archive_write_header(writer, entry) == ARCHIVE_OK);
    REQUIRE(archive_write_data(writer, index_json.data(), index_json.size()) == static_cast<la_ssize_t>(index_json.size()));
    archive_entry_free(entry);
    REQUIRE(archive_write_close(writer) == ARCHIVE_OK);
    archive_write_free(writer);
}

}  // namespace

TEST_CASE("layout archive: gzip, bzip2, xz and zstd archives are read, as c/image decompresses them", "[oci-archive]") {
    ScratchDir dir;
    const std::string index_json = R"({"schemaVersion":2,"manifests":[]})";
    const std::pair<const char*, int (*)(struct archive*)> filters[] = {{"gzip", archive_write_add_filter_gzip},
                                                                        {"bzip2", archive_write_add_filter_bzip2},
                                                                        {"xz", archive_write_add_filter_xz},
                                                                        {"zstd", archive_write_add_filter_zstd}};
    for (const auto& [name, add_filter] : filters) {
        INFO(name);
        const std::string path = dir.file(std::string("image.tar.") + name);
        write_compressed_tar(path, add_filter, index_json);
        CHECK(image::open_layout_archive(path, "t")->read("index.json", 4096, "OCI index") == index_json);
    }
}

TEST_CASE("layout archive: lzop, lrzip and grzip data is refused without running a decompressor program",
          "[oci-archive]") {
    // libarchive's read_support_filter_all ran "lzop -d", "lrzip -d -q" and
    // "grzip -d" from PATH for these magics (found with strace on the fuzz
    // regression inputs, tests/fuzz/regressions/fuzz_oci_archive/). Now they
    // are just not a tar.
    ScratchDir dir;
    const std::pair<const char*, std::string> magics[] = {
        {"lzop", std::string("\x89LZO\x00\r\n\x1a\n", 9) + std::string(100, '\0')},
        {"lrzip", std::string("LRZI\x00\x06", 6) + std::string(100, 'a')},
        {"grzip", std::string("GRZipII\x00\x02\x04:)", 12) + std::string(100, '\0')},
    };
    for (const auto& [name, bytes] : magics) {
        INFO(name);
        const std::string path = dir.write(std::string("image.") + name, bytes);
        try {
            (void)image::open_layout_archive(path, "t");
            FAIL("accepted");
        } catch (const FetchError& error) {
            const std::string message = error.what();
            CHECK(message.find("program") == std::string::npos);
            CHECK(message.find("Child process") == std::string::npos);
        }
    }
}
