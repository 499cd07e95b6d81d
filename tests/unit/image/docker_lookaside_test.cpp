// Lookaside signature storage (c/image docs/signature-protocols.md): URLs,
// reading signature-N up to the first gap, the 128-signature bound.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "imgtrust/errors.hpp"
#include "layout_builder.hpp"
#include "docker_test_server.hpp"
#include "registry/lookaside.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;
using image_test::TempDir;

namespace {

const std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string digest = "sha256:" + hex;

LookasideReader file_reader() { return LookasideReader(nullptr, TlsSettings{}, std::chrono::seconds(5), nullptr); }

std::string signature_dir(const TempDir&) { return "ns/app@sha256=" + hex; }

}  // namespace

TEST_CASE("lookaside URL: base path + / + repository + @algorithm=hex/signature-N", "[lookaside]") {
    CHECK(lookaside_signature_url("file:///srv/sigs", "library/busybox", digest, 1) ==
          "file:///srv/sigs/library/busybox@sha256=" + hex + "/signature-1");
    CHECK(lookaside_signature_url("https://sigs.example.com", "ns/app", digest, 12) ==
          "https://sigs.example.com/ns/app@sha256=" + hex + "/signature-12");
    CHECK(lookaside_signature_url("https://sigs.example.com/", "ns/app", digest, 1) ==
          "https://sigs.example.com//ns/app@sha256=" + hex + "/signature-1");
    CHECK(lookaside_signature_url("http://h:8080/a%20b?x=1#frag", "app", digest, 2) ==
          "http://h:8080/a%20b/app@sha256=" + hex + "/signature-2?x=1");
    CHECK(lookaside_signature_url("HTTP://h/x", "app", digest, 1) == "http://h/x/app@sha256=" + hex + "/signature-1");
    CHECK_THROWS_AS(lookaside_signature_url("file:///srv", "app", "sha256:abc", 1), FetchError);
    CHECK_THROWS_AS(lookaside_signature_url("http://h/%zz", "app", digest, 1), FetchError);
    CHECK(redacted_url("https://user:secret@h/x") == "https://user:xxxxx@h/x");
    CHECK(redacted_url("https://user@h/x") == "https://user@h/x");
}

TEST_CASE("lookaside over file://: signature-1.. up to the first missing one", "[lookaside]") {
    TempDir dir;
    const std::string base = "file://" + dir.path();
    SECTION("none") { CHECK(file_reader().read(base, "ns/app", digest).empty()); }
    SECTION("two, in order") {
        dir.write(signature_dir(dir) + "/signature-1", "first");
        dir.write(signature_dir(dir) + "/signature-2", "second");
        CHECK(file_reader().read(base, "ns/app", digest) == std::vector<std::string>{"first", "second"});
    }
    SECTION("a gap ends the list") {
        dir.write(signature_dir(dir) + "/signature-1", "first");
        dir.write(signature_dir(dir) + "/signature-3", "third");
        CHECK(file_reader().read(base, "ns/app", digest) == std::vector<std::string>{"first"});
    }
    SECTION("only signature-2: no signatures") {
        dir.write(signature_dir(dir) + "/signature-2", "second");
        CHECK(file_reader().read(base, "ns/app", digest).empty());
    }
    SECTION("another digest or repository has none") {
        dir.write(signature_dir(dir) + "/signature-1", "first");
        CHECK(file_reader().read(base, "ns/other", digest).empty());
        CHECK(file_reader().read(base, "ns/app", "sha256:" + std::string(64, 'f')).empty());
    }
    SECTION("a directory where a signature should be is an error") {
        dir.make_directory(signature_dir(dir) + "/signature-1");
        CHECK_THROWS_AS(file_reader().read(base, "ns/app", digest), FetchError);
    }
    SECTION("a signature over 4 MiB is an error") {
        dir.write(signature_dir(dir) + "/signature-1", std::string(max_lookaside_signature_bytes + 1, 'x'));
        CHECK_THROWS_AS(file_reader().read(base, "ns/app", digest), FetchError);
    }
    SECTION("exactly 4 MiB is accepted") {
        dir.write(signature_dir(dir) + "/signature-1", std::string(max_lookaside_signature_bytes, 'x'));
        CHECK(file_reader().read(base, "ns/app", digest).size() == 1);
    }
}

// c/image's maxLookasideSignatures: it reads signature-1 … signature-128 and
// gives up when all of them exist, without looking for signature-129.
TEST_CASE("lookaside: 127 signatures are read, 128 are assumed to be a server error", "[lookaside]") {
    TempDir dir;
    const std::string base = "file://" + dir.path();
    for (int i = 1; i <= 127; ++i) dir.write(signature_dir(dir) + "/signature-" + std::to_string(i), "s" + std::to_string(i));
    const auto signatures = file_reader().read(base, "ns/app", digest);
    REQUIRE(signatures.size() == 127);
    CHECK(signatures.back() == "s127");
    dir.write(signature_dir(dir) + "/signature-128", "s128");
    CHECK_THROWS_WITH(file_reader().read(base, "ns/app", digest), Catch::Contains("server provided 128 signatures"));
}

TEST_CASE("lookaside: unsupported schemes and http without a client are errors", "[lookaside]") {
    CHECK_THROWS_WITH(file_reader().read("ftp://h/sigs", "app", digest), Catch::Contains("Unsupported scheme"));
    CHECK_THROWS_WITH(file_reader().read("/no/scheme", "app", digest), Catch::Contains("Unsupported scheme"));
    CHECK_THROWS_AS(file_reader().read("http://127.0.0.1:1/sigs", "app", digest), FetchError);
}

TEST_CASE("lookaside over http://: 200 is a signature, 404 the end, other statuses errors", "[lookaside]") {
    docker_test::LoopbackHttpServer server({
        {"/sigs/ns/app@sha256=" + hex + "/signature-1", {200, "first"}},
        {"/sigs/ns/app@sha256=" + hex + "/signature-2", {200, "second"}},
        {"/sigs/ns/broken@sha256=" + hex + "/signature-1", {500, "oops"}},
        {"/sigs/ns/forbidden@sha256=" + hex + "/signature-1", {200, "first"}},
        {"/sigs/ns/forbidden@sha256=" + hex + "/signature-2", {403, "no"}},
    });
    HttpEngine engine;
    std::vector<std::string> log;
    LookasideReader reader(&engine, TlsSettings{}, std::chrono::seconds(10), [&](const std::string& line) { log.push_back(line); });
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port()) + "/sigs";
    CHECK(reader.read(base, "ns/app", digest) == std::vector<std::string>{"first", "second"});
    CHECK(reader.read(base, "ns/none", digest).empty());
    CHECK_THROWS_WITH(reader.read(base, "ns/broken", digest), Catch::Contains("500"));
    CHECK_THROWS_WITH(reader.read(base, "ns/forbidden", digest), Catch::Contains("403"));
    for (const auto& request : server.requests()) CHECK(request.find("authorization:") == std::string::npos);
    CHECK(std::find(log.begin(), log.end(), "... got status 404, as expected = end of signatures") != log.end());
}
