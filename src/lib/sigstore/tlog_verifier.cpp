#include "sigstore/tlog_verifier.hpp"

#include <set>

#include "signature/rejection.hpp"
#include "sigstore/checkpoint.hpp"
#include "sigstore/dsse.hpp"
#include "sigstore/merkle.hpp"
#include "sigstore/rekor_body.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"

namespace imgtrust::sigstore {
namespace {

[[noreturn]] void reject(std::size_t index, const std::string& reason) {
    throw signature::SignatureRejected("transparency log entry " + std::to_string(index) + ": " + reason);
}

// "Verify the signed entry timestamp with the log's key, valid at the integrated time."
void verify_set(const TlogEntry& entry, const TransparencyLog& log, std::size_t index) {
    if (!entry.integrated_time) reject(index, "an inclusion promise without an integrated time");
    if (!log.valid_for.start) reject(index, "the trusted root gives no validity start for log " + log.base_url);
    if (!log.valid_for.contains(*entry.integrated_time))
        reject(index, "the log key of " + log.base_url + " was not valid at the integrated time " +
                          signature::rfc3339_utc(static_cast<std::time_t>(*entry.integrated_time)));
    if (!log.key.verify(rekor_set_payload(entry), entry.signed_entry_timestamp))
        reject(index, "the signed entry timestamp does not verify with the key of " + log.base_url);
}

void verify_proof(const TlogEntry& entry, const TransparencyLog& log, std::size_t index) {
    const InclusionProof& proof = *entry.inclusion_proof;
    Checkpoint checkpoint;
    try {
        verify_inclusion_proof(static_cast<std::uint64_t>(proof.log_index), static_cast<std::uint64_t>(proof.tree_size),
                               merkle_leaf_hash(entry.canonicalized_body), proof.hashes, proof.root_hash);
        checkpoint = verify_checkpoint(proof.checkpoint, log);
    } catch (const signature::SignatureRejected& error) {
        reject(index, error.what());
    }
    if (checkpoint.root_hash != proof.root_hash) reject(index, "the checkpoint's root hash is not the inclusion proof's");
    if (checkpoint.tree_size != static_cast<std::uint64_t>(proof.tree_size)) reject(index, "the checkpoint's tree size is not the inclusion proof's");
}

// The digest of what was signed, in `algorithm`, when it can be known.
std::optional<std::string> signed_digest(const LoggedContent& content, util::DigestAlgorithm algorithm) {
    if (content.is_dsse) return util::raw_digest(algorithm, dsse_pae(content.payload_type, content.payload));
    return content.artifact->raw_digest(algorithm);
}

void match_body(const TlogEntry& entry, const LoggedContent& content, std::size_t index) {
    RekorEntryBody body = parse_rekor_body(entry.canonicalized_body, entry.kind, entry.version);
    const LoggedSignature* logged = nullptr;
    for (const LoggedSignature& candidate : body.signatures)
        if (candidate.signature == content.signature) logged = &candidate;
    if (!logged) reject(index, "the logged signature does not match the bundle's signature");
    if (logged->verifier_der != content.verifier_der || logged->verifier_is_certificate != content.verifier_is_certificate)
        reject(index, std::string("the logged ") + (logged->verifier_is_certificate ? "certificate" : "public key") +
                          " does not match the bundle's " + (content.verifier_is_certificate ? "certificate" : "public key"));
    if (body.digest_algorithm) {
        if (!content.is_dsse && entry.kind != "hashedrekord") reject(index, "a message signature logged as " + entry.kind);
        auto expected = signed_digest(content, *body.digest_algorithm);
        if (!expected) reject(index, "the logged digest uses " + std::string(util::digest_algorithm_name(*body.digest_algorithm)) +
                                         " but only the artifact's " + std::string(content.artifact->digest().algorithm_name()) + " digest is known");
        if (*expected != body.digest)
            reject(index, std::string("the logged digest ") + util::hex_encode(body.digest) + " is not the digest of the " +
                              (content.is_dsse ? "DSSE envelope (PAE)" : "artifact") + " " + util::hex_encode(*expected));
        return;
    }
    if (!content.is_dsse) reject(index, "a message signature logged as " + entry.kind + " " + entry.version);
    if (body.payload_sha256 != util::raw_digest(util::DigestAlgorithm::sha256, content.payload))
        reject(index, "the logged payload hash is not the SHA-256 of the DSSE envelope's payload");
}

}  // namespace

std::string rekor_set_payload(const TlogEntry& entry) {
    return "{\"body\":\"" + util::base64_encode(entry.canonicalized_body) + "\",\"integratedTime\":" +
           std::to_string(entry.integrated_time.value_or(0)) + ",\"logID\":\"" + util::hex_encode(entry.log_id) +
           "\",\"logIndex\":" + std::to_string(entry.log_index) + "}";
}

TlogVerification verify_tlog_entries(const std::vector<TlogEntry>& untrusted_entries, const TrustedRoot& root,
                                     const LoggedContent& content, std::time_t now) {
    TlogVerification result;
    std::set<std::pair<std::string, std::int64_t>> seen;
    for (std::size_t index = 0; index < untrusted_entries.size(); ++index) {
        const TlogEntry& entry = untrusted_entries[index];
        if (!seen.insert({entry.log_id, entry.log_index}).second) reject(index, "duplicate of an earlier entry");
        if (entry.integrated_time && *entry.integrated_time > now)
            reject(index, "the integrated time " + signature::rfc3339_utc(static_cast<std::time_t>(*entry.integrated_time)) + " is in the future");
        const TransparencyLog* log = find_log_by_id(root.tlogs, entry.log_id);
        if (!log) {
            result.skipped.push_back("entry " + std::to_string(index) + ": log " + util::hex_encode(entry.log_id) + " is not in the trusted root");
            continue;
        }
        const bool rekor_v2 = is_rekor_v2_kind(entry.kind, entry.version);
        if (entry.signed_entry_timestamp.empty() && !entry.inclusion_proof) reject(index, "neither an inclusion promise nor an inclusion proof");
        if (rekor_v2 && !entry.inclusion_proof) reject(index, "a Rekor v2 entry without an inclusion proof");
        if (!entry.signed_entry_timestamp.empty()) {
            if (rekor_v2) reject(index, "a Rekor v2 entry cannot carry a signed entry timestamp");
            verify_set(entry, *log, index);
        }
        if (entry.inclusion_proof) verify_proof(entry, *log, index);
        match_body(entry, content, index);
        VerifiedTlogEntry verified{entry.log_id, log->base_url, entry.log_index, std::nullopt};
        if (!entry.signed_entry_timestamp.empty()) verified.set_integrated_time = static_cast<std::time_t>(*entry.integrated_time);
        result.verified.push_back(std::move(verified));
    }
    return result;
}

}  // namespace imgtrust::sigstore
