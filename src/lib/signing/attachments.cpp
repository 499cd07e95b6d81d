#include "signing/attachments.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "imgtrust/errors.hpp"
#include "registry/referrers.hpp"
#include "signature/public_key.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::signing {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* oci_manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* oci_config_media_type = "application/vnd.oci.image.config.v1+json";
constexpr const char* oci_index_media_type = "application/vnd.oci.image.index.v1+json";
constexpr const char* go_zero_time = "0001-01-01T00:00:00Z";
constexpr const char* cosign_sign_predicate = "https://sigstore.dev/cosign/sign/v1";
constexpr std::size_t max_referrers_tag_entries = 1000;

std::string sha256_of(const std::string& bytes) { return util::Digest::of(util::DigestAlgorithm::sha256, bytes).string(); }

void key_string(JsonWriter& writer, const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// go-containerregistry's v1.Descriptor field order: mediaType, size, digest, annotations, artifactType.
void write_descriptor(JsonWriter& writer, const std::string& media_type, std::uint64_t size, const std::string& digest,
                      const std::map<std::string, std::string>& annotations = {}, const std::string& artifact_type = "") {
    writer.StartObject();
    key_string(writer, "mediaType", media_type);
    writer.Key("size");
    writer.Uint64(size);
    key_string(writer, "digest", digest);
    if (!annotations.empty()) {
        writer.Key("annotations");
        writer.StartObject();
        for (const auto& [name, value] : annotations) key_string(writer, name.c_str(), value);  // sorted, as Go writes maps
        writer.EndObject();
    }
    if (!artifact_type.empty()) key_string(writer, "artifactType", artifact_type);
    writer.EndObject();
}

std::string string_member(const rapidjson::Value& object, const char* name) {
    const auto found = object.FindMember(name);
    return found != object.MemberEnd() && found->value.IsString() ? std::string(found->value.GetString(), found->value.GetStringLength()) : "";
}

SignatureLayer parse_layer(const rapidjson::Value& untrusted_layer) {
    if (!untrusted_layer.IsObject()) throw FetchError("a layer of the signature attachment is not an object");
    SignatureLayer layer;
    layer.media_type = string_member(untrusted_layer, "mediaType");
    layer.digest = string_member(untrusted_layer, "digest");
    if (!util::Digest::parse(layer.digest)) throw FetchError("a layer of the signature attachment has no valid digest");
    const auto size = untrusted_layer.FindMember("size");
    if (size == untrusted_layer.MemberEnd() || !size->value.IsUint64())
        throw FetchError("a layer of the signature attachment has no valid size");
    layer.size = size->value.GetUint64();
    const auto annotations = untrusted_layer.FindMember("annotations");
    if (annotations != untrusted_layer.MemberEnd() && annotations->value.IsObject()) {
        for (const auto& member : annotations->value.GetObject())
            if (member.value.IsString()) layer.annotations[member.name.GetString()] = member.value.GetString();
    }
    return layer;
}

std::string utc_now_rfc3339() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace

std::vector<SignatureLayer> parse_attachment_layers(const std::string& untrusted_manifest) {
    rapidjson::Document document;
    if (auto error = util::parse_untrusted_json(untrusted_manifest, document))
        throw FetchError("the signature attachment manifest: " + error->describe());
    if (!document.IsObject()) throw FetchError("the signature attachment manifest is not a JSON object");
    const auto layers = document.FindMember("layers");
    if (layers == document.MemberEnd() || !layers->value.IsArray())
        throw FetchError("the signature attachment manifest has no layers array");
    if (layers->value.Size() > max_attachment_layers)
        throw FetchError("the signature attachment has more than " + std::to_string(max_attachment_layers) + " layers");
    std::vector<SignatureLayer> parsed;
    for (const auto& layer : layers->value.GetArray()) parsed.push_back(parse_layer(layer));
    return parsed;
}

SignatureAttachment append_signature(const std::vector<SignatureLayer>& existing, const std::string& payload,
                                     const std::string& base64_signature,
                                     const std::function<bool(const SignatureLayer&)>& is_duplicate) {
    std::vector<SignatureLayer> layers = existing;
    SignatureAttachment attachment;
    attachment.already_present = std::any_of(existing.begin(), existing.end(), is_duplicate);
    if (!attachment.already_present) {
        layers.push_back(SignatureLayer{cosign_simplesigning_media_type, sha256_of(payload), payload.size(),
                                        {{cosign_signature_annotation, base64_signature}}});
    }
    rapidjson::StringBuffer config_text;
    JsonWriter config(config_text);
    config.StartObject();
    key_string(config, "architecture", "");
    key_string(config, "created", go_zero_time);
    config.Key("history");
    config.StartArray();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        config.StartObject();
        key_string(config, "created", go_zero_time);
        config.EndObject();
    }
    config.EndArray();
    key_string(config, "os", "");
    config.Key("rootfs");
    config.StartObject();
    key_string(config, "type", "layers");
    config.Key("diff_ids");
    config.StartArray();
    for (const auto& layer : layers) config.String(layer.digest.c_str());  // static layers: diff ID = digest
    config.EndArray();
    config.EndObject();
    config.Key("config");
    config.StartObject();
    config.EndObject();
    config.EndObject();
    attachment.config = config_text.GetString();

    rapidjson::StringBuffer manifest_text;
    JsonWriter manifest(manifest_text);
    manifest.StartObject();
    manifest.Key("schemaVersion");
    manifest.Int(2);
    key_string(manifest, "mediaType", oci_manifest_media_type);
    manifest.Key("config");
    write_descriptor(manifest, oci_config_media_type, attachment.config.size(), sha256_of(attachment.config));
    manifest.Key("layers");
    manifest.StartArray();
    for (const auto& layer : layers) write_descriptor(manifest, layer.media_type, layer.size, layer.digest, layer.annotations);
    manifest.EndArray();
    manifest.EndObject();
    attachment.manifest = manifest_text.GetString();
    return attachment;
}

std::optional<SignatureAttachment> signed_attachment(const std::vector<SignatureLayer>& existing,
                                                     const std::string& payload, const SigningKey& key) {
    const auto public_keys = signature::load_public_keys_pem(key.public_key_pem(), "the signing key");
    const std::string payload_digest = sha256_of(payload);
    // cosign's dupe detector: the same payload already signed by this key.
    const auto same_signature = [&](const SignatureLayer& layer) {
        if (layer.digest != payload_digest) return false;
        const auto annotation = layer.annotations.find(cosign_signature_annotation);
        if (annotation == layer.annotations.end()) return false;
        const auto raw = util::base64_decode(annotation->second);
        return raw && public_keys.front().verify(payload, *raw);
    };
    if (std::any_of(existing.begin(), existing.end(), same_signature)) return std::nullopt;
    return append_signature(existing, payload, util::base64_encode(key.sign_sha256(payload)), same_signature);
}

bool attach_cosign_signature(registry::RepositoryClient& reader, registry::RepositoryWriter& writer,
                             const util::Digest& signed_digest, const std::string& payload, const SigningKey& key) {
    const std::string tag = std::string(signed_digest.algorithm_name()) + "-" + std::string(signed_digest.hex()) + ".sig";
    std::vector<SignatureLayer> existing;
    if (const auto current = reader.find_manifest(tag)) existing = parse_attachment_layers(current->bytes);
    const auto attachment = signed_attachment(existing, payload, key);
    if (!attachment) return false;
    writer.push_blob(payload, sha256_of(payload));
    writer.push_blob(attachment->config, sha256_of(attachment->config));
    writer.put_manifest(tag, attachment->manifest, oci_manifest_media_type);
    return true;
}

std::string bundle_referrer_manifest(const SubjectDescriptor& subject, const std::string& bundle,
                                     const std::string& created) {
    rapidjson::StringBuffer text;
    JsonWriter manifest(text);
    manifest.StartObject();
    manifest.Key("schemaVersion");
    manifest.Int(2);
    key_string(manifest, "mediaType", oci_manifest_media_type);
    manifest.Key("config");
    write_descriptor(manifest, oci_empty_media_type, 2, sha256_of("{}"), {}, sigstore_bundle_v03_media_type);
    manifest.Key("layers");
    manifest.StartArray();
    write_descriptor(manifest, sigstore_bundle_v03_media_type, bundle.size(), sha256_of(bundle));
    manifest.EndArray();
    manifest.Key("annotations");
    manifest.StartObject();
    key_string(manifest, "dev.sigstore.bundle.content", "dsse-envelope");
    key_string(manifest, "dev.sigstore.bundle.predicateType", cosign_sign_predicate);
    key_string(manifest, "org.opencontainers.image.created", created);
    manifest.EndObject();
    manifest.Key("subject");
    write_descriptor(manifest, subject.media_type, subject.size, subject.digest);
    key_string(manifest, "artifactType", sigstore_bundle_v03_media_type);
    manifest.EndObject();
    return text.GetString();
}

namespace {

// The referrers tag index with `referrer` added (an entry with its digest replaced).
std::string referrers_index_with(const std::optional<registry::FetchedManifest>& current, const std::string& referrer_manifest,
                                 const std::string& referrer_digest, const std::string& created) {
    rapidjson::StringBuffer text;
    JsonWriter index(text);
    index.StartObject();
    index.Key("schemaVersion");
    index.Int(2);
    key_string(index, "mediaType", oci_index_media_type);
    index.Key("manifests");
    index.StartArray();
    if (current) {
        rapidjson::Document document;
        if (auto error = util::parse_untrusted_json(current->bytes, document))
            throw FetchError("the referrers tag index: " + error->describe());
        const auto manifests = document.IsObject() ? document.FindMember("manifests") : document.MemberEnd();
        if (!document.IsObject() || manifests == document.MemberEnd() || !manifests->value.IsArray())
            throw FetchError("the referrers tag is not an OCI image index");
        if (manifests->value.Size() >= max_referrers_tag_entries)
            throw FetchError("the referrers tag index already lists " + std::to_string(max_referrers_tag_entries) + " referrers");
        for (const auto& entry : manifests->value.GetArray()) {
            if (entry.IsObject() && string_member(entry, "digest") == referrer_digest) continue;
            const std::string kept = util::write_json(entry);
            index.RawValue(kept.data(), kept.size(), rapidjson::kObjectType);
        }
    }
    write_descriptor(index, oci_manifest_media_type, referrer_manifest.size(), referrer_digest,
                     {{"dev.sigstore.bundle.content", "dsse-envelope"},
                      {"dev.sigstore.bundle.predicateType", cosign_sign_predicate},
                      {"org.opencontainers.image.created", created}},
                     sigstore_bundle_v03_media_type);
    index.EndArray();
    index.EndObject();
    return text.GetString();
}

}  // namespace

std::string attach_bundle(registry::RepositoryClient& reader, registry::RepositoryWriter& writer,
                          const SubjectDescriptor& subject, const std::string& bundle,
                          const std::optional<std::string>& empty_config_from) {
    const std::string created = utc_now_rfc3339();
    const std::string manifest = bundle_referrer_manifest(subject, bundle, created);
    const std::string digest = sha256_of(manifest);
    writer.push_blob(bundle, sha256_of(bundle));
    writer.push_blob("{}", sha256_of("{}"), empty_config_from);
    const registry::PushedManifest pushed = writer.put_manifest(digest, manifest, oci_manifest_media_type);
    if (pushed.subject_processed) return digest;
    // "If the registry does not return the OCI-Subject header, the client MUST
    // ... push an updated referrers list using the referrers tag schema."
    const std::string tag = registry::referrers_tag(subject.digest);
    const auto current = reader.find_manifest(tag);
    writer.put_manifest(tag, referrers_index_with(current, manifest, digest, created), oci_index_media_type);
    return digest;
}

}  // namespace imgtrust::signing
