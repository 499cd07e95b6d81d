// containers-registries.d(5) as c/image reads it (docker/registries_d.go and its tests).
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/registries_d.hpp"
#include "imgtrust/errors.hpp"
#include "reference/policy_scopes.hpp"
#include "util/home_directory.hpp"

using namespace imgtrust;
using namespace imgtrust::config;

namespace {

struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "registries-d-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    void write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories((path / name).parent_path());
        std::ofstream(path / name, std::ios::binary) << text;
    }
    std::string str() const { return path.string(); }
};

RegistriesDirectory load_text(const std::string& yaml) {
    ScratchDir dir;
    dir.write("config.yaml", yaml);
    return load_registries_d_from(dir.str());
}

DockerReference ref(const std::string& text) { return with_default_tag(parse_normalized_named(text)); }

std::string lookaside_for(const RegistriesDirectory& config, const std::string& image) {
    return signature_storage_for(config, ref(image)).lookaside.value_or("");
}

std::string default_lookaside() { return builtin_default_lookaside(static_cast<unsigned>(geteuid()), imgtrust::util::home_directory()); }

}  // namespace

namespace {

// Roots under one scratch directory, as c/image's tests use RootForImplicitAbsolutePaths and XDG_CONFIG_HOME.
ConfigRoots scratch_roots(const ScratchDir& root, long uid = 0) {
    ConfigRoots roots;
    roots.user_dir = root.str() + "/xdg/containers";
    roots.admin_dir = root.str() + "/etc/containers";
    roots.vendor_dir = root.str() + "/usr/share/containers";
    roots.docker_certs_dir = root.str() + "/etc/docker/certs.d";
    roots.uid = uid;
    return roots;
}

std::string lookaside_line(const std::string& scope, const std::string& lookaside) {
    return "docker:\n  " + scope + ":\n    lookaside: " + lookaside + "\n";
}

}  // namespace

// After c/image v5.40's TestLoadRegistryConfiguration (registries_d_test.go), own rows.
TEST_CASE("registries.d: drop-ins merged across the user, admin and vendor roots", "[registries.d]") {
    struct Row {
        const char* name;
        long uid;
        std::vector<std::pair<std::string, std::string>> files;  // path under the root -> contents
        std::map<std::string, std::string> want;                 // scope -> lookaside
        const char* error = nullptr;                             // expected message part, or none
    };
    const std::vector<Row> rows{
        {"admin masks vendor; registries.yaml is never read", 0,
         {{"usr/share/containers/registries.d/10-vendor.yaml", lookaside_line("example.com", "https://vendor")},
          {"etc/containers/registries.d/10-vendor.yaml", lookaside_line("example.com", "https://admin")},
          {"etc/containers/registries.yaml", lookaside_line("not.loaded", "https://wrong")}},
         {{"example.com", "https://admin"}}},
        {"user masks admin of the same name", 0,
         {{"etc/containers/registries.d/10-same.yaml", lookaside_line("example.com", "https://etc")},
          {"xdg/containers/registries.d/10-same.yaml", lookaside_line("example.com", "https://user")}},
         {{"example.com", "https://user"}}},
        {"distinct names in user and admin are both merged", 0,
         {{"etc/containers/registries.d/10-etc.yaml", lookaside_line("example.com", "https://etc")},
          {"xdg/containers/registries.d/20-user.yaml", lookaside_line("example.net", "https://user")}},
         {{"example.com", "https://etc"}, {"example.net", "https://user"}}},
        {"vendor-only configuration is read", 0,
         {{"usr/share/containers/registries.d/default.yaml", "default-docker:\n  lookaside: https://vendor-default\n"}},
         {}},
        {"rootful directory is read by root", 0,
         {{"etc/containers/registries.rootful.d/a.yaml", lookaside_line("example.com", "https://rootful")},
          {"etc/containers/registries.rootless.d/b.yaml", lookaside_line("example.org", "https://rootless")}},
         {{"example.com", "https://rootful"}}},
        {"rootless directories are read by uid 1000", 1000,
         {{"etc/containers/registries.rootful.d/a.yaml", lookaside_line("example.com", "https://rootful")},
          {"etc/containers/registries.rootless.d/b.yaml", lookaside_line("example.org", "https://rootless")},
          {"usr/share/containers/registries.rootless.d/1000/c.yaml", lookaside_line("example.net", "https://uid")}},
         {{"example.org", "https://rootless"}, {"example.net", "https://uid"}}},
        {"a scope in two files of different roots is an error naming both", 0,
         {{"etc/containers/registries.d/10-a.yaml", lookaside_line("example.com", "https://a")},
          {"usr/share/containers/registries.d/20-b.yaml", lookaside_line("example.com", "https://b")}},
         {},
         "\"docker\" namespace \"example.com\" defined both in"},
        {"default-docker in two files is an error naming both", 0,
         {{"xdg/containers/registries.d/10-a.yaml", "default-docker:\n  lookaside: https://a\n"},
          {"etc/containers/registries.d/20-b.yaml", "default-docker:\n  lookaside: https://b\n"}},
         {},
         "\"default-docker\" defined both in"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        ScratchDir root;
        for (const auto& [path, text] : row.files) root.write(path, text);
        if (row.error) {
            CHECK_THROWS_WITH(load_registries_d_in(std::nullopt, scratch_roots(root, row.uid)),
                              Catch::Contains(row.error) && Catch::Contains(root.str() + "/" + row.files[0].first) &&
                                  Catch::Contains(root.str() + "/" + row.files[1].first));
            continue;
        }
        const RegistriesDirectory config = load_registries_d_in(std::nullopt, scratch_roots(root, row.uid));
        CHECK(config.docker.size() == row.want.size());
        for (const auto& [scope, lookaside] : row.want) CHECK(config.docker.at(scope).lookaside == lookaside);
    }
}

TEST_CASE("registries.d: files are merged in name order across roots; --registries.d reads only its directory",
          "[registries.d]") {
    ScratchDir root, explicit_dir;
    root.write("usr/share/containers/registries.d/30-c.yaml", lookaside_line("c.example", "https://c"));
    root.write("etc/containers/registries.d/10-a.yaml", lookaside_line("a.example", "https://a"));
    root.write("xdg/containers/registries.d/20-b.yaml", lookaside_line("b.example", "https://b"));
    const auto config = load_registries_d_in(std::nullopt, scratch_roots(root));
    CHECK(config.files == std::vector<std::string>{root.str() + "/etc/containers/registries.d/10-a.yaml",
                                                   root.str() + "/xdg/containers/registries.d/20-b.yaml",
                                                   root.str() + "/usr/share/containers/registries.d/30-c.yaml"});
    CHECK(config.directories.front() == root.str() + "/xdg/containers/registries.d");
    CHECK_THAT(describe_sources(config), Catch::Contains("10-a.yaml") && Catch::Contains("searched: "));

    explicit_dir.write("01.yaml", lookaside_line("example.com", "https://explicit"));
    const auto only = load_registries_d_in(explicit_dir.str(), scratch_roots(root));
    CHECK(only.docker.size() == 1);
    CHECK(only.docker.at("example.com").lookaside == "https://explicit");
    CHECK(only.directories == std::vector<std::string>{explicit_dir.str()});
    // An explicit directory is taken literally (not expanded) and may be missing.
    CHECK(load_registries_d_in(explicit_dir.str() + "/$HOME", scratch_roots(root)).docker.empty());
    CHECK(load_registries_d_in(std::string(), scratch_roots(root)).docker.size() == 3);  // "" is not given
}

TEST_CASE("registries.d: a missing directory is empty configuration; a file is an error", "[registries.d]") {
    ScratchDir dir;
    const auto missing = load_registries_d_from(dir.str() + "/none");
    CHECK(missing.docker.empty());
    CHECK_FALSE(missing.default_docker);
    CHECK(missing.directories == std::vector<std::string>{dir.str() + "/none"});
    CHECK(missing.files.empty());
    dir.write("plain-file", "x");
    CHECK_THROWS_AS(load_registries_d_from(dir.str() + "/plain-file"), ConfigError);
    CHECK(lookaside_for(missing, "busybox") == default_lookaside());
    CHECK_FALSE(signature_storage_for(missing, ref("busybox")).use_sigstore_attachments);
}

TEST_CASE("registries.d: every *.yaml file is merged, other files are ignored", "[registries.d]") {
    ScratchDir dir;
    dir.write("a.yaml", "docker:\n  example.com:\n    lookaside: https://a.example.com/sigs\n");
    dir.write("b.yaml", "default-docker:\n  lookaside: file:///srv/default\ndocker:\n  quay.io/ns:\n    sigstore: file:///srv/quay\n");
    dir.write("c.yml", "docker:\n  example.com:\n    lookaside: https://ignored\n");
    dir.write("notes.txt", "not: [valid");
    dir.write("empty.yaml", "");
    const auto config = load_registries_d_from(dir.str());
    CHECK(config.docker.size() == 2);
    CHECK(lookaside_for(config, "example.com/app:1") == "https://a.example.com/sigs");
    CHECK(lookaside_for(config, "quay.io/ns/app") == "file:///srv/quay");
    CHECK(lookaside_for(config, "busybox") == "file:///srv/default");
    CHECK(signature_storage_for(config, ref("busybox")).matched_scope == "default-docker");
}

TEST_CASE("registries.d: a scope or default-docker defined in two files is an error", "[registries.d]") {
    ScratchDir dir;
    dir.write("a.yaml", "docker:\n  example.com:\n    lookaside: https://a\n");
    dir.write("b.yaml", "docker:\n  example.com:\n    use-sigstore-attachments: true\n");
    CHECK_THROWS_WITH(load_registries_d_from(dir.str()),
                      Catch::Contains("\"docker\" namespace \"example.com\" defined both in") && Catch::Contains("a.yaml") &&
                          Catch::Contains("b.yaml"));
    ScratchDir defaults;
    defaults.write("a.yaml", "default-docker:\n  lookaside: https://a\n");
    defaults.write("b.yaml", "default-docker:\n  lookaside: https://b\n");
    CHECK_THROWS_WITH(load_registries_d_from(defaults.str()), Catch::Contains("\"default-docker\" defined both in"));
    // A null default-docker section is absent, as a nil pointer is in c/image.
    ScratchDir null_default;
    null_default.write("a.yaml", "default-docker:\n  lookaside: https://a\n");
    null_default.write("b.yaml", "default-docker:\n");
    CHECK(load_registries_d_from(null_default.str()).default_docker->lookaside == "https://a");
}

TEST_CASE("registries.d: duplicate keys within one file are an error", "[registries.d]") {
    CHECK_THROWS_WITH(load_text("docker:\n  example.com:\n    lookaside: a\n  example.com:\n    lookaside: b\n"),
                      Catch::Contains("mapping key \"example.com\" already defined") && Catch::Contains("config.yaml"));
    CHECK_THROWS_AS(load_text("docker:\n  example.com:\n    lookaside: a\n    lookaside: b\n"), ConfigError);
    CHECK_THROWS_AS(load_text("docker: {}\ndocker: {}\n"), ConfigError);
}

TEST_CASE("registries.d: the deprecated sigstore keys are aliases, lookaside wins", "[registries.d]") {
    auto config = load_text(
        "docker:\n"
        "  a.example.com:\n    sigstore: https://old\n    sigstore-staging: file:///old-staging\n"
        "  b.example.com:\n    sigstore: https://old\n    lookaside: https://new\n"
        "  c.example.com:\n    lookaside-staging: file:///staging\n    sigstore-staging: file:///old-staging\n"
        "  d.example.com:\n    lookaside: ''\n    sigstore: https://old\n");
    CHECK(config.docker.at("a.example.com").lookaside == "https://old");
    CHECK(config.docker.at("a.example.com").lookaside_staging == "file:///old-staging");
    CHECK(config.docker.at("b.example.com").lookaside == "https://new");
    CHECK(config.docker.at("c.example.com").lookaside_staging == "file:///staging");
    CHECK_FALSE(config.docker.at("c.example.com").lookaside);
    CHECK(config.docker.at("d.example.com").lookaside == "https://old");
    // lookaside-staging is for writing only: reading falls back to the default.
    CHECK(lookaside_for(config, "c.example.com/app") == default_lookaside());
}

TEST_CASE("registries.d: unknown keys are ignored as c/image's yaml.Unmarshal does", "[registries.d]") {
    CHECK(load_text("dockr:\n  example.com: {}\n").docker.empty());
    CHECK_FALSE(load_text("docker:\n  example.com:\n    look-aside: https://x\n").docker.at("example.com").lookaside);
    CHECK_FALSE(load_text("default-docker:\n  Lookaside: https://x\n").default_docker->lookaside);
}

TEST_CASE("registries.d: wrong shapes are errors naming the file", "[registries.d]") {
    CHECK_THROWS_AS(load_text("docker:\n  - example.com\n"), ConfigError);
    CHECK_THROWS_AS(load_text("just a string\n"), ConfigError);
    CHECK_THROWS_AS(load_text("docker:\n  example.com:\n    lookaside: [a, b]\n"), ConfigError);
    CHECK_THROWS_AS(load_text("docker:\n  example.com: [x]\n"), ConfigError);
    CHECK_THROWS_WITH(load_text("docker:\n  example.com: {lookaside: \"x\"\n"), Catch::Contains("parsing") && Catch::Contains("config.yaml"));
    CHECK_THROWS_AS(load_text("docker: [unterminated\n"), ConfigError);
}

TEST_CASE("registries.d: use-sigstore-attachments takes YAML booleans as yaml.v3 does", "[registries.d]") {
    const auto attachments = [](const std::string& value) {
        return load_text("default-docker:\n  use-sigstore-attachments: " + value + "\n").default_docker->use_sigstore_attachments;
    };
    CHECK(attachments("true") == true);
    CHECK(attachments("True") == true);
    CHECK(attachments("false") == false);
    CHECK(attachments("yes") == true);
    CHECK(attachments("on") == true);
    CHECK(attachments("off") == false);
    CHECK(attachments("\"yes\"") == true);
    CHECK_FALSE(attachments("null").has_value());
    CHECK_FALSE(attachments("").has_value());
    CHECK_THROWS_AS(attachments("\"true\""), ConfigError);
    CHECK_THROWS_AS(attachments("1"), ConfigError);
    CHECK_THROWS_AS(attachments("maybe"), ConfigError);
    CHECK_THROWS_AS(attachments("[true]"), ConfigError);
    // Scalars of any kind are strings for lookaside.
    CHECK(load_text("default-docker:\n  lookaside: 42\n").default_docker->lookaside == "42");
}

TEST_CASE("registries.d: the most specific scope that sets a value wins", "[registries.d]") {
    const auto config = load_text(
        "default-docker:\n  lookaside: file:///default\n  use-sigstore-attachments: true\n"
        "docker:\n"
        "  '*.example.com':\n    lookaside: file:///wildcard\n"
        "  registry.example.com:\n    lookaside: file:///host\n"
        "  registry.example.com:5000:\n    lookaside: file:///host-port\n"
        "  registry.example.com/ns:\n    lookaside: file:///ns\n    use-sigstore-attachments: false\n"
        "  registry.example.com/ns/app:\n    lookaside: file:///repo\n"
        "  registry.example.com/ns/app:v1:\n    lookaside: file:///identity\n"
        "  registry.example.com/ns/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef:\n"
        "    lookaside: file:///digest\n"
        "  other.example.com/ns/app:\n    use-sigstore-attachments: true\n"
        "  other.example.com/ns:\n    lookaside: file:///other-ns\n");
    CHECK(lookaside_for(config, "registry.example.com/ns/app:v1") == "file:///identity");
    CHECK(signature_storage_for(config, ref("registry.example.com/ns/app:v1")).matched_scope ==
          "docker namespace registry.example.com/ns/app:v1");
    CHECK(lookaside_for(config, "registry.example.com/ns/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ==
          "file:///digest");
    CHECK(lookaside_for(config, "registry.example.com/ns/app:v2") == "file:///repo");
    CHECK(lookaside_for(config, "registry.example.com/ns/other") == "file:///ns");
    CHECK(lookaside_for(config, "registry.example.com/ns/deeper/app") == "file:///ns");
    CHECK(lookaside_for(config, "registry.example.com/top") == "file:///host");
    CHECK(lookaside_for(config, "registry.example.com:5000/top") == "file:///host-port");
    CHECK(lookaside_for(config, "sub.example.com/x") == "file:///wildcard");
    CHECK(lookaside_for(config, "example.com/x") == "file:///default");
    // A host:port is not a child of the bare host, only of the wildcards.
    CHECK(lookaside_for(config, "registry.example.com:6000/top") == "file:///wildcard");
    // use-sigstore-attachments is looked up on its own, as c/image does.
    CHECK_FALSE(signature_storage_for(config, ref("registry.example.com/ns/app:v1")).use_sigstore_attachments);
    CHECK(signature_storage_for(config, ref("registry.example.com/top")).use_sigstore_attachments);
    // A section that does not set lookaside does not stop the search (c/image's
    // signatureTopLevel goes on to the parent namespaces).
    const auto other = signature_storage_for(config, ref("other.example.com/ns/app:1"));
    CHECK(other.lookaside == "file:///other-ns");
    CHECK(other.use_sigstore_attachments);
    CHECK(other.attachments_scope == "docker namespace other.example.com/ns/app");
}

TEST_CASE("registries.d: the built-in default lookaside", "[registries.d]") {
    CHECK(builtin_default_lookaside(0, "/home/user") == "file:///var/lib/containers/sigstore");
    CHECK(builtin_default_lookaside(1000, "/home/user") == "file:///home/user/.local/share/containers/sigstore");
    CHECK(builtin_default_lookaside(1000, "/home/100%") == "file:///home/100%25/.local/share/containers/sigstore");
    const auto storage = signature_storage_for(RegistriesDirectory{}, ref("busybox"));
    CHECK(storage.lookaside == default_lookaside());
    CHECK(storage.matched_scope == "built-in default");
}

// c/image docker/policyconfiguration/naming_test.go TestDockerReference.
TEST_CASE("docker reference identity and namespaces", "[registries.d][naming]") {
    const std::string digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
        {"example.com/ns/repo", {"example.com/ns/repo", "example.com/ns", "example.com", "*.com"}},
        {"example.com/repo", {"example.com/repo", "example.com", "*.com"}},
        {"localhost/ns/repo", {"localhost/ns/repo", "localhost/ns", "localhost"}},
        {"localhost/repo", {"localhost/repo", "localhost"}},
        {"notlocalhost/repo", {"docker.io/notlocalhost/repo", "docker.io/notlocalhost", "docker.io", "*.io"}},
        {"docker.io/ns/repo", {"docker.io/ns/repo", "docker.io/ns", "docker.io", "*.io"}},
        {"docker.io/library/repo", {"docker.io/library/repo", "docker.io/library", "docker.io", "*.io"}},
        {"docker.io/repo", {"docker.io/library/repo", "docker.io/library", "docker.io", "*.io"}},
        {"ns/repo", {"docker.io/ns/repo", "docker.io/ns", "docker.io", "*.io"}},
        {"library/repo", {"docker.io/library/repo", "docker.io/library", "docker.io", "*.io"}},
        {"repo", {"docker.io/library/repo", "docker.io/library", "docker.io", "*.io"}},
        {"yet.another.example.com:8443/ns/repo",
         {"yet.another.example.com:8443/ns/repo", "yet.another.example.com:8443/ns", "yet.another.example.com:8443",
          "*.another.example.com", "*.example.com", "*.com"}},
        {"localhost:5000/a/b/c", {"localhost:5000/a/b/c", "localhost:5000/a/b", "localhost:5000/a", "localhost:5000"}},
        {"127.0.0.1:5000/app", {"127.0.0.1:5000/app", "127.0.0.1:5000", "*.0.0.1", "*.0.1", "*.1"}},
    };
    for (const auto& [name, expected] : cases) {
        for (const std::string& suffix : {std::string(":tag"), digest}) {
            INFO(name + suffix);
            const auto parsed = parse_normalized_named(name + suffix);
            CHECK(docker_reference_identity(parsed) == expected.front() + suffix);
            CHECK(imgtrust::reference::docker_policy_namespaces(parsed) == expected);
        }
    }
    CHECK_THROWS_AS(docker_reference_identity(parse_normalized_named("busybox")), InvalidReferenceError);
    CHECK_THROWS_WITH(docker_reference_identity(parse_normalized_named("busybox:notlatest" + digest)),
                      Catch::Contains("both a tag and digest"));
}
