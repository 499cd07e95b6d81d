// RequestRunner against hostile or broken registries: several WWW-Authenticate
// headers, a dead token server shared by concurrent requests, deeply nested
// response bodies, oversized header sections.
#include <catch2/catch.hpp>

#include <thread>

#include "imgtrust/errors.hpp"
#include "registry/fake_registry.hpp"
#include "registry/pool_state.hpp"
#include "registry/pool_test_support.hpp"
#include "registry/protocol.hpp"
#include "registry/registry_pool.hpp"
#include "registry/registry_test_support.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;
using namespace imgtrust::registry::testing;

namespace {

std::string nested_arrays(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// A bearer configuration whose 401 carries a Basic challenge first, then the Bearer one.
std::string basic_then_bearer(const FakeRegistry& server) {
    return R"({"type":"bearer","realm":")" + server.url("/token") + R"(","service":"fake","token":"T0K3N",)" +
           R"("challenges":["Basic realm=\"fake\"","Bearer realm=\")" + server.url("/token") + R"(\",service=\"fake\""]})";
}

// A bearer configuration whose token endpoint answers `token_response` instead of a token.
std::string broken_token_server(const FakeRegistry& server, const std::string& token_response) {
    return R"({"type":"bearer","realm":")" + server.url("/token") + R"(","service":"fake","token":"T0K3N","token_response":)" +
           token_response + "}";
}

// The outcome of one get_manifest on a worker thread, for asserting after the join.
struct Outcome {
    bool succeeded = false;
    std::string error;
};

Outcome fetch(RegistryPool& pool, const FakeRegistry& server, const std::string& reference = "v1") {
    try {
        pool.repository(repo(server))->get_manifest(reference);
        return {true, ""};
    } catch (const FetchError& error) {
        return {false, error.what()};
    }
}

}  // namespace

TEST_CASE("runner: Basic then Bearer challenges without credentials: an anonymous token is used", "[runner]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 basic_then_bearer(server)));
    RegistryPool pool(test_context(), fast_retries);
    CHECK(pool.repository(repo(server))->get_manifest("v1").bytes == sample_manifest());
    const auto log = server.log();
    REQUIRE(log.size() == 3);  // 401 with both challenges, token, retry with the token
    CHECK(log[1].path == "/token");
    CHECK(log[2].authorization == "Bearer T0K3N");
}

TEST_CASE("runner: Basic then Bearer challenges with credentials: Basic, first in header order as in c/image", "[runner]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 basic_then_bearer(server)));
    SystemContext context = test_context();
    context.no_creds = false;
    context.username = "alice";
    context.password = "s3cret";
    RegistryPool pool(context, fast_retries);
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("authentication required"));
    const auto log = server.log();
    REQUIRE(log.size() == 2);  // 401, then Basic credentials, refused by this bearer-only server
    CHECK(log[1].authorization.rfind("Basic ", 0) == 0);
}

TEST_CASE("runner: a dead token server is asked once by concurrent requests, and its failure remembered", "[runner]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 broken_token_server(server, response_json(503, "down", {}, "\"delay\":1"))));
    SystemContext context = test_context();
    context.retry_times = 0;
    RegistryPool pool(context, fast_retries);
    std::vector<Outcome> outcomes(8);
    std::vector<std::thread> threads;
    for (auto& outcome : outcomes) threads.emplace_back([&] { outcome = fetch(pool, server); });
    for (auto& thread : threads) thread.join();
    for (const auto& outcome : outcomes) {
        CHECK_FALSE(outcome.succeeded);
        CHECK_THAT(outcome.error, Catch::Contains("requesting bearer token") && Catch::Contains("HTTP status 503"));
    }
    CHECK(server.count("/token") == 1);  // the waiters got the remembered failure

    const Outcome later = fetch(pool, server);  // within failed_token_fetch_memory: no new token request
    CHECK_THAT(later.error, Catch::Contains("failed moments ago"));
    CHECK(server.count("/token") == 1);

    std::this_thread::sleep_for(failed_token_fetch_memory + std::chrono::milliseconds(200));
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}}, bearer_auth(server)));
    CHECK(fetch(pool, server).succeeded);  // forgotten: the recovered server is asked again
}

TEST_CASE("runner: a request waiting for another's token fetch gives up at its own deadline", "[runner]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 broken_token_server(server, response_json(503, "slow", {}, "\"delay\":8"))));
    SystemContext context = test_context();
    context.retry_times = 0;
    context.timeout = std::chrono::seconds(3);
    RegistryPool pool(context, fast_retries);
    auto waiter = pool.repository(repo(server));   // its deadline: 3 s from now
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    Outcome fetcher_outcome;
    std::thread fetcher([&] { fetcher_outcome = fetch(pool, server); });  // deadline 1.5 s after the waiter's
    while (server.count("/token") == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::string waiter_error;
    try {
        waiter->get_manifest("v1");
    } catch (const FetchError& error) {
        waiter_error = error.what();
    }
    fetcher.join();
    CHECK_THAT(waiter_error, Catch::Contains("waiting for another request's bearer token") && Catch::Contains("--timeout"));
    CHECK_FALSE(fetcher_outcome.succeeded);
    CHECK(server.count("/token") == 1);
}

TEST_CASE("runner: deeply nested manifests and error bodies are carried, not recursed into", "[runner]") {
    FakeRegistry server;
    const std::string deep = nested_arrays(1000000);
    server.configure(routes_json({{manifest_route("team/app", "deep"), {response_json(200, deep, {{"Content-Type", oci_manifest_type}})}},
                                  {manifest_route("team/app", "gone"), {response_json(404, deep)}},
                                  {manifest_route("team/app", "bad"), {response_json(400, deep)}}}));
    RegistryPool pool(test_context(), fast_retries);
    std::size_t deep_size = 0;
    std::string gone_error;
    std::string bad_error;
    std::thread worker([&] {
        deep_size = pool.repository(repo(server))->get_manifest("deep").bytes.size();
        try {
            pool.repository(repo(server))->get_manifest("gone");
        } catch (const NotFoundError& error) {
            gone_error = error.what();
        }
        try {
            pool.repository(repo(server))->get_manifest("bad");
        } catch (const FetchError& error) {
            bad_error = error.what();
        }
    });
    worker.join();
    CHECK(deep_size == deep.size());  // the manifest decoder refuses it later ("is not a JSON object")
    CHECK_THAT(gone_error, Catch::EndsWith("HTTP status 404"));
    CHECK_THAT(bad_error, Catch::EndsWith("HTTP status 400"));
}

TEST_CASE("runner: a deeply nested token response is no token", "[runner]") {
    FakeRegistry server;
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest())}}},
                                 broken_token_server(server, response_json(200, nested_arrays(200000)))));
    SystemContext context = test_context();
    context.retry_times = 0;
    RegistryPool pool(context, fast_retries);
    Outcome outcome;
    std::thread worker([&] { outcome = fetch(pool, server); });
    worker.join();
    CHECK_THAT(outcome.error, Catch::Contains("the answer carries no token"));
}

TEST_CASE("runner: a header section beyond 256 KiB fails the request", "[runner]") {
    FakeRegistry server;
    std::map<std::string, std::string> headers;
    for (int i = 0; i < 400; ++i) headers["X-Filler-" + std::to_string(i)] = std::string(1000, 'x');
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, sample_manifest(), headers)}}}));
    SystemContext context = test_context();
    context.retry_times = 0;
    RegistryPool pool(context, fast_retries);
    CHECK_THROWS_WITH(pool.repository(repo(server))->get_manifest("v1"), Catch::Contains("response headers exceed 262144 bytes"));
}
