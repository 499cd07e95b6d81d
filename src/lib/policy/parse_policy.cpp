// The top level of containers-policy.json: "default", "transports", scopes and
// requirement lists. Requirement objects are parsed in parse_requirement.cpp.
#include "policy/parse_policy.hpp"

#include <set>

#include "imgtrust/errors.hpp"

namespace imgtrust {
namespace policy {
namespace {

// "The policy requirements are represented as a JSON array of individual
// requirement objects." The array must not be empty.
std::optional<Requirements> parse_requirement_list(const rapidjson::Value& value, const std::string& location,
                                                   ErrorSink& sink, PolicyParseNotes* notes) {
    if (!value.IsArray()) {
        sink.report(location, std::string("a list of policy requirements must be a JSON array, not ") + json_type_name(value));
        return std::nullopt;
    }
    if (value.Empty()) {
        sink.report(location, "the list of policy requirements must not be empty");
        return std::nullopt;
    }
    Requirements requirements;
    bool all_valid = true;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        auto requirement = parse_requirement(value[i], index_location(location, i), sink, notes);
        if (requirement) {
            requirements.push_back(std::move(*requirement));
        } else {
            all_valid = false;
        }
    }
    if (!all_valid) return std::nullopt;
    return requirements;
}

// The scopes of one transport. Invalid scopes are errors (c/image reports them as unknown keys).
std::optional<Scopes> parse_scopes(std::string_view transport, const rapidjson::Value& value, const std::string& location,
                                   ErrorSink& sink, PolicyParseNotes* notes) {
    if (!check_map_keys(value, location, "a transport's scopes", sink)) return std::nullopt;
    Scopes scopes;
    std::set<std::string> seen;
    bool all_valid = true;
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::string scope(string_of(it->name));
        if (!seen.insert(scope).second) continue;  // duplicate, already reported
        std::string scope_location = quoted_key_location(location, scope);
        if (std::string problem = scope_error(transport, scope); !problem.empty()) {
            sink.report(scope_location, problem);
            all_valid = false;
            continue;
        }
        auto requirements = parse_requirement_list(it->value, scope_location, sink, notes);
        if (requirements) {
            scopes.emplace(std::move(scope), std::move(*requirements));
        } else {
            all_valid = false;
        }
    }
    if (!all_valid) return std::nullopt;
    return scopes;
}

// "transports": transport name -> scopes. Unknown transport names are kept; c/image ignores them.
std::optional<std::map<std::string, Scopes>> parse_transports(const rapidjson::Value& value, ErrorSink& sink,
                                                              PolicyParseNotes* notes) {
    const std::string location = "transports";
    if (!check_map_keys(value, location, "\"transports\"", sink, false)) return std::nullopt;
    std::map<std::string, Scopes> transports;
    std::set<std::string> seen;
    bool all_valid = true;
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::string transport(string_of(it->name));
        if (!seen.insert(transport).second) continue;  // duplicate, already reported
        auto scopes = parse_scopes(transport, it->value, member_location(location, transport), sink, notes);
        if (scopes) {
            transports.emplace(std::move(transport), std::move(*scopes));
        } else {
            all_valid = false;
        }
    }
    if (!all_valid) return std::nullopt;
    return transports;
}

}  // namespace

std::optional<Policy> parse_policy_document(std::string_view json, const std::string& source_name, ErrorSink& sink,
                                            PolicyParseNotes* notes) {
    std::size_t errors_before = sink.error_count();
    rapidjson::Document document;
    if (!parse_json_document(json, document, sink)) return std::nullopt;
    if (!check_object_keys(document, "", "the policy", {"default", "transports"}, sink)) return std::nullopt;

    Policy policy;
    policy.source = source_name;
    // "The global default set of policy requirements is mandatory."
    if (const rapidjson::Value* defaults = find_member(document, "default")) {
        if (auto requirements = parse_requirement_list(*defaults, "default", sink, notes))
            policy.default_requirements = std::move(*requirements);
    } else {
        sink.report("default", "the global \"default\" policy requirements are missing (the field is mandatory)");
    }
    if (const rapidjson::Value* transports = find_member(document, "transports")) {
        if (auto parsed = parse_transports(*transports, sink, notes)) policy.transports = std::move(*parsed);
    }
    if (sink.error_count() != errors_before) return std::nullopt;
    return policy;
}

}  // namespace policy

Policy parse_policy(std::string_view json, const std::string& source_name) {
    policy::ErrorSink throw_on_first_error;
    auto parsed = policy::parse_policy_document(json, source_name, throw_on_first_error, nullptr);
    if (!parsed) throw PolicyFormatError("", "invalid policy");  // unreachable: the sink throws first
    return std::move(*parsed);
}

std::vector<PolicyDiagnostic> collect_policy_errors(std::string_view json) {
    std::vector<PolicyDiagnostic> diagnostics;
    policy::ErrorSink collect_all(&diagnostics);
    policy::parse_policy_document(json, "", collect_all, nullptr);
    return diagnostics;
}

}  // namespace imgtrust
