// util::home_directory: $HOME first, then the password database (homedir.Get).
#include <catch2/catch.hpp>

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "util/home_directory.hpp"

using imgtrust::util::home_directory;

namespace {

// Restores HOME when a test case ends.
class SavedHome {
public:
    SavedHome() {
        if (const char* home = getenv("HOME")) saved_ = home;
    }
    ~SavedHome() {
        if (saved_) setenv("HOME", saved_->c_str(), 1);
        else unsetenv("HOME");
    }
    SavedHome(const SavedHome&) = delete;
    SavedHome& operator=(const SavedHome&) = delete;

private:
    std::optional<std::string> saved_;
};

std::string password_database_home() {
    const passwd* entry = getpwuid(getuid());  // single-threaded test: the reentrant form is the code under test
    return entry && entry->pw_dir ? entry->pw_dir : "";
}

}  // namespace

TEST_CASE("home_directory prefers a non-empty $HOME", "[home]") {
    SavedHome saved;
    setenv("HOME", "/srv/someone", 1);
    CHECK(home_directory() == "/srv/someone");
}

TEST_CASE("home_directory falls back to the password database when HOME is unset or empty", "[home]") {
    SavedHome saved;
    unsetenv("HOME");
    CHECK(home_directory() == password_database_home());
    setenv("HOME", "", 1);
    CHECK(home_directory() == password_database_home());
}
