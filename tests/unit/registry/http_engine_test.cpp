#include <catch2/catch.hpp>

#include <thread>

#include "registry/fake_registry.hpp"
#include "registry/http_engine.hpp"
#include "registry/registry_test_support.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;

namespace {

HttpRequest get(const std::string& url) {
    HttpRequest request;
    request.url = url;
    request.timeout = std::chrono::seconds(10);
    return request;
}

}  // namespace

TEST_CASE("engine: GET returns status, body and lowercase headers; HEAD has no body", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({{"/v2/a", {response_json(200, "hello", {{"X-Thing", "yes"}})}}}));
    HttpEngine engine;
    const HttpResponse response = engine.perform(get(server.url("/v2/a")));
    CHECK(response.status == 200);
    CHECK(response.body == "hello");
    CHECK(response.headers.at("x-thing") == "yes");
    CHECK(response.effective_url == server.url("/v2/a"));

    HttpRequest head = get(server.url("/v2/a"));
    head.method = "HEAD";
    const HttpResponse head_response = engine.perform(head);
    CHECK(head_response.status == 200);
    CHECK(head_response.body.empty());
    CHECK(engine.requests_sent() == 2);
    CHECK(server.count("/v2/a") == 2);
}

TEST_CASE("engine: error statuses are responses, not exceptions", "[engine]") {
    FakeRegistry server;
    HttpEngine engine;
    CHECK(engine.perform(get(server.url("/v2/missing"))).status == 404);
}

TEST_CASE("engine: a body over the bound aborts the transfer", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({{"/big", {response_json(200, std::string(5000, 'x'))}}}));
    HttpEngine engine;
    HttpRequest request = get(server.url("/big"));
    request.max_body_bytes = 4096;
    try {
        engine.perform(request);
        FAIL("oversize body accepted");
    } catch (const TransportError& error) {
        CHECK_THAT(error.what(), Catch::Contains("response body exceeds 4096 bytes"));
        CHECK_FALSE(error.retryable());
    }
}

TEST_CASE("engine: a body shorter than Content-Length is a truncation error", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({{"/short", {response_json(200, "partial", {}, "\"truncate\":true")}}}));
    HttpEngine engine;
    try {
        engine.perform(get(server.url("/short")));
        FAIL("truncated body accepted");
    } catch (const TransportError& error) {
        CHECK_THAT(error.what(), Catch::Contains("truncated response body"));
        CHECK(error.retryable());
    }
}

TEST_CASE("engine: a slow response fails at the request timeout", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({{"/slow", {response_json(200, "late", {}, "\"delay\":3")}}}));
    HttpEngine engine;
    HttpRequest request = get(server.url("/slow"));
    request.timeout = std::chrono::milliseconds(400);
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(engine.perform(request), Catch::Contains("timed out after 400 ms"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("engine: redirects are followed only when asked, without Authorization to another host", "[engine]") {
    FakeRegistry server;
    const std::string other_host = "http://localhost:" + std::to_string(server.port());
    server.configure(routes_json({
        {"/v2/r/blobs/x", {response_json(307, "", {{"Location", other_host + "/storage/x"}})}},
        {"/v2/r/same", {response_json(302, "", {{"Location", "/v2/r/final"}})}},
        {"/v2/r/final", {response_json(200, "same-host")}},
        {"/storage/x", {response_json(200, "blob-bytes")}},
    }));
    HttpEngine engine;
    HttpRequest request = get(server.url("/v2/r/blobs/x"));
    request.headers.push_back("Authorization: Bearer secret-token");
    CHECK(engine.perform(request).status == 307);  // not followed by default

    request.follow_redirects = true;
    const HttpResponse followed = engine.perform(request);
    CHECK(followed.status == 200);
    CHECK(followed.body == "blob-bytes");
    CHECK(followed.effective_url == other_host + "/storage/x");

    HttpRequest same = get(server.url("/v2/r/same"));
    same.follow_redirects = true;
    same.headers.push_back("Authorization: Bearer secret-token");
    CHECK(engine.perform(same).body == "same-host");

    for (const auto& entry : server.log()) {
        if (entry.path == "/storage/x") CHECK(entry.authorization.empty());
        if (entry.path == "/v2/r/final") CHECK(entry.authorization == "Bearer secret-token");
        if (entry.path == "/v2/r/blobs/x") CHECK(entry.authorization == "Bearer secret-token");
    }
    CHECK(server.count("/storage/x") == 1);
}

TEST_CASE("engine: a redirect loop stops after 5 hops", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({
        {"/loop/a", {response_json(302, "", {{"Location", "/loop/b"}})}},
        {"/loop/b", {response_json(302, "", {{"Location", "/loop/a"}})}},
    }));
    HttpEngine engine;
    HttpRequest request = get(server.url("/loop/a"));
    request.follow_redirects = true;
    CHECK_THROWS_WITH(engine.perform(request), Catch::Contains("stopped after 5 redirects"));
    CHECK(engine.requests_sent() == 6);
}

TEST_CASE("engine: connection refused is a retryable transport error", "[engine]") {
    int port = 0;
    {
        FakeRegistry server;
        port = server.port();
    }
    HttpEngine engine;
    try {
        engine.perform(get("http://127.0.0.1:" + std::to_string(port) + "/v2/"));
        FAIL("no error");
    } catch (const TransportError& error) {
        CHECK(error.retryable());
    }
}

TEST_CASE("engine: concurrent requests from 8 threads all complete", "[engine]") {
    FakeRegistry server;
    std::map<std::string, std::vector<std::string>> routes;
    for (int i = 0; i < 8; ++i) routes["/v2/item/" + std::to_string(i)] = {response_json(200, "body-" + std::to_string(i), {}, "\"delay\":0.2")};
    server.configure(routes_json(routes));
    HttpEngine engine;
    std::vector<std::string> bodies(8);
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            for (int round = 0; round < 3; ++round) bodies[i] = engine.perform(get(server.url("/v2/item/" + std::to_string(i)))).body;
        });
    }
    for (auto& thread : threads) thread.join();
    for (int i = 0; i < 8; ++i) CHECK(bodies[i] == "body-" + std::to_string(i));
    CHECK(engine.requests_sent() == 24);
    // 24 requests of 0.2 s each run in parallel, not one after another (4.8 s).
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(4000));
}

TEST_CASE("engine: POST sends the body", "[engine]") {
    FakeRegistry server;
    server.configure(routes_json({{"/form", {response_json(200, "ok")}}}));
    HttpEngine engine;
    HttpRequest request = get(server.url("/form"));
    request.method = "POST";
    request.body = "a=1&b=2";
    CHECK(engine.perform(request).body == "ok");
    CHECK(server.log().at(0).method == "POST");
}
