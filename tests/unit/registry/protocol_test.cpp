#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "registry/protocol.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;
using namespace std::chrono;

TEST_CASE("protocol: WWW-Authenticate challenges", "[protocol]") {
    auto challenges = parse_www_authenticate(
        R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull", error="insufficient_scope")");
    REQUIRE(challenges.size() == 1);
    CHECK(challenges[0].scheme == "bearer");
    CHECK(challenges[0].parameters.at("realm") == "https://auth.example/token");
    CHECK(challenges[0].parameters.at("service") == "registry.example");
    CHECK(challenges[0].parameters.at("scope") == "repository:a/b:pull");
    CHECK(challenges[0].parameters.at("error") == "insufficient_scope");

    challenges = parse_www_authenticate(R"(Basic realm="Registry Realm", BEARER Realm=https://x/t)");
    REQUIRE(challenges.size() == 2);
    CHECK(challenges[0].scheme == "basic");
    CHECK(challenges[0].parameters.at("realm") == "Registry Realm");
    CHECK(challenges[1].scheme == "bearer");
    CHECK(challenges[1].parameters.at("realm") == "https://x/t");
    CHECK(parse_www_authenticate("").empty());
    CHECK(parse_www_authenticate(R"(Bearer realm="a\"b")").at(0).parameters.at("realm") == "a\"b");
}

TEST_CASE("protocol: token responses", "[protocol]") {
    const auto now = system_clock::from_time_t(1700000000);
    auto token = parse_bearer_token(R"({"token":"abc","expires_in":300})", now);
    REQUIRE(token);
    CHECK(token->token == "abc");
    CHECK(token->expires == now + seconds(300));
    token = parse_bearer_token(R"({"access_token":"xyz","expires_in":5})", now);
    REQUIRE(token);
    CHECK(token->token == "xyz");
    CHECK(token->expires == now + seconds(60));  // c/image's minimum lifetime
    token = parse_bearer_token(R"({"token":"t","expires_in":100,"issued_at":"2023-11-14T22:13:20.123456Z"})", now - hours(5));
    REQUIRE(token);
    CHECK(token->expires == system_clock::from_time_t(1700000000 + 100));
    token = parse_bearer_token(R"({"token":"t","expires_in":100,"issued_at":"2023-11-15T00:13:20+02:00"})", now);
    CHECK(token->expires == system_clock::from_time_t(1700000000 + 100));
    token = parse_bearer_token(R"({"token":"t","issued_at":"yesterday"})", now);
    CHECK(token->expires == now + seconds(60));
    CHECK_FALSE(parse_bearer_token(R"({"expires_in":300})", now));
    CHECK_FALSE(parse_bearer_token("<html>", now));
}

TEST_CASE("protocol: Retry-After", "[protocol]") {
    const auto now = system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(parse_retry_after("3", now) == milliseconds(3000));
    CHECK(parse_retry_after("0", now) == milliseconds(0));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now) == milliseconds(10000));
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now));
    CHECK_FALSE(parse_retry_after("", now));
    CHECK_FALSE(parse_retry_after("soon", now));
    CHECK_FALSE(parse_retry_after("-5", now));
}

TEST_CASE("protocol: registry error bodies", "[protocol]") {
    auto errors = parse_registry_errors(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}},{"code":"DENIED"}]})");
    CHECK(errors.codes == std::vector<std::string>{"MANIFEST_UNKNOWN", "DENIED"});
    CHECK(errors.message == "manifest unknown: manifest unknown; denied");
    CHECK(parse_registry_errors("not json").message.empty());
    CHECK(parse_registry_errors(R"({"errors":"x"})").codes.empty());
}

TEST_CASE("protocol: content types, URL encoding, digests", "[protocol]") {
    CHECK(simplify_content_type("Application/JSON; charset=utf-8") == "application/json");
    CHECK(simplify_content_type("") == "");
    CHECK(percent_encode("repository:a/b:pull") == "repository%3Aa%2Fb%3Apull");
    CHECK(compute_digest("sha256", "") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(compute_digest("sha512", "abc").size() == 7 + 128);
    CHECK(compute_digest("sha384", "abc").rfind("sha384:", 0) == 0);
    CHECK_THROWS_AS(compute_digest("md5", "abc"), FetchError);
}
