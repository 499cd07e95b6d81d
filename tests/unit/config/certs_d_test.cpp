#include <catch2/catch.hpp>

#include "config/certs_d.hpp"
#include "imgtrust/errors.hpp"
#include "registry/scratch_dir.hpp"

using namespace imgtrust;
using namespace imgtrust::config;

TEST_CASE("certs.d: --cert-dir replaces the lookup; the home directory comes first", "[certs]") {
    ScratchDir home;
    ScopedEnv home_env("HOME", home.path());
    CHECK(cert_dir_for_host(std::string("/explicit"), "reg.example:5000") == "/explicit");
    // No per-host directory anywhere: the last candidate, as c/image returns it.
    CHECK(cert_dir_for_host(std::nullopt, "imgtrust-none.example:1") == "/etc/docker/certs.d/imgtrust-none.example:1");
    std::filesystem::create_directories(home.file(".config/containers/certs.d/reg.example:5000"));
    CHECK(cert_dir_for_host(std::nullopt, "reg.example:5000") == home.file(".config/containers/certs.d/reg.example:5000"));
}

TEST_CASE("certs.d: .crt files are CAs, .cert/.key pairs are client certificates", "[certs]") {
    ScratchDir dir;
    dir.write("b.crt", "ca b");
    dir.write("a.crt", "ca a");
    dir.write("client.cert", "cert");
    dir.write("client.key", "key");
    dir.write("README", "ignored");
    const CertsDirectory certs = read_certs_dir(dir.path());
    CHECK(certs.directory == dir.path());
    CHECK(certs.ca_files == std::vector<std::string>{dir.file("a.crt"), dir.file("b.crt")});
    REQUIRE(certs.client_certificates.size() == 1);
    CHECK(certs.client_certificates[0].certificate_file == dir.file("client.cert"));
    CHECK(certs.client_certificates[0].key_file == dir.file("client.key"));
    CHECK(read_certs_dir(dir.file("missing")).ca_files.empty());
}

TEST_CASE("certs.d: an unpaired .cert or .key is a configuration error", "[certs]") {
    ScratchDir lonely_cert;
    lonely_cert.write("client.cert", "cert");
    CHECK_THROWS_AS(read_certs_dir(lonely_cert.path()), ConfigError);
    CHECK_THROWS_WITH(read_certs_dir(lonely_cert.path()), Catch::Contains("missing key client.key for client certificate client.cert"));
    ScratchDir lonely_key;
    lonely_key.write("client.key", "key");
    CHECK_THROWS_WITH(read_certs_dir(lonely_key.path()), Catch::Contains("missing client certificate client.cert for key client.key"));
}
