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

TEST_CASE("with_invalid_utf8_replaced keeps valid text and replaces each bad byte with U+FFFD", "[text]") {
    using imgtrust::util::with_invalid_utf8_replaced;
    CHECK(with_invalid_utf8_replaced("caf\xc3\xa9 \xf0\x9f\x90\xb3") == "caf\xc3\xa9 \xf0\x9f\x90\xb3");
    CHECK(with_invalid_utf8_replaced("a\xff" "b") == "a\xef\xbf\xbd" "b");
    CHECK(with_invalid_utf8_replaced("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");  // overlong: two bad bytes
    CHECK(with_invalid_utf8_replaced("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
    CHECK(imgtrust::util::decode_utf8_rune("\xe2\x82\xac")->value == 0x20ac);
}
