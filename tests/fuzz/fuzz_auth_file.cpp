// containers-auth.json(5): the input is the --authfile, read for a few
// repositories. PATH names an empty directory, so a credHelpers entry cannot
// start a program: it ends in the "helper cannot run" error.
#include "fuzz_support.hpp"

#include "config/auth_file.hpp"
#include "imgtrust/system_context.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const auto empty_bin = imgtrust::fuzz::private_directory() / "empty-bin";
    std::filesystem::create_directory(empty_bin);
    ::setenv("PATH", empty_bin.c_str(), 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string auth_path = (imgtrust::fuzz::private_directory() / "auth.json").string();
    imgtrust::fuzz::write_file(auth_path, imgtrust::fuzz::as_text(data, size));
    imgtrust::SystemContext context;
    context.auth_file = auth_path;
    for (const char* repository : {"registry.example.com/ns/app", "docker.io/library/busybox", "127.0.0.1:5000/app"}) {
        imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::config::find_credentials(context, repository); });
    }
    return 0;
}
