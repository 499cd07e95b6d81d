// Docker policy scopes: the candidates evaluation consults, the fallbacks lint
// derives from them, and scopes that no reference can reach (audit F10).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "reference/policy_scopes.hpp"

using imgtrust::reference::docker_policy_namespaces;
using imgtrust::reference::docker_repository_namespaces;
using imgtrust::reference::docker_scope_fallbacks;
using imgtrust::reference::docker_scope_never_matches;
using Scopes = std::vector<std::string>;

TEST_CASE("docker namespaces: repository, parents, host[:port], then host wildcards", "[scopes]") {
    CHECK(docker_repository_namespaces("registry.example.com:5000/a/b") ==
          Scopes{"registry.example.com:5000/a/b", "registry.example.com:5000/a", "registry.example.com:5000",
                 "*.example.com", "*.com"});
    CHECK(docker_repository_namespaces("localhost/app") == Scopes{"localhost/app", "localhost"});
    CHECK(docker_policy_namespaces(imgtrust::parse_normalized_named("busybox:1")) ==
          Scopes{"docker.io/library/busybox", "docker.io/library", "docker.io", "*.io"});
}

TEST_CASE("docker scope fallbacks are the candidates that follow the scope", "[scopes]") {
    // An identity scope is followed by every namespace of its repository.
    CHECK(docker_scope_fallbacks("quay.io/ns/app:v1") == Scopes{"quay.io/ns/app", "quay.io/ns", "quay.io", "*.io"});
    CHECK(docker_scope_fallbacks("localhost:5000/app@sha256:" + std::string(64, 'a')) ==
          Scopes{"localhost:5000/app", "localhost:5000"});
    // A namespace or host, by the less specific ones.
    CHECK(docker_scope_fallbacks("quay.io/ns") == Scopes{"quay.io", "*.io"});
    CHECK(docker_scope_fallbacks("localhost:5000") == Scopes{});
    CHECK(docker_scope_fallbacks("*.a.example.com") == Scopes{"*.example.com", "*.com"});
    // The fallbacks of each candidate are exactly the candidates after it.
    const Scopes candidates = docker_repository_namespaces("r.example.com/a/b");
    for (std::size_t i = 0; i < candidates.size(); ++i)
        CHECK(docker_scope_fallbacks(candidates[i]) == Scopes(candidates.begin() + static_cast<long>(i) + 1, candidates.end()));
}

TEST_CASE("docker scopes that no reference can reach are recognised", "[scopes]") {
    for (const char* reachable : {"", "quay.io", "quay.io/ns/app", "quay.io/ns/app:v1", "localhost:5000", "*.example.com",
                                  "docker.io/library/busybox:latest"})
        CHECK_FALSE(docker_scope_never_matches(reachable).has_value());
    CHECK(docker_scope_never_matches("quay.io/" + std::string(1000000, 'a')).has_value());
    CHECK(docker_scope_never_matches("quay.io/" + std::string(1000000, 'a'))->size() < 400);
    CHECK(docker_scope_never_matches("quay.io/Upper").has_value());
    CHECK(docker_scope_never_matches("quay.io/app:bad tag").has_value());
    CHECK(docker_scope_never_matches("*.bad_domain!").has_value());
    CHECK(docker_scope_never_matches("docker.io/busybox:1").has_value());  // lookups use docker.io/library/busybox
}
