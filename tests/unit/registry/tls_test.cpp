#include <catch2/catch.hpp>

#include <cstdlib>

#include "imgtrust/errors.hpp"
#include "registry/fake_registry.hpp"
#include "registry/protocol.hpp"
#include "registry/registry_pool.hpp"
#include "registry/registry_test_support.hpp"
#include "registry/scratch_dir.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;

namespace {

void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

// A throwaway PKI: a CA, a server certificate for 127.0.0.1/localhost and a client certificate.
struct TestPki {
    ScratchDir dir;
    TestPki() {
        const std::string d = dir.path();
        const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        dir.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        dir.write("client.ext", "extendedKeyUsage=clientAuth\n");
        run("openssl req -x509" + key + " -keyout " + d + "/ca.key -out " + d + "/ca.crt -days 2 -subj /CN=imgtrust-test-ca");
        for (const std::string name : {"server", "client"}) {
            run("openssl req" + key + " -keyout " + d + "/" + name + ".key -out " + d + "/" + name + ".csr -subj /CN=" + name);
            run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.crt -CAkey " + d + "/ca.key -CAcreateserial -out " +
                d + "/" + name + ".pem -days 2 -extfile " + d + "/" + name + ".ext");
        }
    }
    std::string path(const std::string& name) const { return dir.file(name); }
};

SystemContext tls_context(const std::string& cert_dir) {
    SystemContext context;
    context.no_creds = true;
    context.cert_dir = cert_dir;
    context.retry_times = 0;
    context.request_timeout = std::chrono::seconds(10);
    return context;
}

void copy_file(const std::string& from, const std::string& to) {
    run("cp " + from + " " + to);
}

}  // namespace

TEST_CASE("tls: a CA in the cert dir makes the registry trusted; without it, verification fails", "[tls]") {
    TestPki pki;
    FakeRegistry server({"--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key")}, true);
    server.configure(routes_json({{"/v2/team/app/manifests/v1", {response_json(200, sample_manifest())}}}));
    ScratchDir certs;
    copy_file(pki.path("ca.crt"), certs.file("ca.crt"));
    const DockerReference ref{server.host(), "team/app", "", ""};

    RegistryPool trusted(tls_context(certs.path()));
    CHECK(trusted.repository(ref)->get_manifest("v1").bytes == sample_manifest());

    ScratchDir empty;
    RegistryPool untrusted(tls_context(empty.path()));
    CHECK_THROWS_AS(untrusted.repository(ref)->get_manifest("v1"), FetchError);

    SystemContext insecure = tls_context(empty.path());
    insecure.tls_verify = false;
    RegistryPool unverified(insecure);
    CHECK(unverified.repository(ref)->get_manifest("v1").bytes == sample_manifest());
    CHECK(server.count("/v2/team/app/manifests/v1") == 2);
}

TEST_CASE("tls: a client certificate pair from the cert dir is presented", "[tls]") {
    TestPki pki;
    FakeRegistry server({"--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key"), "--client-ca", pki.path("ca.crt")}, true);
    server.use_client_certificate(pki.path("client.pem"), pki.path("client.key"));
    server.configure(routes_json({{"/v2/team/app/manifests/v1", {response_json(200, sample_manifest())}}}));
    const DockerReference ref{server.host(), "team/app", "", ""};

    ScratchDir with_client;
    copy_file(pki.path("ca.crt"), with_client.file("ca.crt"));
    copy_file(pki.path("client.pem"), with_client.file("client.cert"));
    copy_file(pki.path("client.key"), with_client.file("client.key"));
    RegistryPool pool(tls_context(with_client.path()));
    CHECK(pool.repository(ref)->get_manifest("v1").bytes == sample_manifest());

    ScratchDir without_client;
    copy_file(pki.path("ca.crt"), without_client.file("ca.crt"));
    RegistryPool refused(tls_context(without_client.path()));
    CHECK_THROWS_AS(refused.repository(ref)->get_manifest("v1"), FetchError);

    ScratchDir unpaired;
    copy_file(pki.path("client.pem"), unpaired.file("client.cert"));
    RegistryPool misconfigured(tls_context(unpaired.path()));
    CHECK_THROWS_AS(misconfigured.repository(ref)->get_manifest("v1"), ConfigError);
}
