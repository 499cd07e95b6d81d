#include "signing/oci_layout_signer.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "imgtrust/errors.hpp"
#include "signing/attachments.hpp"
#include "signing/signature_payloads.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::signing {
namespace {

constexpr const char* ref_name_annotation = "org.opencontainers.image.ref.name";
constexpr const char* oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";

std::string string_member(const rapidjson::Value& object, const char* name) {
    const auto found = object.FindMember(name);
    return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

std::string ref_name_of(const rapidjson::Value& entry) {
    const auto annotations = entry.FindMember("annotations");
    if (annotations == entry.MemberEnd() || !annotations->value.IsObject()) return "";
    return string_member(annotations->value, ref_name_annotation);
}

class Layout {
public:
    explicit Layout(std::string directory) : directory_(std::move(directory)) {
        const auto bytes = util::read_file_bounded(path("index.json"), max_manifest_bytes, "OCI index");
        if (!bytes) throw NotFoundError(directory_ + "/index.json does not exist, so this is not an OCI layout");
        if (auto error = util::parse_untrusted_json(*bytes, index_)) throw FetchError(path("index.json") + ": " + error->describe());
        if (!index_.IsObject() || !index_.HasMember("manifests") || !index_["manifests"].IsArray())
            throw FetchError(path("index.json") + " is not an OCI image index");
    }

    // The descriptor of the image to sign: by ref name, or the only entry that is not an attachment.
    const rapidjson::Value& image_entry(const std::string& ref_name) const {
        const rapidjson::Value* chosen = nullptr;
        std::size_t candidates = 0;
        for (const auto& entry : index_["manifests"].GetArray()) {
            if (!entry.IsObject()) continue;
            const std::string name = ref_name_of(entry);
            if (!ref_name.empty() ? name == ref_name : name.size() < 4 || name.compare(name.size() - 4, 4, ".sig") != 0) {
                chosen = &entry;
                ++candidates;
            }
        }
        if (candidates == 0) throw NotFoundError(directory_ + ": no image named \"" + ref_name + "\" in index.json");
        if (candidates > 1) throw ConfigError(directory_ + ": several images in index.json; name one (oci:PATH:REF)");
        return *chosen;
    }

    ManifestBlob manifest(const std::string& digest, const std::string& media_type) const {
        return ManifestBlob{read_blob(digest, "manifest"), media_type};
    }

    std::optional<std::string> attachment_manifest(const std::string& tag) const {
        for (const auto& entry : index_["manifests"].GetArray())
            if (entry.IsObject() && ref_name_of(entry) == tag) return read_blob(string_member(entry, "digest"), "attachment manifest");
        return std::nullopt;
    }

    void write_blob(const std::string& bytes) const {
        const auto digest = util::Digest::of(util::DigestAlgorithm::sha256, bytes);
        const std::string target = path("blobs/sha256/" + std::string(digest.hex()));
        if (std::filesystem::exists(target)) return;
        write_file(target, bytes);
    }

    // Replaces (or adds) the index entry named `tag`.
    void set_entry(const std::string& tag, const std::string& manifest) {
        auto& manifests = index_["manifests"];
        for (auto entry = manifests.Begin(); entry != manifests.End();) {
            entry = entry->IsObject() && ref_name_of(*entry) == tag ? manifests.Erase(entry) : entry + 1;
        }
        auto& allocator = index_.GetAllocator();
        rapidjson::Value descriptor(rapidjson::kObjectType);
        descriptor.AddMember("mediaType", rapidjson::Value(oci_manifest_type, allocator), allocator);
        descriptor.AddMember("digest", rapidjson::Value(util::Digest::of(util::DigestAlgorithm::sha256, manifest).string().c_str(), allocator), allocator);
        descriptor.AddMember("size", rapidjson::Value(static_cast<std::uint64_t>(manifest.size())), allocator);
        rapidjson::Value annotations(rapidjson::kObjectType);
        annotations.AddMember(rapidjson::Value(ref_name_annotation, allocator), rapidjson::Value(tag.c_str(), allocator), allocator);
        descriptor.AddMember("annotations", annotations, allocator);
        manifests.PushBack(descriptor, allocator);
    }

    void write_index() const { write_file(path("index.json"), util::write_json(index_)); }

private:
    std::string path(const std::string& name) const { return directory_ + "/" + name; }

    std::string read_blob(const std::string& digest_text, const std::string& what) const {
        const auto digest = util::Digest::parse(digest_text);
        if (!digest) throw FetchError(directory_ + ": " + what + " digest \"" + digest_text + "\" is not valid");
        const std::string file = path("blobs/" + std::string(digest->algorithm_name()) + "/" + std::string(digest->hex()));
        auto bytes = util::read_file_bounded(file, max_manifest_bytes, what);
        if (!bytes) throw NotFoundError(directory_ + ": " + what + " blob " + digest_text + " does not exist");
        if (!digest->matches(*bytes)) throw FetchError(file + " does not match its digest");
        return std::move(*bytes);
    }

    // Written next to its name, then renamed into place.
    static void write_file(const std::string& target, const std::string& bytes) {
        const std::string staging = target + ".tmp-" + std::to_string(::getpid());
        {
            std::ofstream out(staging, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out.flush()) throw FetchError("writing " + staging);
        }
        std::error_code error;
        std::filesystem::rename(staging, target, error);
        if (error) {
            std::filesystem::remove(staging, error);
            throw FetchError("writing " + target);
        }
    }

    std::string directory_;
    rapidjson::Document index_;
};

std::string platform_of(const ManifestInstance& instance) {
    std::string text = instance.os + "/" + instance.architecture;
    return instance.variant.empty() ? text : text + "/" + instance.variant;
}

}  // namespace

std::vector<SignedManifest> sign_oci_layout(const std::string& layout_dir, const std::string& ref_name,
                                            const DockerReference& identity, const SigningKey& key,
                                            const std::function<bool(const ManifestInstance&)>& select_instance) {
    Layout layout(layout_dir);
    const auto& entry = layout.image_entry(ref_name);
    const ManifestBlob top = layout.manifest(string_member(entry, "digest"), string_member(entry, "mediaType"));
    std::vector<std::pair<std::string, std::string>> targets{{string_member(entry, "digest"), ""}};
    if (is_manifest_list(top)) {
        for (const auto& instance : manifest_list_instances(top))
            if (select_instance(instance)) targets.emplace_back(instance.digest, platform_of(instance));
    }
    std::vector<SignedManifest> signed_manifests;
    for (const auto& [digest_text, platform] : targets) {
        const auto digest = util::Digest::parse(digest_text);
        if (!digest) throw FetchError(layout_dir + ": invalid digest " + digest_text);
        layout.manifest(digest_text, "");  // the signed manifest must be in the layout
        const std::string tag = std::string(digest->algorithm_name()) + "-" + std::string(digest->hex()) + ".sig";
        std::vector<SignatureLayer> existing;
        if (const auto current = layout.attachment_manifest(tag)) existing = parse_attachment_layers(*current);
        const std::string payload = make_cosign_payload(identity.string(), *digest);
        SignedManifest result;
        result.digest = digest_text;
        result.platform = platform;
        const auto attachment = signed_attachment(existing, payload, key);
        result.already_signed = !attachment;
        if (attachment) {
            layout.write_blob(payload);
            layout.write_blob(attachment->config);
            layout.write_blob(attachment->manifest);
            layout.set_entry(tag, attachment->manifest);
        }
        signed_manifests.push_back(result);
    }
    layout.write_index();
    return signed_manifests;
}

}  // namespace imgtrust::signing
