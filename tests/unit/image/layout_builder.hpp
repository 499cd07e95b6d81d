// Small image layouts built inside a temporary directory, for the image tests.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/image.hpp"

namespace image_test {

// A fresh directory (symlinks resolved), removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "imgtrust-image-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = std::filesystem::canonical(pattern).string();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& relative) const { return path_ + "/" + relative; }

    std::string write(const std::string& relative, std::string_view bytes) const {
        const std::filesystem::path full = *this / relative;
        std::filesystem::create_directories(full.parent_path());
        std::ofstream out(full, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + full.string());
        return full.string();
    }
    std::string make_directory(const std::string& relative) const {
        std::filesystem::create_directories(*this / relative);
        return *this / relative;
    }
    std::string symlink(const std::string& target, const std::string& relative) const {
        std::filesystem::create_symlink(target, *this / relative);
        return *this / relative;
    }

private:
    std::string path_;
};

inline std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

inline std::string json_annotations(const std::map<std::string, std::string>& annotations) {
    std::string out = "{";
    for (const auto& [key, value] : annotations) out += (out.size() > 1 ? "," : "") + json_string(key) + ":" + json_string(value);
    return out + "}";
}

inline constexpr std::string_view oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index_type = "application/vnd.oci.image.index.v1+json";

struct DescriptorSpec {
    std::string media_type;
    std::string digest;
    std::size_t size = 0;
    std::map<std::string, std::string> annotations;
    std::string platform_json;  // e.g. {"os":"linux","architecture":"amd64"}; empty: none
};

inline std::string descriptor_json(const DescriptorSpec& d) {
    std::string out = "{\"mediaType\":" + json_string(d.media_type) + ",\"digest\":" + json_string(d.digest) +
                      ",\"size\":" + std::to_string(d.size);
    if (!d.annotations.empty()) out += ",\"annotations\":" + json_annotations(d.annotations);
    if (!d.platform_json.empty()) out += ",\"platform\":" + d.platform_json;
    return out + "}";
}

// An OCI image manifest whose config and layers are only descriptors (never written).
inline std::string oci_image_manifest(const std::string& tag, const std::vector<DescriptorSpec>& layers = {}) {
    std::string out = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":" +
                      json_string(imgtrust::sha256_digest("config of " + tag)) + ",\"size\":2},\"layers\":[";
    for (std::size_t i = 0; i < layers.size(); ++i) out += (i ? "," : "") + descriptor_json(layers[i]);
    return out + "]}";
}

inline std::string oci_index(const std::vector<DescriptorSpec>& manifests) {
    std::string out = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[";
    for (std::size_t i = 0; i < manifests.size(); ++i) out += (i ? "," : "") + descriptor_json(manifests[i]);
    return out + "]}";
}

inline std::string hex_of(const std::string& digest) { return digest.substr(digest.find(':') + 1); }

// An OCI layout: blobs are written as added, index.json when write_index() is called.
class OciLayoutBuilder {
public:
    OciLayoutBuilder(const TempDir& temp, std::string relative) : temp_(temp), root_(std::move(relative)) {
        temp_.write(root_ + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    }
    std::string path() const { return temp_ / root_; }

    std::string add_blob(std::string_view bytes) const {
        const std::string digest = imgtrust::sha256_digest(bytes);
        temp_.write(root_ + "/blobs/sha256/" + hex_of(digest), bytes);
        return digest;
    }
    // Adds a manifest blob and its index.json entry; returns the entry.
    DescriptorSpec add_manifest(const std::string& bytes, std::string media_type, std::map<std::string, std::string> annotations = {}) {
        DescriptorSpec entry{std::move(media_type), add_blob(bytes), bytes.size(), std::move(annotations), {}};
        entries_.push_back(entry);
        return entry;
    }
    void add_entry(const DescriptorSpec& entry) { entries_.push_back(entry); }
    // A cosign signature attachment: one layer per payload, annotated with its signature.
    DescriptorSpec add_signatures(const std::string& signed_digest, const std::vector<std::string>& payloads,
                                  std::map<std::string, std::string> entry_annotations = {}) {
        std::vector<DescriptorSpec> layers;
        for (std::size_t i = 0; i < payloads.size(); ++i)
            layers.push_back({"application/vnd.dev.cosign.simplesigning.v1+json", add_blob(payloads[i]), payloads[i].size(),
                              {{"dev.cosignproject.cosign/signature", "c2lnbmF0dXJl" + std::to_string(i)}}, {}});
        if (entry_annotations.empty())
            entry_annotations["org.opencontainers.image.ref.name"] = "sha256-" + hex_of(signed_digest) + ".sig";
        return add_manifest(oci_image_manifest("signatures of " + signed_digest, layers), std::string(oci_manifest_type),
                            std::move(entry_annotations));
    }
    void write_index() const { temp_.write(root_ + "/index.json", oci_index(entries_)); }

private:
    const TempDir& temp_;
    std::string root_;
    std::vector<DescriptorSpec> entries_;
};

}  // namespace image_test
