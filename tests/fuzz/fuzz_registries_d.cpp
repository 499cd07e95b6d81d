// containers-registries.d(5) YAML: the input is written as the only *.yaml
// file of a private directory, loaded, and asked where a few images' signatures
// live.
#include "fuzz_support.hpp"

#include "config/registries_d.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path directory = [] {
        auto path = imgtrust::fuzz::private_directory() / "registries.d";
        std::filesystem::create_directory(path);
        return path;
    }();
    static const std::vector<imgtrust::DockerReference> references = {
        imgtrust::parse_normalized_named("registry.example.com/ns/app:v1"),
        imgtrust::parse_normalized_named("docker.io/library/busybox@sha256:" + std::string(64, 'a')),
        imgtrust::parse_normalized_named("127.0.0.1:5000/app:latest"),
    };
    imgtrust::fuzz::write_file(directory / "fuzz.yaml", imgtrust::fuzz::as_text(data, size));
    imgtrust::fuzz::ignore_rejection([&] {
        const imgtrust::config::RegistriesDirectory config = imgtrust::config::load_registries_d_from(directory.string());
        for (const auto& reference : references) (void)imgtrust::config::signature_storage_for(config, reference);
    });
    return 0;
}
