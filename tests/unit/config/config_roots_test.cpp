// containers/storage pkg/configfile's search rules, as tables after its
// parse_test.go (Test_getDropInPathsUnderMain, Test_Read): drop-in directory
// order for rootful and rootless users, masking, name order, suffixes, links.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/config_roots.hpp"
#include "imgtrust/errors.hpp"

using namespace imgtrust;
using namespace imgtrust::config;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
    fs::path path;
    TempRoot() {
        std::string pattern = (fs::temp_directory_path() / "config-roots-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~TempRoot() {
        std::error_code ignored;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::remove_all(path, ignored);
    }
    TempRoot(const TempRoot&) = delete;
    TempRoot& operator=(const TempRoot&) = delete;
    std::string write(const std::string& relative, const std::string& contents = "x") const {
        const fs::path file = path / relative;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << contents;
        return file.string();
    }
    std::string str() const { return path.string(); }
    // Roots laid out as configfile's tests do: home, etc and usr under one temporary root.
    ConfigRoots roots(long uid) const {
        ConfigRoots roots;
        roots.user_dir = str() + "/home/.config/containers";
        roots.admin_dir = str() + "/etc/containers";
        roots.vendor_dir = str() + "/usr/share/containers";
        roots.docker_certs_dir = str() + "/etc/docker/certs.d";
        roots.uid = uid;
        return roots;
    }
};

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = getenv(name)) saved_ = std::string(old);
        if (value) setenv(name, value, 1); else unsetenv(name);
    }
    ~ScopedEnv() {
        if (saved_) setenv(name_, saved_->c_str(), 1); else unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("drop_in_directories: user, then admin and vendor with the rootful or rootless directories", "[configfile]") {
    ConfigRoots roots;
    roots.user_dir = "/home/u/.config/containers";
    struct Row {
        const char* name;
        long uid;
        std::vector<std::string> want;
    };
    const std::vector<Row> rows{
        {"registries, rootful", 0,
         {"/home/u/.config/containers/registries.d", "/etc/containers/registries.rootful.d", "/etc/containers/registries.d",
          "/usr/share/containers/registries.rootful.d", "/usr/share/containers/registries.d"}},
        {"registries, rootless uid 99", 99,
         {"/home/u/.config/containers/registries.d", "/etc/containers/registries.rootless.d/99",
          "/etc/containers/registries.rootless.d", "/etc/containers/registries.d",
          "/usr/share/containers/registries.rootless.d/99", "/usr/share/containers/registries.rootless.d",
          "/usr/share/containers/registries.d"}},
        {"registries, uid -1 (no special directories)", -1,
         {"/home/u/.config/containers/registries.d", "/etc/containers/registries.d", "/usr/share/containers/registries.d"}},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        roots.uid = row.uid;
        CHECK(drop_in_directories(roots, "registries") == row.want);
    }
    roots.uid = 1000;
    CHECK(drop_in_directories(roots, "certs") ==
          std::vector<std::string>{"/home/u/.config/containers/certs.d", "/etc/containers/certs.rootless.d/1000",
                                   "/etc/containers/certs.rootless.d", "/etc/containers/certs.d",
                                   "/usr/share/containers/certs.rootless.d/1000", "/usr/share/containers/certs.rootless.d",
                                   "/usr/share/containers/certs.d"});
    roots.user_dir.clear();  // no home directory: no per-user directory
    CHECK(drop_in_directories(roots, "certs").front() == "/etc/containers/certs.rootless.d/1000");
}

TEST_CASE("main_file_candidates: user, admin, vendor", "[configfile]") {
    ConfigRoots roots;
    roots.user_dir = "/x/containers";
    CHECK(main_file_candidates(roots, "policy.json") ==
          std::vector<std::string>{"/x/containers/policy.json", "/etc/containers/policy.json",
                                   "/usr/share/containers/policy.json"});
    roots.user_dir.clear();
    CHECK(main_file_candidates(roots, "policy.json") ==
          std::vector<std::string>{"/etc/containers/policy.json", "/usr/share/containers/policy.json"});
}

TEST_CASE("drop_in_files: masking, name order, suffix, links, rootless and rootful", "[configfile]") {
    struct Row {
        const char* name;
        long uid;
        std::map<std::string, std::string> files;  // path under the root -> contents
        std::vector<std::string> want;             // contents, in the order returned
    };
    const std::vector<Row> rows{
        {"no files", 0, {}, {}},
        {"single drop-in", 0, {{"usr/share/containers/registries.d/10-a.yaml", "usr"}}, {"usr"}},
        {"name order across directories", 0,
         {{"usr/share/containers/registries.d/20-b.yaml", "2"}, {"usr/share/containers/registries.d/40-d.yaml", "4"},
          {"etc/containers/registries.d/10-a.yaml", "1"}, {"home/.config/containers/registries.d/30-c.yaml", "3"}},
         {"1", "2", "3", "4"}},
        {"etc masks usr of the same name", 0,
         {{"usr/share/containers/registries.d/10-s.yaml", "usr"}, {"usr/share/containers/registries.d/20-s.yaml", "usr-2"},
          {"etc/containers/registries.d/10-s.yaml", "etc"}},
         {"etc", "usr-2"}},
        {"user masks etc of the same name", 0,
         {{"etc/containers/registries.d/10-s.yaml", "etc"}, {"home/.config/containers/registries.d/10-s.yaml", "user"}},
         {"user"}},
        {"rootful masks the common directory of the same root", 0,
         {{"etc/containers/registries.d/10-s.yaml", "common"}, {"etc/containers/registries.rootful.d/10-s.yaml", "rootful"}},
         {"rootful"}},
        {"other suffixes are ignored", 0,
         {{"usr/share/containers/registries.d/10-valid.yaml", "valid"}, {"usr/share/containers/registries.d/README.md", "no"},
          {"usr/share/containers/registries.d/backup.yaml~", "no"}, {"usr/share/containers/registries.d/x.yml", "no"}},
         {"valid"}},
        {"rootless reads rootless, not rootful", 1000,
         {{"usr/share/containers/registries.d/01-global.yaml", "global"},
          {"usr/share/containers/registries.rootless.d/02-user.yaml", "rootless"},
          {"usr/share/containers/registries.rootful.d/02-root.yaml", "rootful"}},
         {"global", "rootless"}},
        {"rootful reads rootful, not rootless", 0,
         {{"usr/share/containers/registries.rootless.d/02-user.yaml", "rootless"},
          {"usr/share/containers/registries.rootful.d/02-root.yaml", "rootful"}},
         {"rootful"}},
        {"rootless: only its own uid directory, which masks the shared one", 1000,
         {{"etc/containers/registries.rootless.d/1000/s.yaml", "uid-1000"},
          {"etc/containers/registries.rootless.d/99/s.yaml", "uid-99"},
          {"etc/containers/registries.rootless.d/s.yaml", "shared"}},
         {"uid-1000"}},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        TempRoot root;
        for (const auto& [path, contents] : row.files) root.write(path, contents);
        std::vector<std::string> got;
        for (const auto& file : drop_in_files(drop_in_directories(root.roots(row.uid), "registries"), ".yaml")) {
            std::ifstream in(file, std::ios::binary);
            got.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        CHECK(got == row.want);
    }
}

TEST_CASE("drop_in_files: a linked file is read, a directory named *.yaml is not, an unlistable directory fails",
          "[configfile]") {
    TempRoot root;
    const std::string target = root.write("elsewhere/real.yaml", "linked");
    fs::create_directories(root.path / "etc/containers/registries.d/sub.yaml");
    fs::create_symlink(target, root.path / "etc/containers/registries.d/10-link.yaml");
    const auto files = drop_in_files(drop_in_directories(root.roots(0), "registries"), ".yaml");
    CHECK(files == std::vector<std::string>{root.str() + "/etc/containers/registries.d/10-link.yaml"});

    root.write("usr/share/containers/registries.d", "a file, not a directory");
    CHECK_THROWS_WITH(drop_in_files(drop_in_directories(root.roots(0), "registries"), ".yaml"),
                      Catch::Contains(root.str() + "/usr/share/containers/registries.d"));
    if (geteuid() != 0) {
        TempRoot closed;
        closed.write("etc/containers/registries.d/a.yaml");
        fs::permissions(closed.path / "etc/containers/registries.d", fs::perms::none);
        CHECK_THROWS_AS(drop_in_files(drop_in_directories(closed.roots(0), "registries"), ".yaml"), ConfigError);
        fs::permissions(closed.path / "etc/containers/registries.d", fs::perms::owner_all);
    }
}

TEST_CASE("config_roots_from_environment: XDG_CONFIG_HOME, HOME, IMGTRUST_CONFIG_ROOT, _CONTAINERS_ROOTLESS_UID",
          "[configfile]") {
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", "/xdg/"), root("IMGTRUST_CONFIG_ROOT", "/tmp/r"), uid("_CONTAINERS_ROOTLESS_UID", "42");
        const ConfigRoots roots = config_roots_from_environment();
        CHECK(roots.user_dir == "/xdg/containers");
        CHECK(roots.admin_dir == "/tmp/r/etc/containers");
        CHECK(roots.vendor_dir == "/tmp/r/usr/share/containers");
        CHECK(roots.docker_certs_dir == "/tmp/r/etc/docker/certs.d");
        CHECK(roots.uid == 42);
    }
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", nullptr), home("HOME", "/h"), root("IMGTRUST_CONFIG_ROOT", nullptr),
            uid("_CONTAINERS_ROOTLESS_UID", "not-a-number");
        const ConfigRoots roots = config_roots_from_environment();
        CHECK(roots.user_dir == "/h/.config/containers");
        CHECK(roots.admin_dir == "/etc/containers");
        CHECK(roots.vendor_dir == "/usr/share/containers");
        CHECK(roots.uid == 0);  // Go's Atoi error is ignored: 0, rootful
    }
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", ""), uid("_CONTAINERS_ROOTLESS_UID", "");
        const ConfigRoots roots = config_roots_from_environment();
        CHECK(roots.user_dir == "containers");  // set but empty: filepath.Join("", "containers"), as c/image
        CHECK(roots.uid == static_cast<long>(getuid()));
    }
}

TEST_CASE("config_path_exists: only ENOENT is missing", "[configfile]") {
    TempRoot root;
    CHECK(config_path_exists(root.write("f")));
    CHECK_FALSE(config_path_exists(root.str() + "/missing"));
    fs::create_symlink(root.str() + "/missing", root.path / "dangling");
    CHECK_FALSE(config_path_exists(root.str() + "/dangling"));
    CHECK_THROWS_AS(config_path_exists(root.str() + "/f/below-a-file"), ConfigError);  // ENOTDIR
}
