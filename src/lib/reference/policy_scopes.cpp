#include "reference/policy_scopes.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::reference {
namespace {

constexpr std::string_view wildcard_prefix = "*.";

bool is_wildcard(std::string_view scope) { return scope.substr(0, wildcard_prefix.size()) == wildcard_prefix; }

// The repository of an identity scope (with a tag or digest), or nullopt for a
// namespace scope. A ':' after the last '/' is a tag; one before it is a port.
std::optional<std::string_view> identity_repository(std::string_view scope) {
    if (const auto at = scope.find('@'); at != std::string_view::npos) return scope.substr(0, at);
    const auto slash = scope.rfind('/');
    const auto colon = scope.rfind(':');
    if (slash != std::string_view::npos && colon != std::string_view::npos && colon > slash) return scope.substr(0, colon);
    return std::nullopt;
}

}  // namespace

std::vector<std::string> docker_repository_namespaces(std::string_view repository_name) {
    std::vector<std::string> namespaces;
    std::string_view name = repository_name;
    for (;;) {
        namespaces.emplace_back(name);
        const auto last_slash = name.rfind('/');
        if (last_slash == std::string_view::npos) break;
        name = name.substr(0, last_slash);
    }
    name = name.substr(0, name.find(':'));
    for (auto dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.')) {
        name = name.substr(dot + 1);
        namespaces.push_back(std::string(wildcard_prefix) + std::string(name));
    }
    return namespaces;
}

std::vector<std::string> docker_policy_namespaces(const DockerReference& ref) {
    return docker_repository_namespaces(ref.name());
}

std::vector<std::string> docker_scope_fallbacks(std::string_view scope) {
    if (is_wildcard(scope)) {
        // "*.a.b" comes after the namespaces of a host "a.b": drop that host itself.
        std::vector<std::string> fallbacks = docker_repository_namespaces(scope.substr(wildcard_prefix.size()));
        fallbacks.erase(fallbacks.begin());
        return fallbacks;
    }
    if (const std::optional<std::string_view> repository = identity_repository(scope))
        return docker_repository_namespaces(*repository);
    std::vector<std::string> fallbacks = docker_repository_namespaces(scope);
    fallbacks.erase(fallbacks.begin());
    return fallbacks;
}

std::optional<std::string> docker_scope_never_matches(std::string_view scope) {
    if (scope.empty()) return std::nullopt;
    // A namespace is reachable when it is itself a valid repository name; a
    // host[:port] (or a wildcard's domain) when it has a valid repository under it.
    std::string candidate(is_wildcard(scope) ? scope.substr(wildcard_prefix.size()) : scope);
    const bool identity = !is_wildcard(scope) && identity_repository(scope).has_value();
    if (!identity && candidate.find('/') == std::string::npos) candidate += "/x";
    try {
        const DockerReference ref = parse_normalized_named(candidate);
        if ((identity ? ref.string() : ref.name()) != candidate)
            return "it is not in the normalized form that image references take (" + ref.string() + ")";
    } catch (const InvalidReferenceError& error) {
        constexpr std::size_t max_reason_length = 200;  // a 10^6-character scope must not make a 1 MB warning
        std::string reason = error.what();
        if (reason.size() > max_reason_length) reason = reason.substr(0, max_reason_length) + "...";
        return "it is not a valid docker reference or namespace: " + reason;
    }
    return std::nullopt;
}

}  // namespace imgtrust::reference
