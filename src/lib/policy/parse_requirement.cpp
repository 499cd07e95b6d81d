// Requirement objects (insecureAcceptAnything, reject, signedBy, signedBaseLayer)
// and signedIdentity objects, with exactly the fields c/image accepts.
// sigstoreSigned is parsed in parse_sigstore.cpp.
#include <array>
#include <utility>

#include "imgtrust/errors.hpp"
#include "policy/identity.hpp"
#include "policy/parse_policy.hpp"

namespace imgtrust::policy {
namespace {

constexpr std::string_view requirement_types = "insecureAcceptAnything, reject, signedBy, sigstoreSigned, signedBaseLayer";
constexpr std::string_view identity_types =
    "matchExact, matchRepoDigestOrExact, matchRepository, exactReference, exactRepository, remapIdentity, matchDigestOnly";

// matchDigestOnly exists for sigstoreSigned (bundles name no image); a simple
// signing signature always names one, so signedBy and signedBaseLayer refuse it.
void refuse_digest_only_identity(const SignedIdentity& identity, const std::string& location, std::string_view requirement,
                                 ErrorSink& sink) {
    if (identity.kind == SignedIdentity::Kind::match_digest_only)
        sink.report(location, "matchDigestOnly (an imgtrust extension) is only valid in a sigstoreSigned requirement, not in " +
                                  std::string(requirement));
}

// Every requirement and identity object is tagged by "type"; it decides which other fields are allowed.
std::optional<std::string> read_type_tag(const rapidjson::Value& value, const std::string& location, std::string_view what,
                                         std::string_view known_types, ErrorSink& sink) {
    if (!value.IsObject()) {
        sink.report(location, std::string(what) + " must be a JSON object, not " + json_type_name(value));
        return std::nullopt;
    }
    if (!has_member(value, "type")) {
        sink.report(member_location(location, "type"), "missing \"type\" in " + std::string(what) + " (one of " +
                                                           std::string(known_types) + ")");
        return std::nullopt;
    }
    return read_string(value, location, "type", sink);
}

void report_missing(const std::string& object_location, std::string_view key, const std::string& why, ErrorSink& sink) {
    sink.report(member_location(object_location, key), "missing \"" + std::string(key) + "\": " + why);
}

// "keyType": "GPGKeys" is "the only currently supported value"; c/image also accepts
// (and rejects at evaluation time) signedByGPGKeys, X509Certificates and signedByX509CAs.
std::optional<std::string> read_key_type(const rapidjson::Value& object, const std::string& location, ErrorSink& sink) {
    if (!has_member(object, "keyType")) {
        report_missing(location, "keyType", "signedBy requires \"keyType\": \"GPGKeys\"", sink);
        return std::nullopt;
    }
    auto key_type = read_string(object, location, "keyType", sink);
    if (!key_type) return std::nullopt;
    static constexpr std::array<std::string_view, 4> valid = {"GPGKeys", "signedByGPGKeys", "X509Certificates", "signedByX509CAs"};
    for (std::string_view name : valid)
        if (*key_type == name) return key_type;
    sink.report(member_location(location, "keyType"), "unrecognized keyType value " + quote_json_string(*key_type) +
                                                          " (valid: GPGKeys, signedByGPGKeys, X509Certificates, signedByX509CAs)");
    return std::nullopt;
}

// "Exactly one of keyPath, keyPaths and keyData must be present."
std::optional<SignedByRequirement> parse_signed_by(const rapidjson::Value& object, const std::string& location, ErrorSink& sink) {
    std::size_t errors_before = sink.error_count();
    check_object_keys(object, location, "a signedBy requirement",
                      {"type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity"}, sink);
    SignedByRequirement requirement;
    if (auto key_type = read_key_type(object, location, sink)) requirement.key_type = std::move(*key_type);

    int key_sources = has_member(object, "keyPath") + has_member(object, "keyPaths") + has_member(object, "keyData");
    if (key_sources != 1) {
        sink.report(location, "exactly one of keyPath, keyPaths and keyData must be specified, " +
                                  std::string(key_sources == 0 ? "none" : "more than one") + " present");
    }
    requirement.key_path = read_string(object, location, "keyPath", sink);
    if (requirement.key_path && requirement.key_path->empty())  // c/image treats "" as no key source at all
        sink.report(member_location(location, "keyPath"), "must not be empty");
    requirement.key_paths = read_string_array(object, location, "keyPaths", sink);  // [] is valid: it rejects every image
    requirement.key_data = read_base64(object, location, "keyData", sink);

    if (const rapidjson::Value* identity = find_member(object, "signedIdentity")) {
        if (auto parsed = parse_signed_identity(*identity, member_location(location, "signedIdentity"), sink)) {
            refuse_digest_only_identity(*parsed, member_location(location, "signedIdentity"), "signedBy", sink);
            requirement.signed_identity = std::move(*parsed);
        }
    }
    if (sink.error_count() != errors_before) return std::nullopt;
    return requirement;
}

std::optional<SignedBaseLayerRequirement> parse_signed_base_layer(const rapidjson::Value& object, const std::string& location,
                                                                  ErrorSink& sink) {
    std::size_t errors_before = sink.error_count();
    check_object_keys(object, location, "a signedBaseLayer requirement", {"type", "baseLayerIdentity"}, sink);
    SignedBaseLayerRequirement requirement;
    if (const rapidjson::Value* identity = find_member(object, "baseLayerIdentity")) {
        if (auto parsed = parse_signed_identity(*identity, member_location(location, "baseLayerIdentity"), sink)) {
            refuse_digest_only_identity(*parsed, member_location(location, "baseLayerIdentity"), "signedBaseLayer", sink);
            requirement.base_layer_identity = std::move(*parsed);
        }
    } else {
        report_missing(location, "baseLayerIdentity", "signedBaseLayer requires an identity object", sink);
    }
    if (sink.error_count() != errors_before) return std::nullopt;
    return requirement;
}

template <typename Value>
std::optional<RequirementValue> wrap(std::optional<Value> value) {
    if (!value) return std::nullopt;
    return RequirementValue(std::move(*value));
}

std::optional<RequirementValue> parse_requirement_value(const std::string& type, const rapidjson::Value& object,
                                                        const std::string& location, ErrorSink& sink, PolicyParseNotes* notes) {
    if (type == "insecureAcceptAnything" || type == "reject") {
        std::size_t errors_before = sink.error_count();
        check_object_keys(object, location, type == "reject" ? "a reject requirement" : "an insecureAcceptAnything requirement",
                          {"type"}, sink);
        if (sink.error_count() != errors_before) return std::nullopt;
        if (type == "reject") return RequirementValue(RejectRequirement{});
        return RequirementValue(InsecureAcceptAnythingRequirement{});
    }
    if (type == "signedBy") return wrap(parse_signed_by(object, location, sink));
    if (type == "signedBaseLayer") return wrap(parse_signed_base_layer(object, location, sink));
    if (type == "sigstoreSigned") {
        bool identity_was_defaulted = false;
        auto parsed = parse_sigstore_signed(object, location, sink, identity_was_defaulted);
        if (parsed && identity_was_defaulted && notes) notes->sigstore_default_identity_locations.push_back(location);
        return wrap(std::move(parsed));
    }
    sink.report(member_location(location, "type"),
                "unknown policy requirement type " + quote_json_string(type) + " (one of " + std::string(requirement_types) + ")");
    return std::nullopt;
}

struct IdentityForm {
    std::string_view name;
    SignedIdentity::Kind kind;
    std::string_view first_field;   // empty if none
    std::string_view second_field;  // empty if none
};

constexpr std::array<IdentityForm, 7> identity_forms = {{
    {"matchExact", SignedIdentity::Kind::match_exact, "", ""},
    {"matchRepoDigestOrExact", SignedIdentity::Kind::match_repo_digest_or_exact, "", ""},
    {"matchRepository", SignedIdentity::Kind::match_repository, "", ""},
    {"exactReference", SignedIdentity::Kind::exact_reference, "dockerReference", ""},
    {"exactRepository", SignedIdentity::Kind::exact_repository, "dockerRepository", ""},
    {"remapIdentity", SignedIdentity::Kind::remap_identity, "prefix", "signedPrefix"},
    {"matchDigestOnly", SignedIdentity::Kind::match_digest_only, "", ""},  // imgtrust extension, sigstoreSigned only
}};

std::string* identity_field(SignedIdentity& identity, std::string_view field) {
    if (field == "dockerReference") return &identity.docker_reference;
    if (field == "dockerRepository") return &identity.docker_repository;
    if (field == "prefix") return &identity.prefix;
    return &identity.signed_prefix;
}

// Each identity form takes exactly its own fields, all of them mandatory.
bool read_identity_fields(const IdentityForm& form, const rapidjson::Value& object, const std::string& location,
                          SignedIdentity& identity, ErrorSink& sink) {
    std::size_t errors_before = sink.error_count();
    std::string what = "a " + std::string(form.name) + " identity";
    if (form.first_field.empty()) {
        check_object_keys(object, location, what, {"type"}, sink);
    } else if (form.second_field.empty()) {
        check_object_keys(object, location, what, {"type", form.first_field}, sink);
    } else {
        check_object_keys(object, location, what, {"type", form.first_field, form.second_field}, sink);
    }
    for (std::string_view field : {form.first_field, form.second_field}) {
        if (field.empty()) continue;
        if (!has_member(object, field)) {
            report_missing(location, field, std::string(form.name) + " requires it", sink);
        } else if (auto text = read_string(object, location, field, sink)) {
            *identity_field(identity, field) = std::move(*text);
        }
    }
    return sink.error_count() == errors_before;
}

}  // namespace

std::optional<Requirement> parse_requirement(const rapidjson::Value& value, const std::string& location, ErrorSink& sink,
                                             PolicyParseNotes* notes) {
    auto type = read_type_tag(value, location, "a policy requirement", requirement_types, sink);
    if (!type) return std::nullopt;
    auto parsed = parse_requirement_value(*type, value, location, sink, notes);
    if (!parsed) return std::nullopt;
    return Requirement{std::move(*parsed), location};
}

// "If the signedIdentity field is missing, it is treated as matchRepoDigestOrExact";
// an explicit null is not missing, it is invalid.
std::optional<SignedIdentity> parse_signed_identity(const rapidjson::Value& value, const std::string& location, ErrorSink& sink) {
    auto type = read_type_tag(value, location, "an identity requirement", identity_types, sink);
    if (!type) return std::nullopt;
    for (const IdentityForm& form : identity_forms) {
        if (*type != form.name) continue;
        SignedIdentity identity;
        identity.kind = form.kind;
        if (!read_identity_fields(form, value, location, identity, sink)) return std::nullopt;
        try {
            validate_signed_identity(identity, location);
        } catch (const PolicyFormatError& e) {
            sink.report(e.location(), e.bare_message());
            return std::nullopt;
        }
        return identity;
    }
    sink.report(member_location(location, "type"),
                "unknown identity requirement type " + quote_json_string(*type) + " (one of " + std::string(identity_types) + ")");
    return std::nullopt;
}

}  // namespace imgtrust::policy
