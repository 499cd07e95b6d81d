#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "imgtrust/errors.hpp"
#include "registry/fake_registry.hpp"
#include "registry/protocol.hpp"
#include "registry/registry_pool.hpp"
#include "registry/pool_test_support.hpp"
#include "registry/registry_test_support.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;
using namespace imgtrust::registry::testing;

TEST_CASE("pool: manifest by tag, media type and digest of the bytes", "[pool]") {
    FakeRegistry server;
    const std::string manifest = sample_manifest();
    const std::string digest = compute_digest("sha256", manifest);
    server.configure(routes_json({{manifest_route("team/app", "v1"),
        {response_json(200, manifest, {{"Content-Type", oci_manifest_type + "; charset=utf-8"}, {"Docker-Content-Digest", digest}})}}}));
    RegistryPool pool(test_context(), fast_retries);
    const FetchedManifest fetched = pool.repository(repo(server))->get_manifest("v1");
    CHECK(fetched.bytes == manifest);
    CHECK(fetched.media_type == oci_manifest_type);
    CHECK(fetched.digest == digest);
    const auto log = server.log();
    REQUIRE(log.size() == 1);  // no /v2/ ping
    CHECK(log[0].method == "GET");
}

TEST_CASE("pool: bearer token flow, cached token, pre-emptive token on warm requests", "[pool]") {
    FakeRegistry server;
    DebugLines debug;
    const std::string manifest = sample_manifest();
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, manifest, {{"Content-Type", oci_manifest_type}})}},
                                  {manifest_route("team/app", "v2"), {response_json(200, manifest, {{"Content-Type", oci_manifest_type}})}},
                                  {manifest_route("team/other", "v1"), {response_json(200, manifest)}}},
                                 bearer_auth(server)));
    RegistryPool pool(test_context(&debug), fast_retries);
    pool.repository(repo(server))->get_manifest("v1");
    auto log = server.log();
    REQUIRE(log.size() == 3);  // 401, token, retry with token
    CHECK(log[0].authorization.empty());
    CHECK(log[1].path == "/token");
    CHECK(log[1].query.find("scope=repository%3Ateam%2Fapp%3Apull") != std::string::npos);
    CHECK(log[1].query.find("service=fake") != std::string::npos);
    CHECK(log[2].authorization == "Bearer T0K3N");

    server.reset_log();
    pool.repository(repo(server))->get_manifest("v2");  // a new image of the same repository: one request
    log = server.log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].authorization == "Bearer T0K3N");
    CHECK(debug.contains("Using cached token for repository:team/app:pull"));
    CHECK(debug.contains(" → 200"));
    for (const auto& line : debug.lines) CHECK(line.find("T0K3N") == std::string::npos);

    server.reset_log();
    pool.repository(repo(server, "team/other"))->get_manifest("v1");  // known challenge, new scope: token + data
    log = server.log();
    REQUIRE(log.size() == 2);
    CHECK(log[0].path == "/token");
    CHECK(log[1].authorization == "Bearer T0K3N");
}

TEST_CASE("pool: a token rejected later is fetched again once, then authentication required", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}, bearer_auth(server, "first")));
    RegistryPool pool(test_context(), fast_retries);
    pool.repository(repo(server))->get_manifest("v1");
    // The registry now wants another token, and the token server hands it out.
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}, bearer_auth(server, "second")));
    server.reset_log();
    pool.repository(repo(server))->get_manifest("v1");
    const auto log = server.log();
    REQUIRE(log.size() == 3);
    CHECK(log[0].authorization == "Bearer first");
    CHECK(log[2].authorization == "Bearer second");
}

TEST_CASE("pool: a 401 after a fresh token is an authentication error", "[pool]") {
    FakeRegistry server;
    const std::string auth = R"({"type":"bearer","realm":")" + server.url("/token") +
                             R"(","service":"fake","token":"accepted","issued_token":"useless"})";
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}, auth));
    RegistryPool pool(test_context(), fast_retries);
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"),
                      Catch::Contains("authentication required") && Catch::Contains("reading manifest v1"));
    CHECK(server.log().size() == 3);  // 401, token, 401
}

TEST_CASE("pool: token endpoint with credentials from --creds; bad credentials fail clearly", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 bearer_auth(server, "T0K3N", R"({"alice":"s3cret"})")));
    SystemContext context = test_context();
    context.no_creds = false;
    context.username = "alice";
    context.password = "s3cret";
    RegistryPool pool(context, fast_retries);
    pool.repository(repo(server))->get_manifest("v1");
    const auto log = server.log();
    REQUIRE(log.size() == 3);
    CHECK(log[1].authorization == "Basic " + util::base64_encode("alice:s3cret"));
    CHECK(log[1].query.find("account=alice") != std::string::npos);

    context.password = "wrong";
    RegistryPool bad_pool(context, fast_retries);
    CHECK_THROWS_WITH(bad_pool.repository(repo(server))->get_manifest("v1"),
                      Catch::Contains("requesting bearer token") && Catch::Contains("authentication required"));
}

TEST_CASE("pool: Basic challenge sends Basic credentials, pre-emptively afterwards", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 R"({"type":"basic","users":{"bob":"pw"}})"));
    SystemContext context = test_context();
    context.no_creds = false;
    context.username = "bob";
    context.password = "pw";
    RegistryPool pool(context, fast_retries);
    pool.repository(repo(server))->get_manifest("v1");
    CHECK(server.log().size() == 2);
    server.reset_log();
    pool.repository(repo(server))->get_manifest("v1");
    const auto log = server.log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].authorization == "Basic " + util::base64_encode("bob:pw"));

    RegistryPool anonymous(test_context(), fast_retries);
    CHECK_THROWS_WITH(anonymous.repository(repo(server))->get_manifest("v1"), Catch::Contains("authentication required"));
}

TEST_CASE("pool: 429 then 200 honours Retry-After", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"),
        {response_json(429, "", {{"Retry-After", "1"}}), response_json(200, sample_manifest())}}}));
    RegistryPool pool(test_context(), fast_retries);
    const auto started = std::chrono::steady_clock::now();
    CHECK(pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest());
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(950));
    CHECK(server.count(manifest_route("team/app", "v1")) == 2);
}

TEST_CASE("pool: a 500 storm fails after the retries, with the registry's message", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"),
        {response_json(500, R"({"errors":[{"code":"UNKNOWN","message":"disk on fire"}]})")}}}));
    RegistryPool pool(test_context(), fast_retries);
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"),
                      Catch::Contains("HTTP status 500") && Catch::Contains("disk on fire") && Catch::Contains("after 3 attempts"));
    CHECK(server.count(manifest_route("team/app", "v1")) == 3);  // 1 + retry_times
}

TEST_CASE("pool: transport errors are retried; truncated and oversize bodies fail", "[pool]") {
    FakeRegistry server;
    const std::string path = manifest_route("team/app", "v1");
    server.configure(routes_json({{path, {response_json(200, "cut", {}, "\"truncate\":true"), response_json(200, sample_manifest())}}}));
    RegistryPool pool(test_context(), fast_retries);
    CHECK(pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest());

    server.configure(routes_json({{path, {response_json(200, "cut", {}, "\"truncate\":true")}}}));
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("truncated response body"));

    server.configure(routes_json({{path, {response_json(200, std::string(4 * 1024 * 1024 + 1, ' '))}}}));
    server.reset_log();
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("response body exceeds 4194304 bytes"));
    CHECK(server.count(path) == 1);  // not retried
}

TEST_CASE("pool: a slow registry fails at the request timeout and at the image deadline", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest(), {}, "\"delay\":5")}}}));
    SystemContext context = test_context();
    context.request_timeout = std::chrono::milliseconds(300);
    context.retry_times = 1;
    RegistryPool pool(context, fast_retries);
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));

    context.request_timeout = std::chrono::seconds(30);
    context.timeout = std::chrono::milliseconds(500);
    RegistryPool deadline_pool(context, fast_retries);
    CHECK_THROWS_WITH(deadline_pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("pool: digests are verified", "[pool]") {
    FakeRegistry server;
    const std::string manifest = sample_manifest();
    const std::string other_digest = compute_digest("sha256", sample_manifest("b"));
    server.configure(routes_json({
        {manifest_route("team/app", other_digest), {response_json(200, manifest)}},
        {manifest_route("team/app", "lying"), {response_json(200, manifest, {{"Docker-Content-Digest", other_digest}})}},
    }));
    RegistryPool pool(test_context(), fast_retries);
    auto client = pool.repository(repo(server));
    CHECK_THROWS_WITH(client->get_manifest(other_digest), Catch::Contains("manifest digest mismatch"));
    CHECK_THROWS_WITH(client->get_manifest("lying"), Catch::Contains("Docker-Content-Digest is " + other_digest));
    CHECK_THROWS_AS(client->get_manifest("sha256:short"), FetchError);
}

TEST_CASE("pool: missing manifests are NotFoundError / nullopt with the registry's message", "[pool]") {
    FakeRegistry server;
    RegistryPool pool(test_context(), fast_retries);
    auto client = pool.repository(repo(server));
    CHECK_THROWS_AS(client->get_manifest("nope"), NotFoundError);
    CHECK_THROWS_WITH(client->get_manifest("nope"), Catch::Contains("manifest unknown"));
    CHECK_FALSE(client->find_manifest("nope").has_value());
    server.configure(routes_json({{manifest_route("team/app", "gone"),
        {response_json(400, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})")}}}));
    CHECK_FALSE(client->find_manifest("gone").has_value());
    server.configure(routes_json({{manifest_route("team/app", "denied"),
        {response_json(403, R"({"errors":[{"code":"DENIED","message":"no access"}]})")}}}));
    CHECK_THROWS_WITH(client->find_manifest("denied"), Catch::Contains("denied: no access"));
}

TEST_CASE("pool: schema1 manifests are refused", "[pool]") {
    FakeRegistry server;
    const std::string schema1 = R"({"schemaVersion":1,"name":"team/app","tag":"old","fsLayers":[]})";
    server.configure(routes_json({
        {manifest_route("team/app", "typed"), {response_json(200, schema1, {{"Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"}})}},
        {manifest_route("team/app", "untyped"), {response_json(200, schema1, {{"Content-Type", "application/json"}})}},
    }));
    RegistryPool pool(test_context(), fast_retries);
    auto client = pool.repository(repo(server));
    CHECK_THROWS_WITH(client->get_manifest("typed"), Catch::Contains("schema1 manifests are not supported"));
    CHECK_THROWS_WITH(client->get_manifest("untyped"), Catch::Contains("schema1 manifests are not supported"));
}

TEST_CASE("pool: blobs follow redirects to another host without Authorization, and are verified", "[pool]") {
    FakeRegistry server;
    const std::string blob = "signature payload";
    const std::string digest = compute_digest("sha256", blob);
    const std::string storage = "http://localhost:" + std::to_string(server.port()) + "/storage/1";
    server.configure(routes_json({
        {"/v2/team/app/blobs/" + digest, {response_json(307, "", {{"Location", storage}})}},
        {"/storage/1", {response_json(200, blob)}},
        {"/v2/team/app/blobs/" + compute_digest("sha256", "x"), {response_json(200, "not x")}},
    }, bearer_auth(server)));
    RegistryPool pool(test_context(), fast_retries);
    auto client = pool.repository(repo(server));
    CHECK(client->get_blob(digest, 1024) == blob);
    for (const auto& entry : server.log()) {
        if (entry.path == "/storage/1") CHECK(entry.authorization.empty());
    }
    CHECK_THROWS_WITH(client->get_blob(compute_digest("sha256", "x"), 1024), Catch::Contains("blob digest mismatch"));
    CHECK_THROWS_WITH(client->get_blob(digest, 4), Catch::Contains("exceeds 4 bytes"));
}

TEST_CASE("pool: with tls_verify=false, a plain-HTTP registry is reached over http and remembered", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}));
    DebugLines debug;
    SystemContext strict = test_context();
    strict.retry_times = 0;
    strict.tls_verify = true;
    RegistryPool strict_pool(strict, fast_retries);
    CHECK_THROWS_AS(strict_pool.repository(repo(server))->get_manifest("v1"), FetchError);

    SystemContext context = test_context(&debug);
    context.tls_verify = false;
    RegistryPool pool(context, fast_retries);
    CHECK(pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest());
    const auto before = pool.engine().requests_sent();
    CHECK(pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest());
    CHECK(pool.engine().requests_sent() == before + 1);
    CHECK(debug.contains("trying http"));
}

TEST_CASE("pool: 8 threads share one pool and one token", "[pool]") {
    FakeRegistry server;
    std::map<std::string, std::vector<std::string>> routes;
    for (int i = 0; i < 8; ++i) routes[manifest_route("team/app", "t" + std::to_string(i))] = {response_json(200, sample_manifest())};
    server.configure(routes_json(routes, bearer_auth(server)));
    RegistryPool pool(test_context(), fast_retries);
    pool.repository(repo(server))->get_manifest("t0");  // learn the challenge
    server.reset_log();
    std::vector<std::thread> threads;
    std::atomic<int> successes{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            for (int round = 0; round < 4; ++round) {
                if (pool.repository(repo(server))->get_manifest("t" + std::to_string(i)).bytes == sample_manifest()) ++successes;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(successes == 32);
    CHECK(server.log().size() == 32);  // no token requests: the cached token serves everyone
}

TEST_CASE("pool: an expired token is not reused", "[pool]") {
    FakeRegistry server;
    const std::string auth = R"({"type":"bearer","realm":")" + server.url("/token") +
                             R"(","service":"fake","token":"old","expires_in":60,"issued_at":"2020-01-01T00:00:00Z"})";
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}, auth));
    RegistryPool pool(test_context(), fast_retries);
    pool.repository(repo(server))->get_manifest("v1");
    server.reset_log();
    pool.repository(repo(server))->get_manifest("v1");
    const auto log = server.log();
    REQUIRE(log.size() == 2);  // the challenge is remembered, the expired token is fetched again
    CHECK(log[0].path == "/token");
}

TEST_CASE("pool: concurrent first requests to a host probe https once, then all use the remembered http", "[pool]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}));
    RegistryPool pool(test_context(), fast_retries);
    std::vector<std::thread> threads;
    std::atomic<int> successes{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            if (pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest()) ++successes;
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(successes == 8);
    // One failed https attempt in all, not one per thread, and one http request per thread.
    CHECK(pool.engine().requests_sent() == 9);
    CHECK(server.count(manifest_route("team/app", "v1")) == 8);
}
