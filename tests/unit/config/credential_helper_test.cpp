// credentials_from_helper with helpers that misbehave: never exit, write too
// much, answer deeply nested JSON, are missing. Each must end in a typed error
// with the helper killed and reaped.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <thread>

#include "config/auth_file.hpp"
#include "imgtrust/errors.hpp"
#include "registry/scratch_dir.hpp"

using namespace imgtrust;
using namespace imgtrust::config;

namespace {

// A directory of docker-credential-* scripts, first on PATH for the test.
struct HelperDirectory {
    ScratchDir directory;
    ScopedEnv path{"PATH", directory.file("bin") + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")};

    void add(const std::string& name, const std::string& script) {
        const std::string file = directory.write("bin/docker-credential-" + name, "#!/bin/sh\n" + script);
        ::chmod(file.c_str(), 0755);
    }
    std::string file(const std::string& relative) const { return directory.file(relative); }
};

std::chrono::steady_clock::time_point in(std::chrono::milliseconds delay) { return std::chrono::steady_clock::now() + delay; }

pid_t read_pid(const std::string& file) {
    std::ifstream in(file);
    pid_t pid = -1;
    in >> pid;
    return pid;
}

}  // namespace

TEST_CASE("credential helper: a helper that never exits is killed and reaped at the deadline", "[credential-helper]") {
    HelperDirectory helpers;
    helpers.add("hang", "echo $$ > '" + helpers.file("hang.pid") + "'\nexec sleep 1000\n");
    CHECK_THROWS_AS(credentials_from_helper("hang", "registry.example", in(std::chrono::milliseconds(500))), FetchError);
    const pid_t pid = read_pid(helpers.file("hang.pid"));
    REQUIRE(pid > 0);
    CHECK(::kill(pid, 0) == -1);  // reaped: not even a zombie is left
    CHECK(errno == ESRCH);

    // Output written, then no exit: the same.
    helpers.add("silent", "printf '{\"Username\":\"u\",\"Secret\":\"s\"}'\nexec sleep 1000\n");
    CHECK_THROWS_WITH(credentials_from_helper("silent", "registry.example", in(std::chrono::milliseconds(500))),
                      Catch::Contains("docker-credential-silent") && Catch::Contains("killed"));
}

TEST_CASE("credential helper: output is bounded to 64 KiB", "[credential-helper]") {
    HelperDirectory helpers;
    helpers.add("flood", "exec yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    CHECK_THROWS_WITH(credentials_from_helper("flood", "registry.example", in(std::chrono::seconds(20))),
                      Catch::Contains("wrote more than 65536 bytes"));
}

TEST_CASE("credential helper: deeply nested JSON is invalid JSON, not a crash", "[credential-helper]") {
    HelperDirectory helpers;
    helpers.add("deep", "head -c 32000 /dev/zero | tr '\\0' '['\nhead -c 32000 /dev/zero | tr '\\0' ']'\n");
    std::string error;
    std::thread worker([&] {
        try {
            credentials_from_helper("deep", "registry.example");
        } catch (const ConfigError& caught) {
            error = caught.what();
        }
    });
    worker.join();
    CHECK_THAT(error, Catch::Contains("returned invalid JSON"));
}

TEST_CASE("credential helper: the answer, the input, and a helper that cannot run", "[credential-helper]") {
    HelperDirectory helpers;
    helpers.add("echo", "read server\nprintf '{\"Username\":\"user-%s\",\"Secret\":\"s\"}' \"$server\"\n");
    const auto found = credentials_from_helper("echo", "registry.example");
    REQUIRE(found);
    CHECK(found->username == "user-registry.example");
    CHECK(found->password == "s");
    CHECK_THROWS_WITH(credentials_from_helper("absent-imgtrust-test", "registry.example"),
                      Catch::Contains("docker-credential-absent-imgtrust-test could not be run"));
    helpers.add("killed", "kill -9 $$\n");
    CHECK_THROWS_AS(credentials_from_helper("killed", "registry.example"), ConfigError);
}
