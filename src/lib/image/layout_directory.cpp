// LayoutFiles over a directory: the oci: transport.
#include <filesystem>

#include "image/layout_files.hpp"
#include "image/local_files.hpp"
#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

namespace imgtrust::image {
namespace {

class DirectoryLayoutFiles final : public LayoutFiles {
public:
    explicit DirectoryLayoutFiles(std::string dir) : dir_(std::move(dir)) {}

    std::optional<std::string> read(const std::string& relative_path, std::size_t max_bytes,
                                    const std::string& what) const override {
        return util::read_file_bounded(join_path(dir_, relative_path), max_bytes, what);
    }

    void visit_small_files(const std::string& relative_dir, std::size_t max_bytes, std::size_t max_files,
                           const std::string& what,
                           const std::function<void(const std::string&, const std::string&)>& visit) const override {
        namespace fs = std::filesystem;
        std::error_code error;
        fs::directory_iterator entries(fs::path(join_path(dir_, relative_dir)), error);
        if (error) return;  // no such directory: no files
        std::size_t examined = 0;
        for (const auto& entry : entries) {
            if (++examined > max_files)
                throw FetchError(what + ": more than " + std::to_string(max_files) + " files in " + display_path(relative_dir));
            std::error_code status_error;
            if (!entry.is_regular_file(status_error)) continue;
            const auto size = entry.file_size(status_error);
            if (status_error || size > max_bytes) continue;
            const auto bytes = util::read_file_bounded(entry.path().string(), max_bytes, "OCI layout blob");
            if (bytes) visit(entry.path().filename().string(), *bytes);
        }
    }

    std::string display_path(const std::string& relative_path) const override { return join_path(dir_, relative_path); }

private:
    std::string dir_;
};

}  // namespace

std::unique_ptr<LayoutFiles> open_layout_directory(const std::string& dir, const std::string& image_name) {
    switch (path_kind(dir.empty() ? "." : dir)) {
    case PathKind::missing: throw NotFoundError(image_name + ": OCI layout directory " + dir + " does not exist");
    case PathKind::other: throw NotFoundError(image_name + ": " + dir + " is not a directory");
    case PathKind::directory: break;
    }
    return std::make_unique<DirectoryLayoutFiles>(dir);
}

}  // namespace imgtrust::image
