// Hostile inputs to the registry protocol parsers: nesting that would overflow
// a recursive parser, times that would overflow std::chrono, and several
// WWW-Authenticate headers. Each must give a bounded, well-defined answer.
#include <catch2/catch.hpp>

#include <thread>

#include "registry/protocol.hpp"

using namespace imgtrust::registry;
using namespace std::chrono;

namespace {

std::string nested_arrays(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// Runs `work` on a new thread, as registry responses are parsed on worker
// threads; the caller asserts on the result after the join (Catch2 is not thread-safe).
template <typename Work>
auto on_worker_thread(Work work) {
    decltype(work()) result{};
    std::thread worker([&] { result = work(); });
    worker.join();
    return result;
}

const auto now = system_clock::from_time_t(1700000000);  // 2023-11-14T22:13:20Z

}  // namespace

TEST_CASE("protocol: deeply nested token responses are refused, not recursed into", "[protocol][untrusted]") {
    // 10^6 levels (2 MB) exceed the 1 MiB token bound; 2*10^5 levels (400 KB) fit in it.
    const auto huge = on_worker_thread([] { return parse_bearer_token(nested_arrays(1000000), now).has_value() ? 1 : 2; });
    CHECK(huge == 2);
    const auto under_cap = on_worker_thread([] { return parse_bearer_token(nested_arrays(200000), now).has_value() ? 1 : 2; });
    CHECK(under_cap == 2);
    const std::string deep_member = R"({"token":"t","x":)" + nested_arrays(200000) + "}";
    CHECK_FALSE(parse_bearer_token(deep_member, now));
    // A token document nested within the depth limit is still read.
    const std::string shallow_member = R"({"token":"t","x":)" + nested_arrays(100) + "}";
    REQUIRE(parse_bearer_token(shallow_member, now));
    CHECK(parse_bearer_token(shallow_member, now)->token == "t");
}

TEST_CASE("protocol: deeply nested error bodies give no message, not a crash", "[protocol][untrusted]") {
    const auto deep = on_worker_thread([] { return parse_registry_errors(nested_arrays(1000000)); });
    CHECK(deep.codes.empty());
    CHECK(deep.message.empty());
    const auto deep_inside = on_worker_thread([] {
        return parse_registry_errors(R"({"errors":[{"code":"DENIED","detail":)" + nested_arrays(1000000) + "}]}");
    });
    CHECK(deep_inside.codes.empty());
    // A body over the 4 MiB error bound is not parsed at all.
    CHECK(parse_registry_errors(R"({"errors":[{"code":"DENIED"}]})" + std::string(max_error_body_bytes, ' ')).codes.empty());
}

TEST_CASE("protocol: token lifetimes are clamped to [60 s, 1 day]", "[protocol][untrusted]") {
    auto token = parse_bearer_token(R"({"token":"t","expires_in":9300000000})", now);
    REQUIRE(token);
    CHECK(token->expires == now + max_token_lifetime);
    token = parse_bearer_token(R"({"token":"t","expires_in":9223372036854775807})", now);
    CHECK(token->expires == now + max_token_lifetime);
    token = parse_bearer_token(R"({"token":"t","expires_in":18446744073709551615})", now);
    CHECK(token->expires == now + max_token_lifetime);
    token = parse_bearer_token(R"({"token":"t","expires_in":-9223372036854775808})", now);
    CHECK(token->expires == now + min_token_lifetime);
    token = parse_bearer_token(R"({"token":"t","expires_in":1e300})", now);
    CHECK(token->expires == now + min_token_lifetime);  // not an integer: the minimum, as when absent
    token = parse_bearer_token(R"({"token":"t","expires_in":86400})", now);
    CHECK(token->expires == now + hours(24));
}

TEST_CASE("protocol: issued_at outside what system_clock represents counts as now", "[protocol][untrusted]") {
    for (const char* date : {"9999-12-31T23:59:59Z", "2262-04-11T23:47:16Z", "1000-01-01T00:00:00Z",
                             "2023-13-01T00:00:00Z", "2023-11-14T25:00:00Z", "2023-11-14T22:13:20+99:00",
                             "-001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
        INFO(date);
        const auto token = parse_bearer_token(std::string(R"({"token":"t","expires_in":300,"issued_at":")") + date + "\"}", now);
        REQUIRE(token);
        CHECK(token->expires == now + seconds(300));
    }
    // A token issued "in the future" still expires no later than now + 1 day.
    const auto future = parse_bearer_token(R"({"token":"t","expires_in":86400,"issued_at":"2200-01-01T00:00:00Z"})", now);
    REQUIRE(future);
    CHECK(future->expires == now + max_token_lifetime);
    // Near the end of system_clock's range, nothing overflows.
    const auto late_now = system_clock::time_point(duration_cast<system_clock::duration>(seconds(9223372000)));
    const auto late = parse_bearer_token(R"({"token":"t","expires_in":86400})", late_now);
    REQUIRE(late);
    CHECK(late->expires == system_clock::time_point::max());
}

TEST_CASE("protocol: Retry-After dates beyond 2262 saturate instead of overflowing", "[protocol][untrusted]") {
    CHECK(parse_retry_after("Wed, 01 Jan 3000 00:00:00 GMT", now) == milliseconds::max());
    CHECK(parse_retry_after("Wed, 21 Oct 152015 07:28:00 GMT", now) == milliseconds::max());
    CHECK(parse_retry_after("Fri, 11 Apr 2262 23:47:16 GMT", now) == milliseconds::max());
    CHECK_FALSE(parse_retry_after("Mon, 01 Jan 1600 00:00:00 GMT", now));  // long past
    CHECK(parse_retry_after("Wed, 15 Nov 2023 22:13:20 GMT", now) == hours(24));
    CHECK(parse_retry_after("999999999", now) == seconds(999999999));
    CHECK_FALSE(parse_retry_after("9999999999", now));  // more than 9 digits: ignored
}

TEST_CASE("protocol: every WWW-Authenticate header is read; the challenge is chosen as c/image does", "[protocol]") {
    const auto challenges = parse_www_authenticate_headers(
        {R"(Basic realm="registry")", R"(Bearer realm="https://auth.example/token",service="registry.example")"});
    REQUIRE(challenges.size() == 2);
    CHECK(challenges[0].scheme == "basic");
    CHECK(challenges[1].scheme == "bearer");

    // With credentials: the first supported challenge in header order (c/image's setupRequestAuth).
    CHECK(choose_challenge(challenges, true)->scheme == "basic");
    // Without: Basic can only fail, so a later Bearer challenge (anonymous token) is used.
    CHECK(choose_challenge(challenges, false)->scheme == "bearer");
    CHECK(choose_challenge(challenges, false)->parameters.at("realm") == "https://auth.example/token");

    const auto bearer_first = parse_www_authenticate_headers({R"(Bearer realm="https://a/t")", R"(Basic realm="r")"});
    CHECK(choose_challenge(bearer_first, true)->scheme == "bearer");
    CHECK(choose_challenge(bearer_first, false)->scheme == "bearer");

    const auto basic_only = parse_www_authenticate_headers({R"(Negotiate)", R"(Basic realm="r")"});
    CHECK(choose_challenge(basic_only, false)->scheme == "basic");
    CHECK_FALSE(choose_challenge(parse_www_authenticate_headers({"Negotiate", R"(Digest realm="r")"}), true));
    CHECK_FALSE(choose_challenge({}, true));
}
