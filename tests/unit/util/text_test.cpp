// util/text: ASCII lowercase and Go's strings.Split.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "util/text.hpp"

using imgtrust::util::ascii_lowercase;
using imgtrust::util::split;
using Pieces = std::vector<std::string_view>;

TEST_CASE("ascii_lowercase maps only A-Z", "[text]") {
    CHECK(ascii_lowercase("WWW-Authenticate: Bearer") == "www-authenticate: bearer");
    CHECK(ascii_lowercase("\xc3\x89T\xc3\x89") == "\xc3\x89t\xc3\x89");  // bytes of non-ASCII text are untouched
    CHECK(ascii_lowercase("") == "");
}

TEST_CASE("split keeps empty pieces, as strings.Split does", "[text]") {
    CHECK(split("a/b/c", '/') == Pieces{"a", "b", "c"});
    CHECK(split("", '/') == Pieces{""});
    CHECK(split("/a//", '/') == Pieces{"", "a", "", ""});
    CHECK(split("example.com", '/') == Pieces{"example.com"});
}
