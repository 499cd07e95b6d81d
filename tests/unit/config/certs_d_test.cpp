#include <catch2/catch.hpp>

#include "config/certs_d.hpp"
#include "imgtrust/errors.hpp"
#include "registry/scratch_dir.hpp"

#include <filesystem>
#include <string>
#include <vector>

using namespace imgtrust;
using namespace imgtrust::config;

namespace {

ConfigRoots scratch_roots(const ScratchDir& root, long uid) {
    ConfigRoots roots;
    roots.user_dir = root.file("xdg/containers");
    roots.admin_dir = root.file("etc/containers");
    roots.vendor_dir = root.file("usr/share/containers");
    roots.docker_certs_dir = root.file("etc/docker/certs.d");
    roots.uid = uid;
    return roots;
}

}  // namespace

// c/image v5.40 dockerCertDir: the first existing <dir>/<host:port> of the
// certs drop-in directories, then /etc/docker/certs.d; directories are not merged.
TEST_CASE("certs.d: --cert-dir, else the first existing host directory in configfile order", "[certs]") {
    const std::string host = "reg.example:5000";
    struct Row {
        const char* name;
        long uid;
        std::vector<std::string> existing;  // certs directories (under the root) holding a <host> directory
        std::string want;                   // relative to the root, "" for none
    };
    const std::vector<Row> rows{
        {"none anywhere", 0, {}, ""},
        {"docker compatibility fallback", 0, {"etc/docker/certs.d"}, "etc/docker/certs.d/"},
        {"vendor before docker", 0, {"etc/docker/certs.d", "usr/share/containers/certs.d"}, "usr/share/containers/certs.d/"},
        {"admin before vendor", 0, {"usr/share/containers/certs.d", "etc/containers/certs.d"}, "etc/containers/certs.d/"},
        {"rootful before common", 0, {"etc/containers/certs.d", "etc/containers/certs.rootful.d"}, "etc/containers/certs.rootful.d/"},
        {"rootless ignores rootful", 1000, {"etc/containers/certs.rootful.d", "usr/share/containers/certs.d"},
         "usr/share/containers/certs.d/"},
        {"rootless uid directory first", 1000, {"etc/containers/certs.rootless.d", "etc/containers/certs.rootless.d/1000"},
         "etc/containers/certs.rootless.d/1000/"},
        {"user first", 0, {"etc/containers/certs.rootful.d", "xdg/containers/certs.d"}, "xdg/containers/certs.d/"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        ScratchDir root;
        for (const auto& dir : row.existing) std::filesystem::create_directories(root.file(dir + "/" + host));
        const std::string want = row.want.empty() ? "" : root.file(row.want + host);
        CHECK(cert_dir_for_host_in(std::nullopt, host, scratch_roots(root, row.uid)) == want);
        CHECK(cert_dir_for_host_in(std::string("/explicit"), host, scratch_roots(root, row.uid)) == "/explicit");
    }
    CHECK(read_certs_dir("").ca_files.empty());
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
