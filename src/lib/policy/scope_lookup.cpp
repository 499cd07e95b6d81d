#include "policy/scope_lookup.hpp"

namespace imgtrust::policy {
namespace {

std::string scope_description(const std::string& transport, const std::string& scope) {
    return "transports." + transport + "[\"" + scope + "\"]";
}

}  // namespace

ScopeMatch find_scope(const Policy& policy, const ImageReference& image) {
    const std::string transport = image.transport_name();
    auto scopes = policy.transports.find(transport);
    if (scopes != policy.transports.end()) {
        std::vector<std::string> candidates{image.policy_identity()};
        for (auto& ns : image.policy_namespaces()) candidates.push_back(std::move(ns));
        candidates.emplace_back("");
        for (const auto& candidate : candidates) {
            auto hit = scopes->second.find(candidate);
            if (hit != scopes->second.end()) return {&hit->second, scope_description(transport, candidate)};
        }
    }
    return {&policy.default_requirements, "default"};
}

}  // namespace imgtrust::policy
