// RepositoryClient::list_referrers against fake_registry.py: the referrers
// API with Link pages, the fallback to the referrers tag schema and the pool
// remembering (per host, for the run) that the API is missing, and the bounds.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "imgtrust/errors.hpp"
#include "registry/fake_registry.hpp"
#include "registry/pool_test_support.hpp"
#include "registry/referrers.hpp"
#include "registry/registry_pool.hpp"
#include "registry/registry_test_support.hpp"

using namespace imgtrust;
using namespace imgtrust::registry;
using namespace imgtrust::registry::testing;

namespace {

const std::string subject = "sha256:" + std::string(64, 'a');
const std::string referrers_route = "/v2/team/app/referrers/" + subject;
const std::string index_type = "application/vnd.oci.image.index.v1+json";

std::string index_with(const std::string& marker) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"page":")" +
           marker + R"("}})";
}

struct Listing {
    std::vector<ReferrersPage> pages;
    ReferrersSource source = ReferrersSource::api;
};

Listing list(RegistryPool& pool, const FakeRegistry& server, const std::string& path = "team/app") {
    Listing listing;
    listing.source = pool.repository(repo(server, path))
                         ->list_referrers(subject, "application/vnd.dev.sigstore.bundle.v0.3+json", [&](const ReferrersPage& page) {
                             listing.pages.push_back(page);
                             return true;
                         });
    return listing;
}

std::size_t count_paths(const std::vector<LoggedRequest>& log, const std::string& part) {
    return static_cast<std::size_t>(
        std::count_if(log.begin(), log.end(), [&](const LoggedRequest& r) { return r.path.find(part) != std::string::npos; }));
}

}  // namespace

TEST_CASE("list_referrers: API pages followed by Link, filter asked and reported", "[referrers]") {
    FakeRegistry server;
    server.configure(routes_json({{referrers_route,
        {response_json(200, index_with("1"), {{"Content-Type", index_type}, {"Link", "<" + referrers_route + "?last=1>; rel=\\\"next\\\""}}),
         response_json(200, index_with("2"), {{"Content-Type", index_type}, {"OCI-Filters-Applied", "artifactType"}})}}}));
    RegistryPool pool(test_context(), fast_retries);
    const Listing listing = list(pool, server);
    CHECK(listing.source == ReferrersSource::api);
    REQUIRE(listing.pages.size() == 2);
    CHECK(listing.pages[0].bytes == index_with("1"));
    CHECK_FALSE(listing.pages[0].artifact_type_filtered);
    CHECK(listing.pages[1].artifact_type_filtered);
    CHECK_FALSE(listing.pages[1].from_tag_schema);
    const auto log = server.log();
    REQUIRE(log.size() == 2);
    CHECK(log[0].query == "artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson");
    CHECK(log[1].query == "last=1");
}

TEST_CASE("list_referrers: without the API, the referrers tag; the pool remembers the host", "[referrers]") {
    FakeRegistry server;
    const std::string tag_route = manifest_route("team/app", referrers_tag(subject));
    server.configure(routes_json({{referrers_route, {response_json(404, "404 page not found", {{"Content-Type", "text/plain"}})}},
                                  {tag_route, {response_json(200, index_with("tag"), {{"Content-Type", index_type}})}}}));
    DebugLines debug;
    RegistryPool pool(test_context(&debug), fast_retries);
    const Listing first = list(pool, server);
    CHECK(first.source == ReferrersSource::tag_schema);
    REQUIRE(first.pages.size() == 1);
    CHECK(first.pages[0].from_tag_schema);
    CHECK(first.pages[0].media_type == index_type);
    CHECK(count_paths(server.log(), "/referrers/") == 1);

    server.reset_log();
    const Listing other_repository = list(pool, server, "team/other");  // same host: straight to its tag (none there)
    CHECK(other_repository.source == ReferrersSource::tag_schema);
    CHECK(other_repository.pages.empty());
    CHECK(count_paths(server.log(), "/referrers/") == 0);
    CHECK(debug.contains("known from an earlier request"));

    RegistryPool fresh(test_context(), fast_retries);  // another run asks again
    server.reset_log();
    list(fresh, server);
    CHECK(count_paths(server.log(), "/referrers/") == 1);
}

TEST_CASE("list_referrers: answers that mean the API is missing", "[referrers]") {
    FakeRegistry server;
    const std::string tag_route = manifest_route("team/app", referrers_tag(subject));
    RegistryPool pool(test_context(), fast_retries);
    SECTION("a 200 that is not an OCI index") {
        server.configure(routes_json({{referrers_route, {response_json(200, "<html></html>", {{"Content-Type", "text/html"}})}},
                                      {tag_route, {response_json(200, index_with("tag"), {{"Content-Type", index_type}})}}}));
        CHECK(list(pool, server).source == ReferrersSource::tag_schema);
    }
    SECTION("405") {
        server.configure(routes_json({{referrers_route, {response_json(405)}}}));
        const Listing listing = list(pool, server);
        CHECK(listing.source == ReferrersSource::tag_schema);
        CHECK(listing.pages.empty());
    }
}

TEST_CASE("list_referrers: bounds and misbehaving registries are fetch errors", "[referrers]") {
    FakeRegistry server;
    RegistryPool pool(test_context(), fast_retries);
    const auto page = [&](const std::string& link) {
        return response_json(200, index_with("x"), {{"Content-Type", index_type}, {"Link", link}});
    };
    SECTION("a link to another host") {
        server.configure(routes_json({{referrers_route, {page("<http://127.0.0.2:1" + referrers_route + ">; rel=\\\"next\\\"")}}}));
        CHECK_THROWS_WITH(list(pool, server), Catch::Contains("leaves the referrers endpoint"));
    }
    SECTION("a link to another endpoint of the same host") {
        server.configure(routes_json({{referrers_route, {page("</v2/team/app/manifests/latest>; rel=\\\"next\\\"")}}}));
        CHECK_THROWS_AS(list(pool, server), FetchError);
    }
    SECTION("pages without end") {
        server.configure(routes_json({{referrers_route, {page("<" + referrers_route + "?again>; rel=\\\"next\\\"")}}}));
        CHECK_THROWS_WITH(list(pool, server), Catch::Contains("more than 16 pages"));
        CHECK(count_paths(server.log(), "/referrers/") == max_referrers_pages);
    }
    SECTION("an oversize Link header") {
        server.configure(routes_json({{referrers_route, {page("<" + referrers_route + "?" + std::string(max_link_header_bytes, 'q') +
                                                             ">; rel=\\\"next\\\"")}}}));
        CHECK_THROWS_WITH(list(pool, server), Catch::Contains("Link header"));
    }
    SECTION("a later page that fails") {
        server.configure(routes_json({{referrers_route, {page("<" + referrers_route + "?p=2>; rel=\\\"next\\\""), response_json(404)}}}));
        CHECK_THROWS_AS(list(pool, server), FetchError);
    }
    SECTION("a page over 4 MiB") {
        server.configure(routes_json({{referrers_route, {response_json(200, std::string(4 * 1024 * 1024 + 1, ' '), {{"Content-Type", index_type}})}}}));
        CHECK_THROWS_AS(list(pool, server), FetchError);
    }
}
