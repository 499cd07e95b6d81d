// Parsing "oci:" references and their policy scopes, as c/image's oci/layout does.
#include <cstdint>

#include "image/local_files.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

bool is_alphanumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// One component of the OCI ref.name grammar: alphanumeric runs joined by one of
// "-._:@+" or by "--".
bool is_valid_name_component(std::string_view component) {
    std::size_t i = 0;
    for (;;) {
        const std::size_t run_start = i;
        while (i < component.size() && is_alphanumeric(component[i])) ++i;
        if (i == run_start) return false;
        if (i == component.size()) return true;
        const char separator = component[i];
        if (std::string_view("-._:@+").find(separator) == std::string_view::npos) return false;
        i += (separator == '-' && i + 1 < component.size() && component[i + 1] == '-') ? 2 : 1;
    }
}

}  // namespace

bool is_valid_oci_image_name(std::string_view name) {
    if (name.empty()) return true;
    std::size_t start = 0;
    for (;;) {
        const auto slash = name.find('/', start);
        if (!is_valid_name_component(name.substr(start, slash == std::string_view::npos ? slash : slash - start))) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

namespace {

// Go's strconv.Atoi: an optional sign, then decimal digits, within int64.
std::optional<std::int64_t> parse_go_int(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) return std::nullopt;
    std::uint64_t magnitude = 0;
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (limit - digit) / 10) return std::nullopt;
        magnitude = magnitude * 10 + digit;
    }
    return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

}  // namespace

std::unique_ptr<OciReference> OciReference::parse(std::string_view within) {
    const auto colon = within.find(':');
    const std::string dir(within.substr(0, colon));
    std::string image = colon == std::string_view::npos ? std::string() : std::string(within.substr(colon + 1));
    std::optional<std::size_t> source_index;
    if (!image.empty() && image[0] == '@') {
        const auto index = parse_go_int(std::string_view(image).substr(1));
        if (!index) throw InvalidReferenceError("Invalid source index " + image + ": not an integer");
        if (*index < 0) throw InvalidReferenceError("Invalid source index @" + std::to_string(*index) + ": must not be negative");
        source_index = static_cast<std::size_t>(*index);
        image.clear();
    }
    return std::unique_ptr<OciReference>(new OciReference(dir, std::move(image), source_index));
}

OciReference::OciReference(std::string dir, std::string image, std::optional<std::size_t> source_index)
    : dir_(std::move(dir)), image_(std::move(image)), source_index_(source_index) {
    resolved_dir_ = resolve_path_fully_explicit(dir_, "oci:" + dir_);
    if (!is_valid_oci_image_name(image_)) throw InvalidReferenceError("Invalid image " + image_);
}

std::string OciReference::string_with_transport() const {
    if (source_index_) return "oci:" + dir_ + ":@" + std::to_string(*source_index_);
    return "oci:" + dir_ + ":" + image_;
}

// containers-policy.json(5): "Supported scopes are paths to directories (either
// containing an OCI layout, or subdirectories possibly containing OCI layout
// directories). The reference annotation value, if any, is not used." The
// identity itself comes first; "/" is never offered.
std::vector<std::string> OciReference::policy_namespaces() const { return path_and_parent_scopes(resolved_dir_); }

std::unique_ptr<ImageSource> OciReference::open(const SystemContext& context) const {
    const std::string image_name = string_with_transport();
    return std::make_unique<OciImageSource>(open_layout_directory(dir_, image_name), image_, source_index_, image_name,
                                            context.debug_log);
}

}  // namespace imgtrust::image
