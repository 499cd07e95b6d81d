// sigstoreSigned requirements, with their fulcio and pki objects, as in
// c/image's policy_config_sigstore.go. Key files are not read here.
#include "policy/certificate_identity_policy.hpp"
#include "policy/parse_policy.hpp"

namespace imgtrust::policy {
namespace {

int count_present(const rapidjson::Value& object, std::initializer_list<std::string_view> keys) {
    int count = 0;
    for (std::string_view key : keys) count += has_member(object, key) ? 1 : 0;
    return count;
}

// A *Path field naming a file. c/image silently treats "" as an absent field
// (which for rekorPublicKeyPath drops the Rekor requirement); imgtrust rejects it.
std::optional<std::string> read_path(const rapidjson::Value& object, const std::string& location, std::string_view key,
                                     ErrorSink& sink) {
    auto path = read_string(object, location, key, sink);
    if (path && path->empty()) sink.report(member_location(location, key), "must not be empty");
    return path;
}

template <typename List>
List read_non_empty_list(List list, const std::string& location, std::string_view key, ErrorSink& sink) {
    if (list && list->empty()) sink.report(member_location(location, key), "must contain at least one entry");
    return list;
}

// "fulcio": exactly one of caPath/caData (none with a trusted root, which names
// the CAs), and both oidcIssuer and subjectEmail; the imgtrust identity
// extensions are read by read_fulcio_identity (certificate_identity_policy.cpp).
std::optional<FulcioTrust> parse_fulcio(const rapidjson::Value& value, const std::string& location, bool trusted_root_given,
                                        ErrorSink& sink) {
    std::size_t errors_before = sink.error_count();
    if (!check_object_keys(value, location, "\"fulcio\"",
                           {"caPath", "caData", "oidcIssuer", "subjectEmail", "subject", "subjectRegExp", "subjectURI",
                            "oidcIssuerRegExp", "buildSignerURI", "buildSignerURIRegExp", "githubWorkflowTrigger",
                            "githubWorkflowSha", "githubWorkflowName", "githubWorkflowRepository", "githubWorkflowRef"},
                           sink))
        return std::nullopt;
    FulcioTrust fulcio;
    fulcio.ca_path = read_path(value, location, "caPath", sink);
    fulcio.ca_data = read_base64(value, location, "caData", sink);
    int ca_sources = count_present(value, {"caPath", "caData"});
    if (trusted_root_given && ca_sources > 0)
        sink.report(location, "caPath and caData cannot be used with trustedRootPath or trustedRootData, whose "
                              "certificate authorities fulcio uses");
    if (!trusted_root_given && ca_sources == 0)
        sink.report(location, "exactly one of caPath and caData must be specified, none present");
    if (ca_sources == 2) sink.report(location, "caPath and caData cannot be used simultaneously");
    read_fulcio_identity(value, location, fulcio, sink);
    if (sink.error_count() != errors_before) return std::nullopt;
    return fulcio;
}

// "pki": exactly one of caRootsPath/caRootsData, at most one of the intermediates
// fields, and at least one of subjectEmail/subjectHostname (or of the imgtrust
// extensions subject, subjectRegExp, subjectURI).
std::optional<PkiTrust> parse_pki(const rapidjson::Value& value, const std::string& location, ErrorSink& sink) {
    std::size_t errors_before = sink.error_count();
    if (!check_object_keys(value, location, "\"pki\"",
                           {"caRootsPath", "caRootsData", "caIntermediatesPath", "caIntermediatesData", "subjectEmail",
                            "subjectHostname", "subject", "subjectRegExp", "subjectURI"},
                           sink))
        return std::nullopt;
    PkiTrust pki;
    pki.ca_roots_path = read_path(value, location, "caRootsPath", sink);
    pki.ca_roots_data = read_base64(value, location, "caRootsData", sink);
    pki.ca_intermediates_path = read_path(value, location, "caIntermediatesPath", sink);
    pki.ca_intermediates_data = read_base64(value, location, "caIntermediatesData", sink);
    int roots = count_present(value, {"caRootsPath", "caRootsData"});
    if (roots == 0) sink.report(location, "exactly one of caRootsPath and caRootsData must be specified, none present");
    if (roots == 2) sink.report(location, "caRootsPath and caRootsData cannot be used simultaneously");
    if (count_present(value, {"caIntermediatesPath", "caIntermediatesData"}) == 2)
        sink.report(location, "caIntermediatesPath and caIntermediatesData cannot be used simultaneously");
    if (!read_pki_identity(value, location, pki, sink) && sink.error_count() == errors_before)
        sink.report(location, "at least one of subjectEmail and subjectHostname must be specified (and not empty)");
    if (sink.error_count() != errors_before) return std::nullopt;
    return pki;
}

void read_key_sources(const rapidjson::Value& object, const std::string& location, SigstoreSignedRequirement& requirement,
                      ErrorSink& sink) {
    int key_sources = count_present(object, {"keyPath", "keyPaths", "keyData", "keyDatas", "fulcio", "pki"});
    if (key_sources != 1) {
        sink.report(location, "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio and pki must be specified, " +
                                  std::string(key_sources == 0 ? "none" : "more than one") + " present");
    }
    requirement.key_path = read_path(object, location, "keyPath", sink);
    requirement.key_paths = read_non_empty_list(read_string_array(object, location, "keyPaths", sink), location, "keyPaths", sink);
    requirement.key_data = read_base64(object, location, "keyData", sink);
    requirement.key_datas = read_non_empty_list(read_base64_array(object, location, "keyDatas", sink), location, "keyDatas", sink);
    const bool trusted_root_given = has_member(object, "trustedRootPath") || has_member(object, "trustedRootData");
    if (const rapidjson::Value* fulcio = find_member(object, "fulcio"))
        requirement.fulcio = parse_fulcio(*fulcio, member_location(location, "fulcio"), trusted_root_given, sink);
    if (const rapidjson::Value* pki = find_member(object, "pki"))
        requirement.pki = parse_pki(*pki, member_location(location, "pki"), sink);
}

// "at most one rekorPublicKey* form": mandatory with fulcio, not supported with pki.
void read_rekor_keys(const rapidjson::Value& object, const std::string& location, SigstoreSignedRequirement& requirement,
                     ErrorSink& sink) {
    requirement.rekor_public_key_path = read_path(object, location, "rekorPublicKeyPath", sink);
    requirement.rekor_public_key_paths = read_non_empty_list(read_string_array(object, location, "rekorPublicKeyPaths", sink),
                                                             location, "rekorPublicKeyPaths", sink);
    requirement.rekor_public_key_data = read_base64(object, location, "rekorPublicKeyData", sink);
    requirement.rekor_public_key_datas = read_non_empty_list(read_base64_array(object, location, "rekorPublicKeyDatas", sink),
                                                             location, "rekorPublicKeyDatas", sink);
    int rekor_sources =
        count_present(object, {"rekorPublicKeyPath", "rekorPublicKeyPaths", "rekorPublicKeyData", "rekorPublicKeyDatas"});
    if (rekor_sources > 1)
        sink.report(location, "at most one of rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and "
                              "rekorPublicKeyDatas can be used");
    const int trusted_roots = count_present(object, {"trustedRootPath", "trustedRootData"});
    if (has_member(object, "fulcio") && rekor_sources == 0 && trusted_roots == 0)
        sink.report(location, "one of rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas "
                              "must be specified if fulcio is used");
    if (has_member(object, "pki") && rekor_sources > 0)
        sink.report(location, "rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas are "
                              "not supported for pki");
}

// imgtrust extension: "trustedRootPath"/"trustedRootData" name a Sigstore
// TrustedRoot, which replaces fulcio.caPath/caData and rekorPublicKey* (the
// logs it lists are the Rekor keys) and adds timestamp authorities and CT logs.
void read_trusted_root(const rapidjson::Value& object, const std::string& location, SigstoreSignedRequirement& requirement,
                       ErrorSink& sink) {
    requirement.trusted_root_path = read_path(object, location, "trustedRootPath", sink);
    requirement.trusted_root_data = read_base64(object, location, "trustedRootData", sink);
    const int trusted_roots = count_present(object, {"trustedRootPath", "trustedRootData"});
    if (trusted_roots == 0) return;
    if (trusted_roots == 2) sink.report(location, "trustedRootPath and trustedRootData cannot be used simultaneously");
    if (count_present(object, {"rekorPublicKeyPath", "rekorPublicKeyPaths", "rekorPublicKeyData", "rekorPublicKeyDatas"}) > 0)
        sink.report(location, "rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas cannot be "
                              "used with trustedRootPath or trustedRootData, whose transparency logs are used");
    if (has_member(object, "pki"))
        sink.report(location, "trustedRootPath and trustedRootData are not supported for pki");
}

}  // namespace

std::optional<SigstoreSignedRequirement> parse_sigstore_signed(const rapidjson::Value& object, const std::string& location,
                                                               ErrorSink& sink, bool& identity_was_defaulted) {
    std::size_t errors_before = sink.error_count();
    check_object_keys(object, location, "a sigstoreSigned requirement",
                      {"type", "keyPath", "keyPaths", "keyData", "keyDatas", "fulcio", "rekorPublicKeyPath",
                       "rekorPublicKeyPaths", "rekorPublicKeyData", "rekorPublicKeyDatas", "pki", "trustedRootPath",
                       "trustedRootData", "signedIdentity"},
                      sink);
    SigstoreSignedRequirement requirement;
    read_key_sources(object, location, requirement, sink);
    read_rekor_keys(object, location, requirement, sink);
    read_trusted_root(object, location, requirement, sink);
    identity_was_defaulted = !has_member(object, "signedIdentity");
    if (const rapidjson::Value* identity = find_member(object, "signedIdentity")) {
        if (auto parsed = parse_signed_identity(*identity, member_location(location, "signedIdentity"), sink))
            requirement.signed_identity = std::move(*parsed);
    }
    if (sink.error_count() != errors_before) return std::nullopt;
    return requirement;
}

}  // namespace imgtrust::policy
