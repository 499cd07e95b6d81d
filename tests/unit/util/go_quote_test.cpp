// util::go_quote against the output of Go's strconv.Quote (Go 1.19).
#include <catch2/catch.hpp>

#include <string>

#include "util/go_quote.hpp"

using imgtrust::util::go_quote;

TEST_CASE("go_quote escapes as strconv.Quote: quotes, backslashes and letter escapes", "[go_quote]") {
    CHECK(go_quote("") == "\"\"");
    CHECK(go_quote("busybox:latest") == "\"busybox:latest\"");
    CHECK(go_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(go_quote("\a\b\f\n\r\t\v") == "\"\\a\\b\\f\\n\\r\\t\\v\"");
    CHECK(go_quote(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\x00\\x01\\x1f\\x7f\"");
}

TEST_CASE("go_quote keeps printable UTF-8 and escapes invalid bytes one at a time", "[go_quote]") {
    CHECK(go_quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"");
    CHECK(go_quote("\xff") == "\"\\xff\"");
    CHECK(go_quote("a\xc3") == "\"a\\xc3\"");                       // truncated sequence
    CHECK(go_quote("\xc0\xaf") == "\"\\xc0\\xaf\"");                  // overlong '/'
    CHECK(go_quote("\xed\xa0\x80") == "\"\\xed\\xa0\\x80\"");         // a surrogate
    CHECK(go_quote("\xf4\x90\x80\x80") == "\"\\xf4\\x90\\x80\\x80\"");  // above U+10FFFF
    CHECK(go_quote("\xef\xbf\xbd") == "\"\xef\xbf\xbd\"");            // U+FFFD itself is printable
}

TEST_CASE("go_quote escapes the runes unicode.IsPrint rejects", "[go_quote]") {
    CHECK(go_quote("\xc2\x85") == "\"\\u0085\"");                 // C1 control
    CHECK(go_quote("\xc2\xa0") == "\"\\u00a0\"");                 // no-break space
    CHECK(go_quote("\xc2\xad") == "\"\\u00ad\"");                 // soft hyphen
    CHECK(go_quote("\xe2\x80\x8b") == "\"\\u200b\"");             // zero-width space
    CHECK(go_quote("\xe2\x80\xa8") == "\"\\u2028\"");             // line separator
    CHECK(go_quote("\xe2\x80\xae") == "\"\\u202e\"");             // right-to-left override
    CHECK(go_quote("\xef\xbb\xbf") == "\"\\ufeff\"");             // byte order mark
    CHECK(go_quote("\xf3\xb0\x80\x80") == "\"\\U000f0000\"");     // private use, plane 15
}
