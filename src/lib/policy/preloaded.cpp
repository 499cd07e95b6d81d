// Pre-downloaded content: signature files recognised from their bytes, and a
// policy evaluation over an in-memory manifest and signatures (no network).
#include "imgtrust/preloaded.hpp"

#include <cstdio>

#include "image/bundle_referrers.hpp"
#include "image/manifest_format.hpp"
#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"
#include "policy/multi_arch_rule.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust {
namespace {

constexpr std::string_view docker_transport_prefix = "docker://";

std::string byte_as_hex(unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02x", byte);
    return text;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A cosign v3 .sigstore.json: a JSON object whose "mediaType" names a Sigstore
// bundle. The rest of the bundle is parsed strictly when it is verified.
SigstoreBundleSignature parse_bundle_file(std::string_view untrusted_bytes) {
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_signature_bytes;
    if (auto error = util::parse_untrusted_json(untrusted_bytes, document, options))
        throw ConfigError("signature file: starts like JSON but is not valid JSON (" + error->describe() + ")");
    if (!document.IsObject()) throw ConfigError("signature file: a JSON document that is not an object is no Sigstore bundle");
    const auto member = document.FindMember("mediaType");
    if (member == document.MemberEnd() || !member->value.IsString())
        throw ConfigError("signature file: a JSON object without a string \"mediaType\" is no Sigstore bundle");
    const std::string media_type(member->value.GetString(), member->value.GetStringLength());
    if (!image::is_sigstore_bundle_media_type(media_type))
        throw ConfigError("signature file: JSON with mediaType \"" + media_type.substr(0, 200) +
                          "\", not a Sigstore bundle media type (application/vnd.dev.sigstore.bundle.v0.3+json)");
    return SigstoreBundleSignature{std::string(untrusted_bytes), media_type, std::string(preloaded_bundle_found_in)};
}

// An ImageSource over the caller's bytes: the one manifest and its signatures.
class PreloadedSource final : public ImageSource {
public:
    PreloadedSource(const ManifestBlob& manifest, const std::vector<UntrustedSignature>& signatures)
        : manifest_(manifest), signatures_(signatures) {}

    ManifestBlob manifest(const std::string& instance_digest) override {
        if (!instance_digest.empty())
            throw NotFoundError("pre-downloaded content holds one manifest, not instance " + instance_digest);
        return manifest_;
    }
    std::vector<UntrustedSignature> signatures(const std::string& instance_digest) override {
        if (!instance_digest.empty())
            throw NotFoundError("pre-downloaded content holds the signatures of one manifest, not of instance " + instance_digest);
        return signatures_;
    }

private:
    const ManifestBlob& manifest_;
    const std::vector<UntrustedSignature>& signatures_;
};

// The manifest as given, with its media type guessed when none was declared;
// schema1 and oversized manifests are usage errors here (the caller chose them).
ManifestBlob checked_manifest(const ManifestBlob& given) {
    if (given.bytes.empty()) throw ConfigError("manifest: empty");
    if (given.bytes.size() > max_manifest_bytes)
        throw ConfigError("manifest: larger than " + std::to_string(max_manifest_bytes) + " bytes");
    ManifestBlob manifest = given;
    if (manifest.media_type.empty()) manifest.media_type = image::guess_manifest_media_type(manifest.bytes);
    try {
        image::reject_unsupported_manifest(manifest, "manifest");
    } catch (const FetchError& e) {
        throw ConfigError(e.what());
    }
    return manifest;
}

}  // namespace

UntrustedSignature parse_signature_file(std::string_view untrusted_bytes) {
    if (untrusted_bytes.empty()) throw ConfigError("signature file: empty");
    if (untrusted_bytes.size() > max_signature_bytes)
        throw ConfigError("signature file: larger than " + std::to_string(max_signature_bytes) + " bytes");
    std::size_t first = 0;
    while (first < untrusted_bytes.size() && is_json_space(untrusted_bytes[first])) ++first;
    if (first < untrusted_bytes.size() && untrusted_bytes[first] == '{') return parse_bundle_file(untrusted_bytes);
    if (untrusted_bytes.substr(0, 10) == "-----BEGIN")
        throw ConfigError("signature file: ASCII-armored; c/image stores simple-signing signatures as binary OpenPGP "
                          "(gpg --dearmor converts it)");
    try {
        return image::parse_signature_blob(untrusted_bytes, "signature file");
    } catch (const FetchError& e) {
        const auto lead = static_cast<unsigned char>(untrusted_bytes.front());
        throw ConfigError(std::string(e.what()) + " (not a simple-signing signature, a c/image sigstore blob or a "
                          "Sigstore bundle; first byte " + byte_as_hex(lead) + ")");
    }
}

Verdict evaluate_preloaded(const PolicyContext& context, std::string_view docker_reference, const ManifestBlob& manifest,
                           const std::vector<UntrustedSignature>& signatures) {
    std::string_view name = docker_reference;
    if (name.substr(0, docker_transport_prefix.size()) == docker_transport_prefix) name.remove_prefix(docker_transport_prefix.size());
    if (name.empty()) throw ConfigError("pre-downloaded content: an identity (docker reference) is required");
    if (signatures.size() > max_signatures)
        throw ConfigError("pre-downloaded content: more than " + std::to_string(max_signatures) + " signatures");
    const auto image = parse_image_reference(std::string(docker_transport_prefix) + std::string(name));
    const ManifestBlob checked = checked_manifest(manifest);
    PreloadedSource source(checked, signatures);
    // The manifest given is the one evaluated, a list included (its own digest):
    // an instance cannot be read without the network.
    Verdict verdict = context.evaluate(*image, source);
    policy::record_single_manifest_rule(context.options().multi_arch_rule, verdict);
    return verdict;
}

}  // namespace imgtrust
