// Policy file discovery (as c/image v5.40) and loading.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

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

namespace {

imgtrust::config::ConfigRoots temp_roots(const TempDir& root) {
    imgtrust::config::ConfigRoots roots;
    roots.user_dir = (root.path / "xdg/containers").string();
    roots.admin_dir = (root.path / "etc/containers").string();
    roots.vendor_dir = (root.path / "usr/share/containers").string();
    return roots;
}

}  // namespace

// c/image v5.40 DefaultPolicy through configfile.Read (Name "policy", Extension
// "json", EnvironmentName CONTAINERS_POLICY_JSON, no drop-ins); rows after
// configfile's Test_Read, in a temporary root.
TEST_CASE("locate_policy_file: --policy, CONTAINERS_POLICY_JSON, user, admin, vendor", "[policy-file]") {
    struct Row {
        const char* name;
        std::vector<std::string> files;  // under the root
        const char* explicit_path;       // --policy, relative to the root, or nullptr
        const char* environment;         // CONTAINERS_POLICY_JSON, relative to the root, or nullptr
        const char* want;                // relative to the root; nullptr: ConfigError
        const char* reason;              // part of the reason, or of the error
    };
    const std::vector<Row> rows{
        {"vendor only", {"usr/share/containers/policy.json"}, nullptr, nullptr, "usr/share/containers/policy.json",
         "the vendor policy file; not found: "},
        {"admin overrides vendor", {"usr/share/containers/policy.json", "etc/containers/policy.json"}, nullptr, nullptr,
         "etc/containers/policy.json", "the admin policy file"},
        {"user overrides admin and vendor",
         {"usr/share/containers/policy.json", "etc/containers/policy.json", "xdg/containers/policy.json"}, nullptr, nullptr,
         "xdg/containers/policy.json", "the per-user policy file"},
        {"drop-ins are not policies", {"usr/share/containers/policy.json.d/10-extra.json"}, nullptr, nullptr, nullptr,
         "no policy.json file found; searched paths: ["},
        {"the variable overrides every file", {"etc/containers/policy.json", "env-policy"}, nullptr, "env-policy",
         "env-policy", "named by CONTAINERS_POLICY_JSON"},
        {"the variable naming a missing file is an error, no fallback", {"etc/containers/policy.json"}, nullptr,
         "missing.json", nullptr, "no such file or directory (named by CONTAINERS_POLICY_JSON)"},
        {"an empty variable is unset", {"etc/containers/policy.json"}, nullptr, "", "etc/containers/policy.json",
         "the admin policy file"},
        {"--policy wins over the variable", {"given.json", "env-policy"}, "given.json", "env-policy", "given.json",
         "given by --policy"},
        {"nothing anywhere", {}, nullptr, nullptr, nullptr, "config file not found: no policy.json file found"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        TempDir root;
        for (const auto& file : row.files) root.write(file, reject_policy);
        const auto under_root = [&](const char* relative) { return (root.path / relative).string(); };
        std::optional<std::string> explicit_path;
        if (row.explicit_path) explicit_path = under_root(row.explicit_path);
        const std::string environment =
            row.environment == nullptr ? "" : (*row.environment ? under_root(row.environment) : std::string());
        const char* environment_value = row.environment == nullptr ? nullptr : environment.c_str();
        if (!row.want) {
            CHECK_THROWS_WITH(imgtrust::policy::locate_policy_file_in(explicit_path, temp_roots(root), environment_value),
                              Catch::Contains(row.reason));
            continue;
        }
        const auto location = imgtrust::policy::locate_policy_file_in(explicit_path, temp_roots(root), environment_value);
        CHECK(location.path == under_root(row.want));
        CHECK_THAT(location.reason, Catch::Contains(row.reason));
    }
}

TEST_CASE("locate_policy_file: the not-found error lists every path searched, in order", "[policy-file]") {
    TempDir root;
    const auto roots = temp_roots(root);
    try {
        imgtrust::policy::locate_policy_file_in(std::nullopt, roots, nullptr);
        FAIL("found a policy in an empty root");
    } catch (const imgtrust::ConfigError& e) {
        CHECK(std::string(e.what()) == "config file not found: no policy.json file found; searched paths: [\"" +
                                           roots.user_dir + "/policy.json\" \"" + roots.admin_dir + "/policy.json\" \"" +
                                           roots.vendor_dir + "/policy.json\"]");
    }
    // An existing but unusable candidate stops the search (c/image reports it, it does not fall through).
    root.write("xdg", "a file where a directory is expected");
    root.write("etc/containers/policy.json", reject_policy);
    CHECK_THROWS_WITH(imgtrust::policy::locate_policy_file_in(std::nullopt, roots, nullptr),
                      Catch::Contains(roots.user_dir + "/policy.json"));
}

TEST_CASE("locate_policy_file uses the environment: XDG_CONFIG_HOME, IMGTRUST_CONFIG_ROOT, CONTAINERS_POLICY_JSON",
          "[policy-file]") {
    TempDir root, xdg;
    auto admin_file = root.write("etc/containers/policy.json", reject_policy);
    struct Saved {
        std::string name;
        std::optional<std::string> value;
    };
    std::vector<Saved> saved;
    auto set = [&](const char* name, const std::optional<std::string>& value) {
        const char* old = getenv(name);
        saved.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
        if (value) setenv(name, value->c_str(), 1); else unsetenv(name);
    };
    set("XDG_CONFIG_HOME", xdg.path.string());
    set("IMGTRUST_CONFIG_ROOT", root.path.string());
    set("CONTAINERS_POLICY_JSON", std::nullopt);
    const auto from_admin = imgtrust::locate_policy_file(std::nullopt);
    auto user_file = xdg.write("containers/policy.json", reject_policy);
    const auto from_user = imgtrust::locate_policy_file(std::nullopt);
    auto env_file = root.write("other.json", reject_policy);
    set("CONTAINERS_POLICY_JSON", env_file.string());
    const auto from_env = imgtrust::resolve_policy_path(std::nullopt);
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
        if (it->value) setenv(it->name.c_str(), it->value->c_str(), 1); else unsetenv(it->name.c_str());
    }
    CHECK(from_admin.path == admin_file.string());
    CHECK(from_user.path == user_file.string());
    CHECK(from_env == env_file.string());
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
