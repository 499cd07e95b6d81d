// Where the files of an OCI image layout come from: a directory (oci:) or a
// tar archive of one (oci-archive:). The layout reader (oci_source.cpp,
// oci_bundles.cpp) sees only this interface, so both transports share it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::image {

class LayoutFiles {
public:
    virtual ~LayoutFiles() = default;

    // The regular file at `relative_path` ("index.json", "blobs/sha256/<hex>"),
    // whole, or nullopt when the layout has no such file. Throws FetchError for
    // a file larger than max_bytes, a non-regular file or a read failure
    // (`what` names the file's role in messages).
    virtual std::optional<std::string> read(const std::string& relative_path, std::size_t max_bytes,
                                            const std::string& what) const = 0;

    // Calls visit(name, bytes) for each regular file directly in `relative_dir`
    // of at most max_bytes (larger ones are skipped unread), in storage order.
    // More than max_files entries there is a FetchError naming `what`.
    virtual void visit_small_files(const std::string& relative_dir, std::size_t max_bytes, std::size_t max_files,
                                   const std::string& what,
                                   const std::function<void(const std::string& name, const std::string& bytes)>& visit) const = 0;

    // How a file is named in messages: "DIR/index.json" or "ARCHIVE:index.json".
    virtual std::string display_path(const std::string& relative_path) const = 0;
};

// The layout directory `dir` of the oci: image `image_name`. Throws
// NotFoundError when `dir` is missing or not a directory.
std::unique_ptr<LayoutFiles> open_layout_directory(const std::string& dir, const std::string& image_name);

// The tar archive `path` of the oci-archive: image `image_name`, read with
// libarchive without extracting it (layout_archive.cpp). Throws NotFoundError
// when the file is missing and FetchError for an archive that cannot be read
// or is refused (bounds, unsafe entry names).
std::unique_ptr<LayoutFiles> open_layout_archive(const std::string& path, const std::string& image_name);

}  // namespace imgtrust::image
