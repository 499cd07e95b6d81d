// containers-policy.json scopes of the docker transport, as c/image's
// docker/policyconfiguration/naming.go defines them. The one owner of the rule:
// evaluation (DockerImageReference::policy_namespaces), registries.d's scope
// lookup and `policy lint`'s "shadowed scope" warning all use these functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/reference.hpp"

namespace imgtrust::reference {

// DockerReferenceNamespaces for a repository name "host[:port]/a/b": the name,
// each parent namespace ("host[:port]/a"), "host[:port]", then "*." wildcards
// of the host without its port, most specific first ("*.example.com", "*.com").
// "host" is never a parent of "host:port".
std::vector<std::string> docker_repository_namespaces(std::string_view repository_name);

// The same, for an image reference (its name()).
std::vector<std::string> docker_policy_namespaces(const DockerReference& ref);

// The scopes evaluation would consult after `scope`, for any image that has
// `scope` among its candidates: for an identity scope ("host/repo:tag",
// "host/repo@sha256:…") every namespace of its repository; for a namespace or
// "*.domain" scope, the less specific ones. The transport's "" is not included.
std::vector<std::string> docker_scope_fallbacks(std::string_view scope);

// Why a non-empty docker scope can never equal a candidate of any image (not a
// normalized reference, namespace, host[:port] or "*.domain"), or nullopt if
// some valid reference can reach it. c/image accepts such scopes, so this is
// for warnings only.
std::optional<std::string> docker_scope_never_matches(std::string_view scope);

}  // namespace imgtrust::reference
