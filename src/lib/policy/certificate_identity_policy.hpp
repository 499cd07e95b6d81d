// The keyless identity of a sigstoreSigned "fulcio" or "pki" object: c/image's
// oidcIssuer/subjectEmail and the imgtrust extensions (subject, subjectRegExp,
// subjectURI, oidcIssuerRegExp, buildSignerURI[RegExp], githubWorkflow*),
// read strictly and turned into one signature::IdentityRequirement.
// Keep in sync with docs/keyless-ci-identities.md and man/imgtrust-policy.1 (IMGTRUST EXTENSIONS).
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "imgtrust/policy.hpp"
#include "policy/strict_json.hpp"
#include "signature/certificate_identity.hpp"

namespace imgtrust::policy {

// "fulcio": oidcIssuer, subjectEmail and the extensions. Exactly one of
// oidcIssuer/oidcIssuerRegExp; subjectEmail unless another subject rule
// (subject, subjectRegExp, subjectURI, buildSignerURI[RegExp]) is given. Without
// extensions, c/image's rules and messages apply unchanged. Regexps must
// compile (RE2's message).
void read_fulcio_identity(const rapidjson::Value& object, const std::string& location, FulcioTrust& fulcio, ErrorSink& sink);

// "pki": subjectEmail/subjectHostname as c/image, plus subject, subjectRegExp,
// subjectURI; at least one of them. Returns false if none is set (the caller
// keeps c/image's message).
bool read_pki_identity(const rapidjson::Value& object, const std::string& location, PkiTrust& pki, ErrorSink& sink);

// The policy keys of the imgtrust extensions that `identity` uses, for lint.
std::vector<std::string> identity_extension_keys(const CertificateIdentityExtensions& identity);

// The requirement the trust cache hands to signature/: nullptr when only
// c/image's fields are set (signature/ then applies c/image's own rule).
// Throws ConfigError (an invalid regexp or conflict in an in-memory policy).
std::shared_ptr<const signature::IdentityRequirement> fulcio_identity_requirement(const FulcioTrust& fulcio);
std::shared_ptr<const signature::IdentityRequirement> pki_identity_requirement(const PkiTrust& pki);

}  // namespace imgtrust::policy
