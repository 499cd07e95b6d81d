#include "util/home_directory.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace imgtrust::util {
namespace {

// The password database's home for the real user id, "" if there is none.
std::string password_database_home() {
    const long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
    constexpr std::size_t max_buffer_bytes = 1024 * 1024;
    for (;;) {
        passwd entry{};
        passwd* result = nullptr;
        const int error = getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &result);
        if (error == ERANGE && buffer.size() < max_buffer_bytes) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (error != 0 || result == nullptr || result->pw_dir == nullptr) return "";
        return result->pw_dir;
    }
}

}  // namespace

std::string home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    return password_database_home();
}

}  // namespace imgtrust::util
