#include "validate/rewrite.hpp"

#include <vector>

#include "imgtrust/errors.hpp"
#include "util/text.hpp"

namespace imgtrust::validate {
namespace {

constexpr std::string_view docker_prefix = "docker://";

std::string join_with_slash(const std::vector<std::string>& parts) {
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i) joined += (i ? "/" : "") + parts[i];
    return joined;
}

// Docker's rule: the first of several components names a registry when it
// contains '.' or ':' or is "localhost".
bool names_registry(const std::vector<std::string>& parts) {
    if (parts.size() < 2) return false;
    const std::string& first = parts.front();
    return first.find_first_of(".:") != std::string::npos || first == "localhost";
}

}  // namespace

std::string rewrite_reference_text(const std::string& reference_text, const ReferenceOverrides& overrides) {
    std::string text = reference_text;
    if (text.rfind(docker_prefix, 0) == 0) text.erase(0, docker_prefix.size());
    if (overrides.registry.empty() && overrides.project.empty()) return text;
    const std::vector<std::string_view> pieces = util::split(text, '/');
    std::vector<std::string> parts(pieces.begin(), pieces.end());
    const bool had_registry = names_registry(parts);
    if (!overrides.registry.empty()) {
        if (had_registry) parts.front() = overrides.registry;
        else parts.insert(parts.begin(), overrides.registry);
    }
    if (!overrides.project.empty()) {
        const bool has_registry = had_registry || !overrides.registry.empty();
        const std::size_t path_start = has_registry ? 1 : 0;
        const std::size_t path_length = parts.size() - path_start;
        if (path_length == 1) parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(path_start), overrides.project);
        else parts[path_start] = overrides.project;
    }
    return join_with_slash(parts);
}

DockerReference parse_list_reference(const std::string& reference_text, const ReferenceOverrides& overrides) {
    return parse_normalized_named(rewrite_reference_text(reference_text, overrides));
}

void validate_overrides(const ReferenceOverrides& overrides) {
    auto check = [](const std::string& value, const char* flag) {
        if (value.find('/') != std::string::npos || value.find('@') != std::string::npos ||
            value.find_first_of(" \t") != std::string::npos)
            throw ConfigError(std::string(flag) + " " + value + ": must be a single " +
                              (std::string(flag) == "--registry" ? "host[:port]" : "path component"));
    };
    if (!overrides.registry.empty()) check(overrides.registry, "--registry");
    if (!overrides.project.empty()) check(overrides.project, "--project");
    if (!overrides.project.empty()) {
        try {
            parse_normalized_named("example.com/" + overrides.project + "/x");
        } catch (const InvalidReferenceError& e) {
            throw ConfigError("--project " + overrides.project + ": not a valid path component: " + e.what());
        }
    }
}

}  // namespace imgtrust::validate
