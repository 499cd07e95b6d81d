#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/auth_file.hpp"
#include "imgtrust/errors.hpp"
#include "registry/scratch_dir.hpp"
#include "util/bytes.hpp"

using namespace imgtrust;
using namespace imgtrust::config;

namespace {

std::string auth_entry(const std::string& user, const std::string& password) {
    return R"({"auth":")" + util::base64_encode(user + ":" + password) + R"("})";
}

// A home directory with no auth files anywhere, and every lookup variable pointing into it.
struct AuthHome {
    ScratchDir home;
    ScopedEnv home_env{"HOME", home.path()};
    ScopedEnv runtime_env{"XDG_RUNTIME_DIR", home.file("run")};
    ScopedEnv config_env{"XDG_CONFIG_HOME", std::nullopt};
    ScopedEnv docker_env{"DOCKER_CONFIG", std::nullopt};
    ScopedEnv registry_env{"REGISTRY_AUTH_FILE", std::nullopt};
    AuthHome() { std::filesystem::create_directories(home.file("run")); }

    std::string runtime_file() const { return home.file("run/containers/auth.json"); }
    std::string config_file() const { return home.file(".config/containers/auth.json"); }
    std::string docker_file() const { return home.file(".docker/config.json"); }
};

SystemContext with_creds() {
    SystemContext context;
    return context;
}

std::string user_for(const std::string& name, const SystemContext& context = with_creds()) {
    const auto found = find_credentials(context, name);
    return found.credentials ? found.credentials->username : "<none>";
}

}  // namespace

TEST_CASE("auth: search paths follow c/image's order", "[auth]") {
    AuthHome env;
    const auto paths = auth_file_search_paths(std::nullopt);
    REQUIRE(paths.size() == 4);
    CHECK(paths[0].path == env.runtime_file());
    CHECK(paths[1].path == env.config_file());
    CHECK(paths[2].path == env.docker_file());
    CHECK(paths[3].path == env.home.file(".dockercfg"));
    CHECK(paths[3].legacy_format);

    {
        ScopedEnv config_home("XDG_CONFIG_HOME", env.home.file("xdg"));
        ScopedEnv docker_config("DOCKER_CONFIG", env.home.file("dockerdir"));
        const auto moved = auth_file_search_paths(std::nullopt);
        CHECK(moved[1].path == env.home.file("xdg/containers/auth.json"));
        CHECK(moved[2].path == env.home.file("dockerdir/config.json"));
    }
    {
        ScopedEnv missing_runtime("XDG_RUNTIME_DIR", env.home.file("no-such-dir"));
        CHECK(auth_file_search_paths(std::nullopt).size() == 3);
    }
    {
        ScopedEnv registry_auth("REGISTRY_AUTH_FILE", "/tmp/from-env.json");
        const auto only = auth_file_search_paths(std::nullopt);
        REQUIRE(only.size() == 1);
        CHECK(only[0].path == "/tmp/from-env.json");
        const auto explicit_file = auth_file_search_paths(std::string("/tmp/explicit.json"));
        REQUIRE(explicit_file.size() == 1);
        CHECK(explicit_file[0].path == "/tmp/explicit.json");
    }
}

TEST_CASE("auth: entries match from most to least specific", "[auth]") {
    AuthHome env;
    env.home.write("run/containers/auth.json", R"({"auths":{
        "reg.example:5000": )" + auth_entry("host-user", "p") + R"(,
        "reg.example:5000/team": )" + auth_entry("team-user", "p") + R"(,
        "reg.example:5000/team/app": )" + auth_entry("app-user", "p:with:colons") + R"(
    }})");
    CHECK(user_for("reg.example:5000/team/app") == "app-user");
    CHECK(find_credentials(SystemContext{}, "reg.example:5000/team/app").credentials->password == "p:with:colons");
    CHECK(user_for("reg.example:5000/team/other") == "team-user");
    CHECK(user_for("reg.example:5000/solo") == "host-user");
    CHECK(user_for("reg.example/team/app") == "<none>");
    const auto found = find_credentials(SystemContext{}, "reg.example:5000/team/app");
    CHECK(found.source == "file " + env.runtime_file());
}

TEST_CASE("auth: docker login keys are normalised", "[auth]") {
    AuthHome env;
    env.home.write(".docker/config.json", R"({"auths":{
        "https://index.docker.io/v1/": )" + auth_entry("hub-user", "p") + R"(,
        "http://old.example:5000/v2/": )" + auth_entry("old-user", "p") + R"(
    }})");
    CHECK(user_for("docker.io/library/busybox") == "hub-user");
    CHECK(user_for("old.example:5000/some/repo") == "old-user");
}

TEST_CASE("auth: the first file with credentials wins; --creds and --no-creds override", "[auth]") {
    AuthHome env;
    env.home.write(".config/containers/auth.json", R"({"auths":{"reg.example": )" + auth_entry("config-user", "p") + "}}");
    env.home.write(".docker/config.json", R"({"auths":{"reg.example/team/app": )" + auth_entry("docker-user", "p") + "}}");
    CHECK(user_for("reg.example/team/app") == "config-user");  // less specific, but in an earlier file
    env.home.write("run/containers/auth.json", R"({"auths":{"other.example": )" + auth_entry("x", "p") + "}}");
    CHECK(user_for("reg.example/team/app") == "config-user");

    SystemContext creds;
    creds.username = "cli-user";
    creds.password = "cli-pass";
    CHECK(user_for("reg.example/team/app", creds) == "cli-user");
    CHECK(find_credentials(creds, "reg.example/x").source == "--creds");
    SystemContext anonymous;
    anonymous.no_creds = true;
    CHECK_FALSE(find_credentials(anonymous, "reg.example/team/app").credentials.has_value());

    SystemContext explicit_file;
    explicit_file.auth_file = env.docker_file();  // only that file is read
    CHECK(user_for("reg.example/team/app", explicit_file) == "docker-user");
    CHECK(user_for("reg.example/elsewhere", explicit_file) == "<none>");
}

TEST_CASE("auth: odd entries and malformed files", "[auth]") {
    AuthHome env;
    env.home.write("run/containers/auth.json", R"({"auths":{"reg.example": {"auth":")" + util::base64_encode("no-colon") + R"("}}})");
    env.home.write(".docker/config.json", R"({"auths":{"reg.example": )" + auth_entry("fallback", "p") + "}}");
    CHECK(user_for("reg.example/app") == "fallback");  // an entry without ':' is skipped, as docker does

    env.home.write("run/containers/auth.json", R"({"auths":{"tok.example": {"auth":")" + util::base64_encode("u:p") +
                                                   R"(","identitytoken":"refresh-me"}}})");
    CHECK(find_credentials(SystemContext{}, "tok.example/app").credentials->identity_token == "refresh-me");

    env.home.write(".dockercfg", R"({"https://legacy.example/v1/": )" + auth_entry("legacy-user", "p") + "}");
    CHECK(user_for("legacy.example/app") == "legacy-user");

    env.home.write("run/containers/auth.json", "{ not json");
    CHECK_THROWS_AS(find_credentials(SystemContext{}, "reg.example/app"), ConfigError);
    CHECK_THROWS_WITH(find_credentials(SystemContext{}, "reg.example/app"), Catch::Contains(env.runtime_file()));
    env.home.write("run/containers/auth.json", R"({"auths":{"reg.example":{"auth":5}}})");
    CHECK_THROWS_WITH(find_credentials(SystemContext{}, "reg.example/app"), Catch::Contains(env.runtime_file()));
    env.home.write("run/containers/auth.json", R"({"auths":{"reg.example":{"auth":"***"}}})");
    CHECK_THROWS_AS(find_credentials(SystemContext{}, "reg.example/app"), ConfigError);
}

TEST_CASE("auth: credHelpers run docker-credential-<name> before auths", "[auth]") {
    AuthHome env;
    const std::string helper = env.home.write("bin/docker-credential-test", R"(#!/bin/sh
read server
case "$server" in
  helper.example) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"identity"}' "$server" ;;
  broken.example) echo "keychain locked"; exit 1 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)");
    ::chmod(helper.c_str(), 0755);
    const char* old_path = std::getenv("PATH");
    ScopedEnv path("PATH", env.home.file("bin") + ":" + (old_path ? old_path : "/usr/bin:/bin"));
    env.home.write("run/containers/auth.json", R"({"credHelpers":{"helper.example":"test","token.example":"test",
        "missing.example":"test","broken.example":"test","nohelper.example":"absent"},
        "auths":{"helper.example": )" + auth_entry("file-user", "p") + "}}");
    env.home.write(".docker/config.json", R"({"auths":{"missing.example": )" + auth_entry("docker-user", "p") + "}}");

    const auto found = find_credentials(SystemContext{}, "helper.example/team/app");
    REQUIRE(found.credentials);
    CHECK(found.credentials->username == "helper-user");
    CHECK(found.credentials->password == "helper-secret");
    CHECK_THAT(found.source, Catch::Contains("credential helper test"));
    const auto token = find_credentials(SystemContext{}, "token.example/app").credentials;
    REQUIRE(token);
    CHECK(token->identity_token == "identity");
    CHECK(token->username.empty());
    CHECK(user_for("missing.example/app") == "docker-user");  // helper says "not found": next file
    CHECK_THROWS_WITH(find_credentials(SystemContext{}, "broken.example/app"), Catch::Contains("keychain locked"));
    CHECK_THROWS_AS(find_credentials(SystemContext{}, "nohelper.example/app"), ConfigError);
}
