// sigstoreSigned: "Require the image to be signed using a sigstore signature
// with the specified key(s)"; simple signing signatures are ignored by it.
// The key comes from keyPath/keyPaths/keyData/keyDatas, from a Fulcio
// certificate vouched for by a Rekor SET ("fulcio", with rekorPublicKey…), or
// from a certificate of the user's CA ("pki"), as c/image's
// prSigstoreSigned.isSignatureAccepted decides it.
#include <ctime>

#include "policy/evaluation_input.hpp"
#include "policy/signature_rules.hpp"
#include "policy/sigstore_signed_bundle.hpp"
#include "policy/trust_store.hpp"
#include "signature/fulcio.hpp"
#include "signature/pki.hpp"
#include "signature/rejection.hpp"
#include "signature/rekor_set.hpp"

namespace imgtrust::policy {
namespace {

constexpr std::string_view set_annotation = "dev.sigstore.cosign/bundle";
constexpr std::string_view certificate_annotation = "dev.sigstore.cosign/certificate";
constexpr std::string_view chain_annotation = "dev.sigstore.cosign/chain";

const std::string& required_annotation(const SigstoreSignature& untrusted, std::string_view key) {
    auto found = untrusted.untrusted_annotations.find(std::string(key));
    if (found == untrusted.untrusted_annotations.end()) throw signature::SignatureRejected("missing " + std::string(key) + " annotation");
    return found->second;
}

std::string optional_annotation(const SigstoreSignature& untrusted, std::string_view key) {
    auto found = untrusted.untrusted_annotations.find(std::string(key));
    return found == untrusted.untrusted_annotations.end() ? std::string() : found->second;
}

// "With a public-key sigstoreSigned that also names Rekor keys, the SET is required
// too": the first configured key that the SET vouches for is the only one used.
std::vector<signature::PublicKey> keys_vouched_for_by_set(const SigstoreTrust& trust, const SigstoreSignature& untrusted,
                                                          const std::string& base64_signature, SignatureOutcome& record) {
    const std::string& untrusted_set = required_annotation(untrusted, set_annotation);
    std::string failures;
    for (const auto& candidate : trust.public_keys) {
        try {
            auto set = signature::verify_rekor_set(trust.rekor_keys, untrusted_set, signature::public_key_pem(candidate),
                                                   base64_signature, untrusted.untrusted_payload);
            record.integrated_time = set.integrated_time;
            return {candidate};
        } catch (const signature::SignatureRejected& e) {
            failures += (failures.empty() ? "" : ", ") + std::string(e.what());
        }
    }
    throw signature::SignatureRejected(RejectionKind::untrusted_signer, "No public key verified against the RekorSET: " + failures);
}

// The public keys that may have made this signature, per the requirement's trust.
std::vector<signature::PublicKey> candidate_keys(const SigstoreTrust& trust, const SigstoreSignature& untrusted,
                                                 const std::string& base64_signature, SignatureOutcome& record) {
    if (!trust.public_keys.empty()) {
        if (trust.rekor_keys.empty()) return trust.public_keys;
        return keys_vouched_for_by_set(trust, untrusted, base64_signature, record);
    }
    if (trust.fulcio) {
        const std::string& untrusted_set = required_annotation(untrusted, set_annotation);
        const std::string& untrusted_certificate = required_annotation(untrusted, certificate_annotation);
        auto verified = signature::verify_rekor_fulcio(trust.rekor_keys, *trust.fulcio, untrusted_set, untrusted_certificate,
                                                       optional_annotation(untrusted, chain_annotation), base64_signature,
                                                       untrusted.untrusted_payload);
        record_certificate_summary(record, verified.summary);
        return {verified.public_key};
    }
    const std::string& untrusted_certificate = required_annotation(untrusted, certificate_annotation);
    auto verified = signature::verify_pki_certificate(*trust.pki, untrusted_certificate,
                                                      optional_annotation(untrusted, chain_annotation), std::time(nullptr));
    record_certificate_summary(record, verified.summary);
    return {verified.public_key};
}

SignatureOutcome check_sigstore_signature(const SigstoreTrust& trust, const SigstoreSignedRequirement& requirement,
                                          const SigstoreSignature& untrusted, std::size_t index, EvaluationInput& input) {
    SignatureOutcome record;
    record.index = index;
    record.format = "sigstore";
    record_signature_check(requirement.signed_identity, input, record, [&](const signature::PayloadAcceptanceRules& rules) {
        const std::string& base64_signature = required_annotation(untrusted, sigstore_signature_annotation);
        auto keys = candidate_keys(trust, untrusted, base64_signature, record);
        return signature::verify_sigstore_payload(keys, untrusted.untrusted_payload, base64_signature, rules);
    });
    return record;
}

}  // namespace

RequirementOutcome evaluate_sigstore_signed(const SigstoreSignedRequirement& requirement, const Requirement& where,
                                            const TrustStore& trust_store, EvaluationInput& input) {
    RequirementOutcome outcome;
    const SigstoreTrust& trust = trust_store.sigstore_trust(where);
    const auto& signatures = input.untrusted_signatures();
    std::size_t non_sigstore = 0, non_signature_attachments = 0;
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        const auto* sigstore = std::get_if<SigstoreSignature>(&signatures[i]);
        const auto* bundle = std::get_if<SigstoreBundleSignature>(&signatures[i]);
        if (!sigstore && !bundle) {
            ++non_sigstore;
            continue;
        }
        if (sigstore && sigstore->untrusted_mime_type != sigstore_signature_mime_type) {
            ++non_signature_attachments;
            continue;
        }
        outcome.signatures.push_back(sigstore ? check_sigstore_signature(trust, requirement, *sigstore, i, input)
                                              : check_sigstore_bundle(trust, requirement, *bundle, i, input));
        const auto& last = outcome.signatures.back();
        input.debug("sigstoreSigned: signature " + std::to_string(i) + ": " +
                    (last.accepted ? "accepted (key " + last.key_fingerprint + ")" : "rejected: " + last.reason));
        if (last.accepted) break;
    }
    std::string detail;
    if (non_sigstore || non_signature_attachments)
        detail = " (" + std::to_string(non_sigstore) + " non-sigstore signatures, " +
                 std::to_string(non_signature_attachments) + " sigstore non-signature attachments)";
    summarize_signature_outcomes(outcome, detail);
    return outcome;
}

}  // namespace imgtrust::policy
