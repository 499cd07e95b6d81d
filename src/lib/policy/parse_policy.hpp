// Internal pieces of the strict policy parser (parse_policy.cpp,
// parse_requirement.cpp, parse_sigstore.cpp), shared with the linter.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/policy.hpp"
#include "policy/strict_json.hpp"

namespace imgtrust::policy {

// Facts the parser sees but the Policy type does not keep, for the linter.
struct PolicyParseNotes {
    // Locations of sigstoreSigned requirements without a "signedIdentity" field.
    std::vector<std::string> sigstore_default_identity_locations;
};

// Parses the whole document, reporting to `sink`. Returns nullopt if any error was reported.
std::optional<Policy> parse_policy_document(std::string_view json, const std::string& source_name, ErrorSink& sink,
                                            PolicyParseNotes* notes);

// One requirement object at `location` (e.g. `default[0]`). nullopt after reporting errors.
std::optional<Requirement> parse_requirement(const rapidjson::Value& value, const std::string& location, ErrorSink& sink,
                                             PolicyParseNotes* notes);

// The body of a sigstoreSigned requirement (type already checked); nullopt after errors.
// `identity_was_defaulted` is set when the object has no "signedIdentity".
std::optional<SigstoreSignedRequirement> parse_sigstore_signed(const rapidjson::Value& object, const std::string& location,
                                                               ErrorSink& sink, bool& identity_was_defaulted);

// A signedIdentity / baseLayerIdentity object, validated; nullopt after errors.
std::optional<SignedIdentity> parse_signed_identity(const rapidjson::Value& value, const std::string& location, ErrorSink& sink);

// The transport's ValidatePolicyConfigurationScope: an error message, or empty if
// `scope` is valid for `transport` (the "" scope is always valid).
std::string scope_error(std::string_view transport, std::string_view scope);

// Transport names containers/image knows; others are accepted and ignored.
bool is_known_transport(std::string_view transport);

}  // namespace imgtrust::policy
