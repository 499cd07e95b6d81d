// sigstoreSigned for Sigstore bundles (cosign v3): an imgtrust extension of
// containers-policy.json(5), which knows only cosign's .sig attachments.
#pragma once

#include <cstddef>

#include "imgtrust/image.hpp"
#include "imgtrust/verify.hpp"
#include "policy/evaluation_input.hpp"
#include "policy/trust_store.hpp"

namespace imgtrust::policy {

// The cosign v3 image-signing predicate; any other in-toto statement (SBOMs,
// provenance, other attestations) is not an image signature.
inline constexpr std::string_view cosign_sign_predicate_type = "https://sigstore.dev/cosign/sign/v1";

// One bundle, checked against the requirement's trust in DESIGN.md's order:
// strict parse, crypto (signature, logs, timestamps, certificate chain and
// identity rules, as the requirement's keys, fulcio or pki demand), then the
// in-toto statement: cosign's sign predicate and one subject, the digest of
// the manifest read. A bundle names no image, so it is accepted only under
// signedIdentity matchDigestOnly; under any c/image identity it is rejected
// with a reason that says so and how to accept it.
SignatureOutcome check_sigstore_bundle(const SigstoreTrust& trust, const SigstoreSignedRequirement& requirement,
                                       const SigstoreBundleSignature& untrusted, std::size_t index, EvaluationInput& input);

}  // namespace imgtrust::policy
