// docker/reference parsing, normalisation and digest validation, with cases
// taken from c/image's docker/reference/*_test.go.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "reference/grammar.hpp"

using imgtrust::DockerReference;
using imgtrust::InvalidReferenceError;
using imgtrust::parse_normalized_named;

namespace {

const std::string sha256_f(64, 'f');
const std::string sha512_f(128, 'f');

std::string repeat(const std::string& text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        out += text;
    }
    return out;
}

std::string parse_error(const std::string& text) {
    try {
        parse_normalized_named(text);
    } catch (const InvalidReferenceError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

TEST_CASE("familiar names are normalised onto docker.io and library/") {
    struct Case {
        std::string input, domain, path, tag, digest, full;
    };
    const std::vector<Case> cases = {
        {"busybox", "docker.io", "library/busybox", "", "", "docker.io/library/busybox"},
        {"busybox:latest", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest"},
        {"library/busybox", "docker.io", "library/busybox", "", "", "docker.io/library/busybox"},
        {"docker.io/busybox", "docker.io", "library/busybox", "", "", "docker.io/library/busybox"},
        {"index.docker.io/busybox", "docker.io", "library/busybox", "", "", "docker.io/library/busybox"},
        {"index.docker.io/docker/docker", "docker.io", "docker/docker", "", "", "docker.io/docker/docker"},
        {"docker/migrator", "docker.io", "docker/migrator", "", "", "docker.io/docker/migrator"},
        {"test_com/foo", "docker.io", "test_com/foo", "", "", "docker.io/test_com/foo"},
        {"docker.io/library/foo/bar", "docker.io", "library/foo/bar", "", "", "docker.io/library/foo/bar"},
        {"store/foo/bar", "docker.io", "store/foo/bar", "", "", "docker.io/store/foo/bar"},
        {"other/library", "docker.io", "other/library", "", "", "docker.io/other/library"},
        {"test.com/foo", "test.com", "foo", "", "", "test.com/foo"},
        {"test.com:8080/foo", "test.com:8080", "foo", "", "", "test.com:8080/foo"},
        {"test-com:8080/foo", "test-com:8080", "foo", "", "", "test-com:8080/foo"},
        {"xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", "", "", "xn--n3h.com:18080/foo"},
        {"localhost/foo", "localhost", "foo", "", "", "localhost/foo"},
        {"localhost:5000/a/b:1.0", "localhost:5000", "a/b", "1.0", "", "localhost:5000/a/b:1.0"},
        {"127.0.0.1:8000/private/moonbase", "127.0.0.1:8000", "private/moonbase", "", "",
         "127.0.0.1:8000/private/moonbase"},
        {"example.com/privatebase", "example.com", "privatebase", "", "", "example.com/privatebase"},
        {"Asdf.com/foo/bar", "Asdf.com", "foo/bar", "", "", "Asdf.com/foo/bar"},
        // Without a '/', a ':' is a tag separator, even when it looks like a port.
        {"test.com:5000", "docker.io", "library/test.com", "5000", "", "docker.io/library/test.com:5000"},
        {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", "", "docker.io/library/foo_bar.com:8080"},
        {"localhost:8080@sha256:" + sha256_f, "docker.io", "library/localhost", "8080", "sha256:" + sha256_f,
         "docker.io/library/localhost:8080@sha256:" + sha256_f},
        {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", "",
         "docker.io/library/lowercase:Uppercase"},
        {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
         "test.example.com", "", "b.gcr.io/test.example.com/my-app:test.example.com"},
        {"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + sha512_f, "xn--7o8h.com", "myimage", "xn--7o8h.com",
         "sha512:" + sha512_f, "xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + sha512_f},
        {"test:5000/repo:tag@sha256:" + sha256_f, "test:5000", "repo", "tag", "sha256:" + sha256_f,
         "test:5000/repo:tag@sha256:" + sha256_f},
        {"registry.io/foo/project--id.module--name.ver---sion--name", "registry.io",
         "foo/project--id.module--name.ver---sion--name", "", "",
         "registry.io/foo/project--id.module--name.ver---sion--name"},
        // A hostname removes the ambiguity with a 64-hex image ID.
        {"docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "docker.io",
         "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "", "",
         "docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"},
        {"A.B:5000/c", "A.B:5000", "c", "", "", "A.B:5000/c"},
        // Only a bare 64-hex string is refused; with a tag it is a docker.io name.
        {"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:tag", "docker.io",
         "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "tag", "",
         "docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:tag"},
        {"sha256:" + sha256_f, "docker.io", "library/sha256", sha256_f, "", "docker.io/library/sha256:" + sha256_f},
        // c/image corner: a first component that is a path component but not a domain
        // stays in the path and leaves the domain empty.
        {"foo_bar.com/x:1", "", "foo_bar.com/x", "1", "", "foo_bar.com/x:1"},
    };
    for (const Case& c : cases) {
        INFO(c.input);
        const DockerReference ref = parse_normalized_named(c.input);
        CHECK(ref.domain == c.domain);
        CHECK(ref.path == c.path);
        CHECK(ref.tag == c.tag);
        CHECK(ref.digest == c.digest);
        CHECK(ref.string() == c.full);
        // Normalised output parses back to itself.
        CHECK(parse_normalized_named(ref.string()) == ref);
    }
}

TEST_CASE("valid repository names from c/image's TestValidateRemoteName") {
    for (const char* name : {"docker/docker", "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
                             "docker-rules/docker", "docker---rules/docker", "doc/docker", "d/docker", "jess/t",
                             "dock__er/docker", "127.0.0.1:5000/docker/docker", "127.0.0.1:5000/debian",
                             "example.com/some_separator__underscore/myimage", "a/b.c/d_e/f__g/h-i/j--k"}) {
        INFO(name);
        CHECK_NOTHROW(parse_normalized_named(name));
    }
}

TEST_CASE("invalid references are rejected with InvalidReferenceError") {
    const std::vector<std::string> invalid = {
        "",
        ":justtag",
        "@sha256:" + sha256_f,
        "https://github.com/docker/docker",
        "docker/Docker",
        "-docker",
        "-docker/docker",
        "-docker.io/docker/docker",
        "docker-/docker",
        "-docker-/docker",
        "docker///docker",
        "docker.io/docker/Docker",
        "docker.io/docker///docker",
        "____/____",
        "_docker/_docker",
        "dock..er/docker",
        "dock_.er/docker",
        "dock-.er/docker",
        "docker/",
        "a/a/a/a/",
        "example.com/__underscore/myimage",
        "example.com/..dots/myimage",
        "example.com/.dots/myimage",
        "example.com/a___b",
        "foo.com:http/bar",
        "foo_bar.com:8080/app",
        "do__cker:8080/docker",
        "aa/asdf$$^/aa",
        "registry.com:8080/myapp:invalid~tag",
        "registry.com:8080/myapp@sha256:badbadbadbad",
        "registry.com:8080/myapp@bad",
        "registry.com:8080/myapp@2bad",
        "repo:" + std::string(129, 'a'),
        "repo:-tag",
        "repo:.tag",
        "repo:tag:tag2",
        "repo@sha256:" + sha256_f + "@sha256:" + sha256_f,
        "repo@sha256:ffffffffffffffffffffffffffffffffff",
        "validname@invaliddigest:" + sha256_f,
        "repo@sha256:" + std::string(64, 'F'),
        "repo@SHA256:" + sha256_f,
        "repo@sha384:" + sha256_f,
        "UPPERCASE_IS_INVALID_IN_DOCKER_REFERENCES",
        "Uppercase:tag",
        "test:5000/Uppercase/lowercase:tag",
        "[::1]:5000/repo",  // c/image's docker/reference has no IPv6 form
        "repo name",
        "a.b/c:x/y",
        "localhost/Foo",
        "LOCALHOST/foo",
        "a:/c",
        ":5000/c",
        "x.-a/b",
        "repo\n",
    };
    for (const std::string& text : invalid) {
        INFO(text);
        CHECK_THROWS_AS(parse_normalized_named(text), InvalidReferenceError);
    }
}

TEST_CASE("error messages keep c/image's wording and add the precise cause") {
    CHECK(parse_error("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a") ==
          "invalid repository name (1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a), "
          "cannot specify 64-byte hexadecimal strings");
    CHECK(parse_error("docker/Docker") == "invalid reference format: repository name must be lowercase");
    CHECK(parse_error("Uppercase:tag") == "invalid reference format: repository name must be lowercase");
    // Uppercase in a first component that is not a domain: c/image's Parse-level message.
    CHECK(parse_error("Foo_bar.com/x") == "repository name must be lowercase");
    CHECK(parse_error("docker///docker") == "invalid reference format: empty path component");
    CHECK(parse_error("-docker") == "invalid reference format: invalid path component \"-docker\"");
    CHECK(parse_error("foo.com:http/bar") == "invalid reference format: invalid domain \"foo.com:http\"");
    CHECK(parse_error("a_b.c/x/y__") ==
          "invalid reference format: invalid path component \"y__\"");
    CHECK(parse_error("x.y_/z") ==
          "invalid reference format: \"x.y_\" is neither a valid domain nor a valid path component");
    CHECK(parse_error("repo:-tag") == "invalid reference format: invalid tag \"-tag\"");
    CHECK(parse_error("repo@sha256:abc") == "invalid reference format: invalid digest \"sha256:abc\"");
    CHECK(parse_error("repo@sha256:ffffffffffffffffffffffffffffffffff") ==
          "invalid checksum digest length: sha256 needs 64 hex digits, got 34");
    CHECK(parse_error("repo@md5:" + std::string(32, 'f')) ==
          "unsupported digest algorithm: \"md5\" (sha256, sha384 and sha512 are supported)");
    CHECK(parse_error("repo name") == "invalid reference format: invalid path component \"repo name\"");
}

TEST_CASE("the 255-character limit counts the normalised name, not the tag") {
    const std::string at_limit = "a.b/" + repeat("a/", 125) + "a";  // 255 characters with a domain
    CHECK(at_limit.size() == 255);
    CHECK(parse_normalized_named(at_limit + ":tag-puts-this-over-max").string() ==
          at_limit + ":tag-puts-this-over-max");
    CHECK(parse_error(at_limit + "/a:tag") == "repository name must not be more than 255 characters");
    // A first component without '.' or ':' is not a domain: docker.io/ is prepended and counts.
    CHECK(parse_error(repeat("a/", 127) + "a:tag") == "repository name must not be more than 255 characters");
    // docker.io/library/ counts: 237 + 18 = 255 is fine, 238 + 18 is not.
    CHECK_NOTHROW(parse_normalized_named(std::string(237, 'a')));
    CHECK(parse_error(std::string(238, 'a')) == "repository name must not be more than 255 characters");
    CHECK_THROWS_AS(parse_normalized_named(std::string(256, 'a') + "/docker"), InvalidReferenceError);
}

TEST_CASE("with_default_tag adds :latest only to name-only references") {
    CHECK(imgtrust::with_default_tag(parse_normalized_named("busybox")).string() == "docker.io/library/busybox:latest");
    CHECK(imgtrust::with_default_tag(parse_normalized_named("gcr.io/library/busybox")).string() ==
          "gcr.io/library/busybox:latest");
    CHECK(imgtrust::with_default_tag(parse_normalized_named("busybox:1")).string() == "docker.io/library/busybox:1");
    const std::string digested = "docker.io/library/busybox@sha256:" + sha256_f;
    CHECK(imgtrust::with_default_tag(parse_normalized_named(digested)).string() == digested);
    const std::string both = "docker.io/library/busybox:latest@sha256:" + sha256_f;
    CHECK(imgtrust::with_default_tag(parse_normalized_named("busybox:latest@sha256:" + sha256_f)).string() == both);
}

TEST_CASE("validate_digest follows go-digest") {
    using imgtrust::validate_digest;
    CHECK_NOTHROW(validate_digest("sha256:" + sha256_f));
    CHECK_NOTHROW(validate_digest("sha384:" + std::string(96, 'a')));
    CHECK_NOTHROW(validate_digest("sha512:" + sha512_f));
    for (const std::string& bad : {std::string(""), std::string("sha256"), std::string("sha256:"),
                                   std::string(":") + sha256_f, "sha256:" + std::string(63, 'f'),
                                   "sha256:" + std::string(65, 'f'), "sha256:" + std::string(64, 'A'),
                                   "sha256:" + std::string(64, 'g'), "sha384:" + sha256_f, "sha512:" + sha256_f,
                                   "md5:" + std::string(32, 'f'), "SHA256:" + sha256_f, "sha256 :" + sha256_f}) {
        INFO(bad);
        CHECK_THROWS_AS(validate_digest(bad), InvalidReferenceError);
    }
    CHECK_THROWS_WITH(validate_digest("md5:" + std::string(32, 'f')), Catch::StartsWith("unsupported digest algorithm"));
    CHECK_THROWS_WITH(validate_digest("SHA256:" + sha256_f), Catch::StartsWith("invalid checksum digest format"));
    CHECK_THROWS_WITH(validate_digest("sha256:" + std::string(64, 'A')),
                      Catch::StartsWith("invalid checksum digest format"));
}

TEST_CASE("grammar predicates match c/image's regular expressions") {
    using namespace imgtrust::reference;
    for (const char* domain : {"test.com", "test.com:10304", "localhost", "localhost:8080", "a", "a.b", "ab.cd.com",
                               "a-b.com", "ab.c-om", "0101.com", "001a.com", "b.gbc.io:443", "xn--n3h.com",
                               "Asdf.com", "a--b.com"}) {
        INFO(domain);
        CHECK(is_domain(domain));
    }
    for (const char* not_domain : {"test.com:http", "-ab.com", "ab-.com", "ab.-com", "ab.com-", "", "a..b", "a.",
                                   "test.com:", "a:1:2", "foo_bar.com", "[::1]"}) {
        INFO(not_domain);
        CHECK_FALSE(is_domain(not_domain));
    }
    for (const char* tag : {"latest", "v1.0", "_x", "A", "a-b_c.D"}) {
        CHECK(is_tag(tag));
    }
    CHECK(is_tag(std::string(128, 't')));
    CHECK_FALSE(is_tag(std::string(129, 't')));
    CHECK_FALSE(is_tag(""));
    CHECK_FALSE(is_tag(".x"));
    CHECK_FALSE(is_tag("a+b"));
    CHECK(matches_digest_pattern("sha256+b64u.x-y_z:" + std::string(32, 'F')));
    CHECK_FALSE(matches_digest_pattern("sha256:" + std::string(31, 'f')));
    CHECK_FALSE(matches_digest_pattern("2sha:" + std::string(32, 'f')));
    CHECK_FALSE(matches_digest_pattern("sha-:" + std::string(32, 'f')));
    CHECK(is_full_identifier("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821"));
    CHECK_FALSE(is_full_identifier("7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C"));
    CHECK_FALSE(is_full_identifier("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf"));
}
