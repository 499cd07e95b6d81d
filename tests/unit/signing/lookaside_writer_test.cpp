// Where `sign --sign-by` writes (signing/lookaside_writer.hpp): c/image's
// signatureTopLevel(write=true) choice of registries.d section and key, and
// the next free signature-N of a file:// lookaside.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "imgtrust/errors.hpp"
#include "signing/lookaside_writer.hpp"

using namespace imgtrust;
using namespace imgtrust::signing;

namespace {

config::RegistryNamespaceConfig section(std::optional<std::string> lookaside, std::optional<std::string> staging) {
    config::RegistryNamespaceConfig config;
    config.lookaside = std::move(lookaside);
    config.lookaside_staging = std::move(staging);
    return config;
}

const DockerReference app = parse_normalized_named("registry.example/team/app:v1");
const util::Digest digest = *util::Digest::parse("sha256:" + std::string(64, 'a'));

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("write lookaside: staging before lookaside, in the most specific section that sets either", "[lookaside-writer]") {
    config::RegistriesDirectory config;
    config.docker["registry.example"] = section("file:///host", "file:///host-staging");
    config.docker["registry.example/team"] = section("file:///team", std::nullopt);
    config.default_docker = section("file:///default", "file:///default-staging");
    CHECK(lookaside_for_writing(config, app) == "file:///team");
    config.docker["registry.example/team/app"] = section(std::nullopt, "file:///app-staging");
    CHECK(lookaside_for_writing(config, app) == "file:///app-staging");
    config.docker["registry.example/team/app:v1"] = section(std::nullopt, std::nullopt);  // sets nothing: skipped
    CHECK(lookaside_for_writing(config, app) == "file:///app-staging");
    CHECK(lookaside_for_writing(config, parse_normalized_named("other.example/x:v1")) == "file:///default-staging");
}

TEST_CASE("write lookaside: without any section, the built-in default", "[lookaside-writer]") {
    const std::string chosen = lookaside_for_writing(config::RegistriesDirectory{}, app);
    CHECK(chosen.rfind("file://", 0) == 0);
    CHECK(chosen.find("sigstore") != std::string::npos);
}

TEST_CASE("write lookaside: only file:// is written", "[lookaside-writer]") {
    CHECK_THROWS_AS(require_writable_lookaside("https://sigs.example/x"), ConfigError);
    CHECK_THROWS_AS(write_lookaside_signature("http://sigs.example", "team/app", digest, "sig"), ConfigError);
    CHECK_NOTHROW(require_writable_lookaside("file:///var/lib/containers/sigstore"));
}

TEST_CASE("signature-N: the next free number, existing files kept", "[lookaside-writer]") {
    const auto base = std::filesystem::temp_directory_path() / ("imgtrust-lookaside-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    const std::string url = "file://" + base.string();
    const std::string first = write_lookaside_signature(url, "team/app", digest, "one");
    CHECK(first == (base / ("team/app@sha256=" + std::string(64, 'a')) / "signature-1").string());
    const std::string second = write_lookaside_signature(url, "team/app", digest, "two");
    CHECK(second.substr(second.size() - 11) == "signature-2");
    CHECK(read(first) == "one");
    CHECK(read(second) == "two");
    std::filesystem::remove_all(base);
}
