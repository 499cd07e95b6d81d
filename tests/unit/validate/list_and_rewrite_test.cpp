#include <catch2/catch.hpp>
#include <sstream>

#include "imgtrust/errors.hpp"
#include "validate/duration.hpp"
#include "validate/image_list.hpp"
#include "validate/rewrite.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

TEST_CASE("image list: blank lines, # and // comments are skipped; line numbers and text are kept") {
    std::istringstream in("# header\n\nreg.example/ns/a:v1\n   \n// other comment\n  reg.example/ns/b:v2  \r\n\t#indented comment\nbad//ref\n");
    ImageListReader reader(in);
    auto first = reader.next();
    REQUIRE(first);
    CHECK(first->line_number == 3);
    CHECK(first->reference_text == "reg.example/ns/a:v1");
    CHECK(first->original_line == "reg.example/ns/a:v1");
    auto second = reader.next();
    REQUIRE(second);
    CHECK(second->line_number == 6);
    CHECK(second->reference_text == "reg.example/ns/b:v2");
    CHECK(second->original_line == "  reg.example/ns/b:v2  ");  // CR dropped, spaces kept for the failed list
    auto third = reader.next();
    REQUIRE(third);
    CHECK(third->line_number == 8);
    CHECK(third->reference_text == "bad//ref");
    CHECK_FALSE(reader.next());
    CHECK_FALSE(reader.next());
}

TEST_CASE("image list: a last line without newline, and counting entries") {
    std::istringstream in("a\n#x\nb");
    CHECK(count_entries(in) == 2);
    std::istringstream empty("");
    CHECK(count_entries(empty) == 0);
    CHECK(is_ignored_line(""));
    CHECK(is_ignored_line("#"));
    CHECK(is_ignored_line("//x"));
    CHECK_FALSE(is_ignored_line("/x"));
    CHECK(trim_white_space(" \t a b \r") == "a b");
}

TEST_CASE("rewrite: without overrides only a docker:// prefix is dropped") {
    CHECK(rewrite_reference_text("nginx:1.25", {}) == "nginx:1.25");
    CHECK(rewrite_reference_text("docker://reg.example/a/b:v1", {}) == "reg.example/a/b:v1");
    CHECK(parse_list_reference("nginx", {}).string() == "docker.io/library/nginx");
}

TEST_CASE("rewrite: --registry replaces or adds the registry, as hangar's ConstructRegistry") {
    ReferenceOverrides registry{"mirror.local:5000", ""};
    CHECK(rewrite_reference_text("nginx:1.25", registry) == "mirror.local:5000/nginx:1.25");
    CHECK(rewrite_reference_text("rancher/rancher:v2.8", registry) == "mirror.local:5000/rancher/rancher:v2.8");
    CHECK(rewrite_reference_text("docker.io/rancher/rancher:v2.8", registry) == "mirror.local:5000/rancher/rancher:v2.8");
    CHECK(rewrite_reference_text("localhost/app", registry) == "mirror.local:5000/app");
    CHECK(rewrite_reference_text("reg.io:443/a/b/c@sha256:" + std::string(64, 'a'), registry) ==
          "mirror.local:5000/a/b/c@sha256:" + std::string(64, 'a'));
    // A single component with a tag is a repository, not a registry.
    CHECK(rewrite_reference_text("app:v1", registry) == "mirror.local:5000/app:v1");
}

TEST_CASE("rewrite: --project replaces the first path component or adds one") {
    ReferenceOverrides project{"", "mirrored"};
    CHECK(rewrite_reference_text("nginx", project) == "mirrored/nginx");
    CHECK(rewrite_reference_text("library/nginx:1", project) == "mirrored/nginx:1");
    CHECK(rewrite_reference_text("reg.io/nginx", project) == "reg.io/mirrored/nginx");
    CHECK(rewrite_reference_text("reg.io/user/nginx:2", project) == "reg.io/mirrored/nginx:2");
    CHECK(rewrite_reference_text("reg.io/a/b/c", project) == "reg.io/mirrored/b/c");
    ReferenceOverrides both{"127.0.0.1:5000", "p"};
    CHECK(rewrite_reference_text("docker.io/library/busybox:1", both) == "127.0.0.1:5000/p/busybox:1");
    CHECK(rewrite_reference_text("busybox", both) == "127.0.0.1:5000/p/busybox");
    CHECK(parse_list_reference("busybox:1", both).string() == "127.0.0.1:5000/p/busybox:1");
}

TEST_CASE("rewrite: invalid references and invalid override values") {
    CHECK_THROWS_AS(parse_list_reference("Upper/Case", {}), InvalidReferenceError);
    CHECK_THROWS_AS(parse_list_reference("a//b", {}), InvalidReferenceError);
    CHECK_THROWS_AS(parse_list_reference("a:b:c", {}), InvalidReferenceError);
    CHECK_THROWS_AS(validate_overrides({"a/b", ""}), ConfigError);
    CHECK_THROWS_AS(validate_overrides({"", "x/y"}), ConfigError);
    CHECK_THROWS_AS(validate_overrides({"", "UPPER"}), ConfigError);
    CHECK_NOTHROW(validate_overrides({"reg.io:5000", "team-a"}));
}

TEST_CASE("--timeout takes Go durations") {
    using std::chrono::milliseconds;
    CHECK(parse_go_duration("10m") == milliseconds(600000));
    CHECK(parse_go_duration("1h30m") == milliseconds(5400000));
    CHECK(parse_go_duration("2.5s") == milliseconds(2500));
    CHECK(parse_go_duration("250ms") == milliseconds(250));
    CHECK(parse_go_duration("0") == milliseconds(0));
    CHECK_THROWS_AS(parse_go_duration(""), ConfigError);
    CHECK_THROWS_AS(parse_go_duration("10"), ConfigError);
    CHECK_THROWS_AS(parse_go_duration("-1s"), ConfigError);
    CHECK_THROWS_AS(parse_go_duration("5 m"), ConfigError);
    CHECK_THROWS_AS(parse_go_duration("1.2.3s"), ConfigError);
    CHECK_THROWS_AS(parse_go_duration("3d"), ConfigError);
}
