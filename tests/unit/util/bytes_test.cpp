#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

using namespace imgtrust::util;

TEST_CASE("base64 round trip and strict decoding") {
    CHECK(base64_encode("not a key") == "bm90IGEga2V5");
    CHECK(base64_decode("bm90IGEga2V5") == std::optional<std::string>("not a key"));
    CHECK(base64_decode("YQ==") == std::optional<std::string>("a"));
    CHECK(base64_decode("YWI=") == std::optional<std::string>("ab"));
    CHECK(base64_decode("") == std::optional<std::string>(""));
    CHECK_FALSE(base64_decode("YQ=").has_value());     // wrong length
    CHECK_FALSE(base64_decode("Y=Q=").has_value());    // padding in the middle
    CHECK_FALSE(base64_decode("bm90*GEga2V5").has_value());
}

TEST_CASE("sha256 of known input") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("bounded reads refuse oversize files and report missing ones") {
    CHECK_FALSE(read_file_bounded("/nonexistent/imgtrust/file", 10, "manifest").has_value());
    CHECK_THROWS_AS(read_file_bounded("/proc/self/exe", 16, "manifest"), imgtrust::FetchError);
}

TEST_CASE("bounded reads refuse FIFOs and directories at once instead of blocking") {
    const std::string directory = std::filesystem::temp_directory_path() / ("imgtrust-fifo-" + std::to_string(getpid()));
    std::filesystem::create_directories(directory);
    const std::string fifo = directory + "/key.fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // With no writer, a blocking open() would never return.
    CHECK_THROWS_WITH(read_file_bounded(fifo, 1024, "key file"),
                      "reading key file " + fifo + ": not a regular file (it is a FIFO)");
    CHECK_THROWS_WITH(read_file_bounded(directory, 1024, "key file"),
                      "reading key file " + directory + ": not a regular file (it is a directory)");
    CHECK_THROWS_WITH(read_file_bounded("/dev/null", 1024, "key file"), Catch::Contains("it is a character device"));
    std::filesystem::remove_all(directory);
}

TEST_CASE("bounded reads return the whole of a regular file within the limit") {
    const std::string path = std::filesystem::temp_directory_path() / ("imgtrust-read-" + std::to_string(getpid()));
    std::ofstream(path, std::ios::binary) << std::string(100000, 'x');
    CHECK(read_file_bounded(path, 100000, "manifest") == std::optional<std::string>(std::string(100000, 'x')));
    CHECK_THROWS_WITH(read_file_bounded(path, 99999, "manifest"),
                      "manifest " + path + " exceeds the 99999-byte limit");
    std::filesystem::remove(path);
}
