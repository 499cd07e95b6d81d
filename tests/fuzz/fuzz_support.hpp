// Helpers shared by the libFuzzer harnesses of tests/fuzz (one harness per
// parser of outside bytes). Contract of every harness: expected rejections are
// the library's typed errors (see ignore_rejection) and are caught;
// anything else (another exception, a sanitizer report, a crash, a hang) is a
// finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <unistd.h>

#include "imgtrust/errors.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Runs `call`; the library's typed rejections (imgtrust::Error and its
// subclasses, signature::SignatureRejected) are expected outcomes of bad input.
template <typename Call>
void ignore_rejection(Call&& call) {
    try {
        call();
    } catch (const imgtrust::Error&) {
    } catch (const imgtrust::signature::SignatureRejected&) {
    }
}

// A file of tests/fixtures (the path is compiled in by tests/fuzz/meson.build).
// Aborts when it is missing: a harness without its fixed inputs tests nothing.
inline std::string read_fixture(const std::string& relative_path) {
    std::ifstream in(std::string(IMGTRUST_FUZZ_FIXTURES) + "/" + relative_path, std::ios::binary);
    if (!in) std::abort();
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A directory private to this process, created once, removed at exit.
inline const std::filesystem::path& private_directory() {
    static const std::filesystem::path directory = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "imgtrust-fuzz.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        std::atexit([] { std::error_code ignored; std::filesystem::remove_all(private_directory(), ignored); });
        return std::filesystem::path(pattern);
    }();
    return directory;
}

// Replaces `path` with exactly these bytes.
inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
}

}  // namespace imgtrust::fuzz
