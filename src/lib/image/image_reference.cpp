// parse_image_reference: "transport:reference" → the transport's ImageReference.
#include "image/dir_transport.hpp"
#include "image/docker_transport.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust {

std::unique_ptr<ImageReference> parse_image_reference(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        throw InvalidReferenceError("Invalid image name \"" + std::string(text) +
                                    "\", expected colon-separated transport:reference");
    const std::string_view transport = text.substr(0, colon);
    const std::string_view within = text.substr(colon + 1);
    if (transport == "dir") return std::make_unique<image::DirReference>(std::string(within));
    if (transport == "oci") return image::OciReference::parse(within);
    if (transport == "oci-archive") return image::OciArchiveReference::parse(within);
    if (transport == "docker") return image::DockerImageReference::parse(within);
    throw ConfigError("Invalid transport \"" + std::string(transport) + "\" in image name \"" + std::string(text) +
                      "\": supported transports are dir:, oci:, oci-archive: and docker:");
}

}  // namespace imgtrust
