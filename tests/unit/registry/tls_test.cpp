#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "imgtrust/errors.hpp"
#include "registry/fake_registry.hpp"
#include "registry/http_engine.hpp"
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

namespace {

int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Debian's docker-registry (Go, HTTP/2 over TLS) on loopback, stopped by its PID.
struct DockerRegistryProcess {
    pid_t pid = -1;
    DockerRegistryProcess(const std::string& config, const std::string& log) {
        pid = ::fork();
        if (pid == 0) {
            const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(out, STDOUT_FILENO);
            ::dup2(out, STDERR_FILENO);
            ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~DockerRegistryProcess() {
        ::kill(pid, SIGTERM);
        int status = 0;
        ::waitpid(pid, &status, 0);
    }
};

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("tls: requests from 8 threads are multiplexed over one HTTP/2 connection", "[tls][http2]") {
    if (::access("/usr/bin/docker-registry", X_OK) != 0) {
        WARN("docker-registry is not installed: HTTP/2 check skipped");
        return;
    }
    TestPki pki;
    ScratchDir work;
    const int port = free_loopback_port();
    const std::string config = work.write("config.yml",
        "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: " + work.file("data") +
        "\nhttp:\n  addr: 127.0.0.1:" + std::to_string(port) + "\n  tls:\n    certificate: " + pki.path("server.pem") +
        "\n    key: " + pki.path("server.key") + "\n");
    DockerRegistryProcess registry(config, work.file("registry.log"));
    HttpEngine engine;
    HttpRequest request;
    request.url = "https://127.0.0.1:" + std::to_string(port) + "/v2/";
    request.tls.ca_files = {pki.path("ca.crt")};
    request.timeout = std::chrono::seconds(5);
    long status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {  // wait for the registry to listen
        try {
            status = engine.perform(request).status;
        } catch (const FetchError&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    REQUIRE(status == 200);
    std::vector<std::thread> threads;
    std::atomic<int> successes{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            for (int round = 0; round < 3; ++round) successes += engine.perform(request).status == 200 ? 1 : 0;
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(successes == 24);
    const std::string log = read_text(work.file("registry.log"));
    std::set<std::string> clients;
    std::size_t http2_requests = 0;
    for (std::size_t at = log.find("\"GET /v2/ HTTP/2.0\""); at != std::string::npos; at = log.find("\"GET /v2/ HTTP/2.0\"", at + 1)) {
        ++http2_requests;
    }
    for (std::size_t at = log.find("remoteaddr=\""); at != std::string::npos; at = log.find("remoteaddr=\"", at + 1)) {
        clients.insert(log.substr(at, log.find('"', at + 12) - at));
    }
    CHECK(http2_requests >= 25);
    CHECK(clients.size() == 1);  // one connection (one client port) carried every request
}
