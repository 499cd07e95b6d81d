// Policy file resolution (as skopeo) and loading.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "policy/policy_file.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "imgtrust-policy-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path write(const std::string& relative, const std::string& contents) const {
        fs::path file = path / relative;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << contents;
        return file;
    }
};

const std::string reject_policy = R"({"default": [{"type": "reject"}]})";

}  // namespace

TEST_CASE("resolve_policy_path: --policy, else the user file if it exists, else the system file") {
    TempDir home, system;
    std::string system_file = (system.path / "policy.json").string();
    CHECK(imgtrust::policy::resolve_policy_path_in(std::string("/given.json"), home.path, system_file) == "/given.json");

    try {
        imgtrust::policy::resolve_policy_path_in(std::nullopt, home.path, system_file);
        FAIL("resolved a policy path although no file exists");
    } catch (const imgtrust::ConfigError& e) {
        CHECK_THAT(e.what(), Catch::Contains((home.path / ".config/containers/policy.json").string()) &&
                                 Catch::Contains(system_file));
    }
    system.write("policy.json", reject_policy);
    CHECK(imgtrust::policy::resolve_policy_path_in(std::nullopt, home.path, system_file) == system_file);
    auto user_file = home.write(".config/containers/policy.json", reject_policy);
    CHECK(imgtrust::policy::resolve_policy_path_in(std::nullopt, home.path, system_file) == user_file.string());
    CHECK(imgtrust::policy::resolve_policy_path_in(std::string(), home.path, system_file) == user_file.string());
}

TEST_CASE("resolve_policy_path uses $HOME") {
    TempDir home;
    auto user_file = home.write(".config/containers/policy.json", reject_policy);
    const char* saved = getenv("HOME");
    std::string saved_home = saved ? saved : "";
    setenv("HOME", home.path.c_str(), 1);
    std::string resolved = imgtrust::resolve_policy_path(std::nullopt);
    if (saved) setenv("HOME", saved_home.c_str(), 1); else unsetenv("HOME");
    CHECK(resolved == user_file.string());
}

TEST_CASE("load_policy_file: missing, directory and oversize files are ConfigErrors; bad contents PolicyFormatErrors") {
    TempDir dir;
    CHECK_THROWS_AS(imgtrust::load_policy_file((dir.path / "absent.json").string()), imgtrust::ConfigError);
    CHECK_THROWS_AS(imgtrust::load_policy_file(dir.path.string()), imgtrust::ConfigError);
    auto huge = dir.write("huge.json", std::string(4 * 1024 * 1024 + 1, ' '));
    CHECK_THROWS_AS(imgtrust::load_policy_file(huge.string()), imgtrust::ConfigError);

    auto bad = dir.write("bad.json", R"({"default": [{"type": "reject", "x": 1}]})");
    try {
        imgtrust::load_policy_file(bad.string());
        FAIL("accepted an invalid policy");
    } catch (const imgtrust::PolicyFormatError& e) {
        CHECK(e.location() == "default[0].x");
        CHECK_THAT(e.bare_message(), Catch::Contains("unknown key \"x\"") && Catch::Contains(bad.string()));
    }

    auto good = dir.write("good.json", reject_policy);
    auto policy = imgtrust::load_policy_file(good.string());
    CHECK(policy.source == good.string());
    CHECK(policy.default_requirements.size() == 1);
}

TEST_CASE("insecure_accept_anything_policy accepts anything by default and has no scopes") {
    auto policy = imgtrust::insecure_accept_anything_policy();
    REQUIRE(policy.default_requirements.size() == 1);
    CHECK(std::holds_alternative<imgtrust::InsecureAcceptAnythingRequirement>(policy.default_requirements[0].value));
    CHECK(policy.transports.empty());
}
