// Bundle parsing: the media type decides the version and its rules
// (sigstore-go pkg/bundle validate): v0.1 entries need an inclusion promise,
// v0.2+ entries an inclusion proof, v0.3 has a single certificate instead of
// a chain, any other version is unsupported.
#include "sigstore/bundle.hpp"

#include "signature/rejection.hpp"
#include "sigstore/proto_json.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::sigstore {
namespace {

std::optional<BundleVersion> version_of_media_type(std::string_view media_type) {
    if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.1") return BundleVersion::v0_1;
    if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.2") return BundleVersion::v0_2;
    if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.3") return BundleVersion::v0_3;
    if (media_type == "application/vnd.dev.sigstore.bundle.v0.3+json") return BundleVersion::v0_3;
    return std::nullopt;
}

// HashAlgorithm enum names (sigstore_common.proto) we can compute.
std::optional<util::DigestAlgorithm> hash_algorithm_named(std::string_view name) {
    if (name == "SHA2_256") return util::DigestAlgorithm::sha256;
    if (name == "SHA2_384") return util::DigestAlgorithm::sha384;
    if (name == "SHA2_512") return util::DigestAlgorithm::sha512;
    return std::nullopt;
}

InclusionProof parse_inclusion_proof(const ProtoObject& object) {
    InclusionProof proof;
    proof.log_index = object.int64("logIndex", false).value_or(0);
    proof.root_hash = *object.bytes("rootHash", true);
    proof.tree_size = object.int64("treeSize", false).value_or(0);
    for (const rapidjson::Value* hash : object.array("hashes", max_inclusion_proof_hashes)) {
        if (!hash->IsString()) object.fail("hashes", "expected base64 strings");
        auto decoded = decode_proto_bytes(std::string_view(hash->GetString(), hash->GetStringLength()));
        if (!decoded) object.fail("hashes", "invalid base64");
        proof.hashes.push_back(*decoded);
    }
    proof.checkpoint = *object.object("checkpoint", {"envelope"}).string("envelope", true);
    if (proof.log_index < 0) object.fail("logIndex", "negative");
    if (proof.tree_size <= 0) object.fail("treeSize", "must be positive");
    return proof;
}

TlogEntry parse_tlog_entry(const rapidjson::Value& value, const std::string& path) {
    ProtoObject object(value, path,
                       {"logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof", "canonicalizedBody"});
    TlogEntry entry;
    entry.log_index = object.int64("logIndex", false).value_or(0);
    if (entry.log_index < 0) object.fail("logIndex", "negative log index");
    entry.log_id = *object.object("logId", {"keyId"}).bytes("keyId", true);
    ProtoObject kind_version = object.object("kindVersion", {"kind", "version"});
    entry.kind = *kind_version.string("kind", true);
    entry.version = *kind_version.string("version", true);
    entry.integrated_time = object.int64("integratedTime", false);
    if (entry.integrated_time && *entry.integrated_time < 0) object.fail("integratedTime", "negative");
    if (auto promise = object.optional_object("inclusionPromise", {"signedEntryTimestamp"}))
        entry.signed_entry_timestamp = *promise->bytes("signedEntryTimestamp", true);
    if (auto proof = object.optional_object("inclusionProof", {"logIndex", "rootHash", "treeSize", "hashes", "checkpoint"}))
        entry.inclusion_proof = parse_inclusion_proof(*proof);
    entry.canonicalized_body = *object.bytes("canonicalizedBody", true);
    return entry;
}

signature::Certificate certificate_of(const ProtoObject& parent, std::string_view field, const rapidjson::Value& value,
                                      const std::string& path) {
    ProtoObject object(value, path, {"rawBytes"});
    std::string der = *object.bytes("rawBytes", true);
    try {
        return parse_certificate_der(der);
    } catch (const signature::SignatureRejected& error) {
        parent.fail(field, error.what());
    }
}

void parse_verification_material(const ProtoObject& material, Bundle& bundle) {
    int forms = material.has("publicKey") + material.has("certificate") + material.has("x509CertificateChain");
    if (forms != 1) material.fail("", "exactly one of publicKey, certificate, x509CertificateChain is required");
    if (auto key = material.optional_object("publicKey", {"hint"})) bundle.public_key_hint = key->string("hint", false).value_or("");
    if (const rapidjson::Value* certificate = material.find("certificate"))
        bundle.certificates.push_back(certificate_of(material, "certificate", *certificate, material.path_of("certificate")));
    if (auto chain = material.optional_object("x509CertificateChain", {"certificates"})) {
        if (bundle.version == BundleVersion::v0_3) material.fail("x509CertificateChain", "not allowed in a v0.3 bundle (use certificate)");
        auto certificates = chain->array("certificates", max_chain_certificates);
        if (certificates.empty()) chain->fail("certificates", "empty certificate chain");
        for (std::size_t i = 0; i < certificates.size(); ++i)
            bundle.certificates.push_back(certificate_of(*chain, "certificates", *certificates[i],
                                                         chain->path_of("certificates[" + std::to_string(i) + "]")));
        bundle.has_certificate_chain_form = true;
    }
    auto entries = material.array("tlogEntries", max_tlog_entries);
    for (std::size_t i = 0; i < entries.size(); ++i)
        bundle.tlog_entries.push_back(parse_tlog_entry(*entries[i], material.path_of("tlogEntries[" + std::to_string(i) + "]")));
    if (auto data = material.optional_object("timestampVerificationData", {"rfc3161Timestamps"})) {
        auto timestamps = data->array("rfc3161Timestamps", max_rfc3161_timestamps);
        for (std::size_t i = 0; i < timestamps.size(); ++i) {
            ProtoObject timestamp(*timestamps[i], data->path_of("rfc3161Timestamps[" + std::to_string(i) + "]"), {"signedTimestamp"});
            bundle.rfc3161_timestamps.push_back(*timestamp.bytes("signedTimestamp", true));
        }
    }
}

MessageSignature parse_message_signature(const ProtoObject& object) {
    MessageSignature message;
    if (auto digest = object.optional_object("messageDigest", {"algorithm", "digest"})) {
        std::string algorithm = digest->string("algorithm", true).value();
        message.digest_algorithm = hash_algorithm_named(algorithm);
        if (!message.digest_algorithm) digest->fail("algorithm", "unsupported hash algorithm \"" + algorithm.substr(0, 40) + "\"");
        message.digest = *digest->bytes("digest", true);
        if (message.digest.size() != util::digest_hex_length(*message.digest_algorithm) / 2)
            digest->fail("digest", "wrong length for " + algorithm);
    }
    message.signature = *object.bytes("signature", true);
    return message;
}

DsseEnvelope parse_dsse_envelope(const ProtoObject& object) {
    DsseEnvelope envelope;
    envelope.payload = object.bytes("payload", false).value_or("");
    envelope.payload_type = *object.string("payloadType", true);
    auto signatures = object.array("signatures", max_dsse_signatures);
    if (signatures.empty()) object.fail("signatures", "missing");
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        ProtoObject signature(*signatures[i], object.path_of("signatures[" + std::to_string(i) + "]"), {"sig", "keyid"});
        envelope.signatures.push_back({*signature.bytes("sig", true), signature.string("keyid", false).value_or("")});
    }
    return envelope;
}

// The per-version rules on tlog entries.
void check_version_rules(const Bundle& bundle) {
    for (std::size_t i = 0; i < bundle.tlog_entries.size(); ++i) {
        const TlogEntry& entry = bundle.tlog_entries[i];
        std::string where = "verificationMaterial.tlogEntries[" + std::to_string(i) + "]: ";
        if (bundle.version == BundleVersion::v0_1 && entry.signed_entry_timestamp.empty())
            throw ProtoJsonError(where + "a v0.1 bundle requires an inclusion promise");
        if (bundle.version != BundleVersion::v0_1 && !entry.inclusion_proof)
            throw ProtoJsonError(where + "a v0.2 or later bundle requires an inclusion proof");
    }
}

Bundle parse_bundle_document(const rapidjson::Document& document) {
    ProtoObject root(document, "", {"mediaType", "verificationMaterial", "messageSignature", "dsseEnvelope"});
    Bundle bundle;
    bundle.media_type = root.string("mediaType", true).value();
    auto version = version_of_media_type(bundle.media_type);
    if (!version) root.fail("mediaType", "unsupported bundle media type \"" + bundle.media_type.substr(0, 100) + "\"");
    bundle.version = *version;
    parse_verification_material(
        root.object("verificationMaterial", {"publicKey", "x509CertificateChain", "certificate", "tlogEntries", "timestampVerificationData"}),
        bundle);
    if (root.has("messageSignature") == root.has("dsseEnvelope")) root.fail("", "exactly one of messageSignature, dsseEnvelope is required");
    if (auto message = root.optional_object("messageSignature", {"messageDigest", "signature"}))
        bundle.message_signature = parse_message_signature(*message);
    if (auto envelope = root.optional_object("dsseEnvelope", {"payload", "payloadType", "signatures"}))
        bundle.dsse_envelope = parse_dsse_envelope(*envelope);
    check_version_rules(bundle);
    return bundle;
}

}  // namespace

Bundle parse_bundle(std::string_view untrusted_json) {
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_bundle_bytes;
    if (auto error = util::parse_untrusted_json(untrusted_json, document, options))
        throw signature::SignatureRejected("invalid bundle: " + error->describe());
    try {
        return parse_bundle_document(document);
    } catch (const ProtoJsonError& error) {
        throw signature::SignatureRejected(std::string("invalid bundle: ") + error.what());
    }
}

signature::Certificate parse_certificate_der(std::string_view untrusted_der) {
    // The PEM gateway owns Go's certificate parsing rules; hand it the DER as one block.
    std::string pem = "-----BEGIN CERTIFICATE-----\n" + util::base64_encode(untrusted_der) + "\n-----END CERTIFICATE-----\n";
    auto certificates = signature::parse_certificates_pem(pem);
    if (certificates.size() != 1) throw signature::SignatureRejected("x509: malformed certificate");
    return certificates.front();
}

}  // namespace imgtrust::sigstore
