// util::load_untrusted_yaml: size and depth are refused before yaml-cpp parses.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "util/untrusted_yaml.hpp"

using imgtrust::util::load_untrusted_yaml;
using imgtrust::util::yaml_limit_violation;
using imgtrust::util::YamlLimitError;
using imgtrust::util::YamlLimits;

namespace {
std::string flow_nesting(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string block_nesting(std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) text += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
    return text;
}
}  // namespace

TEST_CASE("a registries.d-shaped document loads", "[yaml]") {
    const std::string text =
        "# comment with [[[ and {{{\n"
        "docker:\n"
        "  registry.example.com/team:\n"
        "    lookaside: 'https://s.example.com/[x]'\n"
        "    use-sigstore-attachments: true\n"
        "  other: {lookaside: \"file:///a[b\", sigstore: x}\n"
        "  text: |\n"
        "    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";
    CHECK_FALSE(yaml_limit_violation(text).has_value());
    const YAML::Node node = load_untrusted_yaml(text);
    CHECK(node["docker"]["other"]["lookaside"].as<std::string>() == "file:///a[b");
}

TEST_CASE("flow nesting beyond the limit is refused quickly, before yaml-cpp", "[yaml]") {
    CHECK_FALSE(yaml_limit_violation("docker: " + flow_nesting(60)).has_value());
    CHECK(yaml_limit_violation("docker: " + flow_nesting(64)) ==
          std::string("YAML document nested more than 64 levels deep (at line 1)"));
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(load_untrusted_yaml("docker: " + flow_nesting(1000000)), YamlLimitError);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("block nesting, compact sequences and mixed nesting count too", "[yaml]") {
    CHECK_FALSE(yaml_limit_violation(block_nesting(60)).has_value());
    CHECK(yaml_limit_violation(block_nesting(70)) == std::string("YAML document nested more than 64 levels deep (at line 65)"));
    std::string compact;
    for (int i = 0; i < 70; ++i) compact += "- ";
    CHECK(yaml_limit_violation(compact + "x").has_value());
    CHECK(yaml_limit_violation(block_nesting(40) + std::string(80, ' ') + "x: " + flow_nesting(30)).has_value());
}

TEST_CASE("quotes hide brackets only where YAML would", "[yaml]") {
    CHECK_FALSE(yaml_limit_violation("a: '" + std::string(100, '[') + "'").has_value());
    CHECK_FALSE(yaml_limit_violation("a: \"\\\"" + std::string(100, '{') + "\"").has_value());
    // A quote inside a plain scalar opens nothing: the next line's flow still counts.
    CHECK(yaml_limit_violation("a: it's\nb: " + flow_nesting(100)).has_value());
    CHECK(yaml_limit_violation("a: b,'\nb: " + flow_nesting(100)).has_value());
    CHECK(yaml_limit_violation("a: \"unclosed\nb: " + flow_nesting(100)).has_value());
}

TEST_CASE("the size limit is checked first", "[yaml]") {
    YamlLimits limits;
    limits.max_bytes = 10;
    CHECK(yaml_limit_violation("docker: {a: b}", limits) ==
          std::string("YAML document of 14 bytes, more than the 10-byte limit"));
}
