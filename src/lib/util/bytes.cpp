#include "util/bytes.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "imgtrust/errors.hpp"
#include "util/digest.hpp"

namespace imgtrust::util {

namespace {

// Closes the descriptor on every path out of read_file_bounded.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// What a non-regular file is, for the refusal message.
const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a plain file";
}

}  // namespace

// O_NONBLOCK makes open() return at once on a FIFO with no writer (it would
// otherwise block forever); fstat on the open descriptor then refuses anything
// but a regular file, with no window for the path to change in between.
}  // namespace imgtrust::util

namespace imgtrust {

using namespace util;  // the descriptor guard and file_kind above

std::optional<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes, const std::string& what) {
    const std::string reading = "reading " + what + " " + path + ": ";
    FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw FetchError(reading + std::strerror(errno));
    }
    struct stat status {};
    if (fstat(fd.get(), &status) != 0) throw FetchError(reading + std::strerror(errno));
    if (!S_ISREG(status.st_mode))
        throw FetchError(reading + "not a regular file (it is " + file_kind(status.st_mode) + ")");
    const std::string limit_message = what + " " + path + " exceeds the " + std::to_string(max_bytes) + "-byte limit";
    if (static_cast<std::uintmax_t>(status.st_size) > max_bytes) throw FetchError(limit_message);
    std::string data;
    std::vector<char> chunk(64 * 1024);
    for (;;) {
        const ssize_t n = read(fd.get(), chunk.data(), chunk.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw FetchError(reading + std::strerror(errno));
        }
        if (n == 0) break;
        data.append(chunk.data(), static_cast<std::size_t>(n));
        if (data.size() > max_bytes) throw FetchError(limit_message);  // the file grew while being read
    }
    return data;
}

}  // namespace imgtrust

namespace imgtrust::util {

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    if (text.empty()) return std::string();
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        bool padding = c == '=' && i >= text.size() - 2 && (i == text.size() - 1 || text.back() == '=');
        if (!alphabet && !padding) return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    std::size_t pad = text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) { return std::string(Digest::of(DigestAlgorithm::sha256, bytes).hex()); }

}  // namespace imgtrust::util
