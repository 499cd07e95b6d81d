// LayoutFiles over a tar archive of an OCI layout: the oci-archive: transport.
// c/image extracts the whole archive to a temporary directory and reads it as
// an oci: layout; here the archive is read in place with libarchive, and only
// the files the layout reader asks for (index.json, manifests, signature and
// bundle blobs) are ever read into memory: never a layer.
//
// Untrusted input: one pass over the headers first refuses entry names that
// would leave the layout when extracted (absolute, or with a ".." component)
// and archives of more than max_archive_entries entries. A name given twice
// means its last entry, as extraction would leave it. Every read is bounded by
// the caller's size; a truncated or corrupt archive is a FetchError.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "image/layout_files.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

// skopeo's archives hold a handful of entries per image (index.json,
// oci-layout, blobs/, blobs/sha256/, one file per blob).
constexpr std::size_t max_archive_entries = 100000;
constexpr std::size_t read_block_bytes = 64 * 1024;

struct ArchiveDeleter {
    void operator()(struct archive* handle) const { archive_read_free(handle); }
};
using ArchiveHandle = std::unique_ptr<struct archive, ArchiveDeleter>;

// "./blobs/sha256/x" and "blobs/sha256/x" name the same file; directories may end in "/".
std::string normalized_entry_name(std::string_view name) {
    while (name.substr(0, 2) == "./") name.remove_prefix(2);
    while (!name.empty() && name.back() == '/') name.remove_suffix(1);
    return std::string(name);
}

bool is_unsafe_entry_name(std::string_view name) {
    if (name.empty() || name.front() == '/') return !name.empty();
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = name.find('/', start);
        if (name.substr(start, slash == std::string_view::npos ? slash : slash - start) == "..") return true;
        if (slash == std::string_view::npos) return false;
        start = slash + 1;
    }
}

std::string parent_of(const std::string& name) {
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

struct EntryInfo {
    std::size_t ordinal = 0;  // position of the (last) entry with this name
    std::uint64_t size = 0;
    bool regular = false;
};

class ArchiveLayoutFiles final : public LayoutFiles {
public:
    ArchiveLayoutFiles(std::string path, std::string image_name) : path_(std::move(path)), image_name_(std::move(image_name)) {
        index_entries();
    }

    std::optional<std::string> read(const std::string& relative_path, std::size_t max_bytes,
                                    const std::string& what) const override {
        const auto found = entries_.find(normalized_entry_name(relative_path));
        if (found == entries_.end()) return std::nullopt;
        const EntryInfo& info = found->second;
        if (!info.regular) throw FetchError(image_name_ + ": " + what + " " + display_path(relative_path) + " is not a regular file");
        if (info.size > max_bytes)
            throw FetchError(image_name_ + ": " + what + " " + display_path(relative_path) + " is larger than " +
                             std::to_string(max_bytes) + " bytes");
        std::optional<std::string> bytes;
        walk([&](struct archive* handle, const std::string&, std::size_t ordinal, const EntryInfo&) {
            if (ordinal != info.ordinal) return true;
            bytes = read_data(handle, info.size, display_path(relative_path));
            return false;
        });
        if (!bytes) throw FetchError(image_name_ + ": " + path_ + " changed while it was read");
        return bytes;
    }

    void visit_small_files(const std::string& relative_dir, std::size_t max_bytes, std::size_t max_files,
                           const std::string& what,
                           const std::function<void(const std::string&, const std::string&)>& visit) const override {
        const std::string dir = normalized_entry_name(relative_dir);
        std::size_t files = 0;
        for (const auto& [name, info] : entries_)
            if (parent_of(name) == dir && ++files > max_files)
                throw FetchError(what + ": more than " + std::to_string(max_files) + " files in " + display_path(relative_dir));
        walk([&](struct archive* handle, const std::string& name, std::size_t ordinal, const EntryInfo& info) {
            const auto last = entries_.find(name);
            if (last == entries_.end() || last->second.ordinal != ordinal || !info.regular || parent_of(name) != dir ||
                info.size > max_bytes)
                return true;
            visit(name.substr(dir.empty() ? 0 : dir.size() + 1), read_data(handle, info.size, display_path(name)));
            return true;
        });
    }

    std::string display_path(const std::string& relative_path) const override { return path_ + ":" + relative_path; }

private:
    ArchiveHandle open() const {
        ArchiveHandle handle(archive_read_new());
        if (!handle) throw FetchError(image_name_ + ": cannot allocate an archive reader");
        enable_decompression(handle.get());
        archive_read_support_format_tar(handle.get());
        if (archive_read_open_filename(handle.get(), path_.c_str(), read_block_bytes) != ARCHIVE_OK)
            throw FetchError(image_name_ + ": reading " + path_ + ": " + error_text(handle.get()));
        return handle;
    }

    // c/image untars an oci-archive through containers/storage's DecompressStream,
    // which knows gzip, bzip2, xz and zstd. libarchive's other filters (lrzip,
    // lzop, grzip, and any whose library it lacks) run an external program found
    // in PATH: an untrusted file must never start one. ARCHIVE_WARN is libarchive
    // saying it registered such a program for one of the four.
    void enable_decompression(struct archive* handle) const {
        using Support = int (*)(struct archive*);
        const std::pair<Support, const char*> filters[] = {{archive_read_support_filter_gzip, "gzip"},
                                                           {archive_read_support_filter_bzip2, "bzip2"},
                                                           {archive_read_support_filter_xz, "xz"},
                                                           {archive_read_support_filter_zstd, "zstd"}};
        for (const auto& [support, name] : filters)
            if (support(handle) != ARCHIVE_OK)
                throw FetchError(image_name_ + ": this libarchive has no built-in " + name +
                                 " decompressor (it would run an external program); refusing to read " + path_);
    }

    static std::string error_text(struct archive* handle) {
        const char* text = archive_error_string(handle);
        return text ? text : "unknown archive error";
    }

    // Calls step(handle, name, ordinal, info) for each entry in order until it returns false.
    void walk(const std::function<bool(struct archive*, const std::string&, std::size_t, const EntryInfo&)>& step) const {
        ArchiveHandle handle = open();
        struct archive_entry* entry = nullptr;
        for (std::size_t ordinal = 0;; ++ordinal) {
            const int status = archive_read_next_header(handle.get(), &entry);
            if (status == ARCHIVE_EOF) return;
            if (status < ARCHIVE_WARN)
                throw FetchError(image_name_ + ": reading " + path_ + " (entry " + std::to_string(ordinal + 1) +
                                 "): " + error_text(handle.get()));
            if (ordinal >= max_archive_entries)
                throw FetchError(image_name_ + ": " + path_ + " has more than " + std::to_string(max_archive_entries) +
                                 " entries, assuming that is unreasonable");
            const char* raw_name = archive_entry_pathname(entry);
            const std::string name = normalized_entry_name(raw_name ? raw_name : "");
            if (is_unsafe_entry_name(raw_name ? raw_name : ""))
                throw FetchError(image_name_ + ": " + path_ + " has an entry named \"" + std::string(raw_name) +
                                 "\", which would be written outside the layout");
            EntryInfo info;
            info.ordinal = ordinal;
            info.regular = archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
            const la_int64_t size = archive_entry_size(entry);
            info.size = size < 0 ? 0 : static_cast<std::uint64_t>(size);
            if (!step(handle.get(), name, ordinal, info)) return;
        }
    }

    void index_entries() {
        walk([&](struct archive*, const std::string& name, std::size_t, const EntryInfo& info) {
            if (!name.empty()) entries_[name] = info;
            return true;
        });
    }

    std::string read_data(struct archive* handle, std::uint64_t size, const std::string& where) const {
        std::string bytes;
        bytes.reserve(static_cast<std::size_t>(size));
        char block[read_block_bytes];
        for (;;) {
            const la_ssize_t count = archive_read_data(handle, block, sizeof block);
            if (count == 0) break;
            if (count < 0) throw FetchError(image_name_ + ": reading " + where + ": " + error_text(handle));
            if (bytes.size() + static_cast<std::size_t>(count) > size)
                throw FetchError(image_name_ + ": " + where + " holds more data than its declared size");
            bytes.append(block, static_cast<std::size_t>(count));
        }
        if (bytes.size() != size) throw FetchError(image_name_ + ": " + where + " is truncated");
        return bytes;
    }

    std::string path_;
    std::string image_name_;
    std::map<std::string, EntryInfo> entries_;  // normalized name → its last entry
};

}  // namespace

std::unique_ptr<LayoutFiles> open_layout_archive(const std::string& path, const std::string& image_name) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        if (errno == ENOENT) throw NotFoundError(image_name + ": archive file not found: \"" + path + "\"");
        throw FetchError(image_name + ": " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(status.st_mode)) throw FetchError(image_name + ": " + path + " is not a regular file");
    return std::make_unique<ArchiveLayoutFiles>(path, image_name);
}

}  // namespace imgtrust::image
