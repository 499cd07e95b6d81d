// Docker references, parsed and normalised as c/image's docker/reference does.
#pragma once

#include "imgtrust/export.hpp"

#include <string>
#include <string_view>

namespace imgtrust {

// A normalised named reference: domain "docker.io", path "library/busybox",
// optional tag and digest. Empty tag/digest means absent.
struct IMGTRUST_API DockerReference {
    std::string domain;
    std::string path;
    std::string tag;
    std::string digest;  // "sha256:<hex>"

    // domain + "/" + path, e.g. "docker.io/library/busybox". The domain is empty
    // only in c/image's corner case of a first component that is a valid path
    // component but not a valid domain ("foo_bar.com/x"); then name() is the path.
    std::string name() const { return domain.empty() ? path : domain + "/" + path; }
    // name()[:tag][@digest], the fully-qualified form c/image compares.
    std::string string() const;
    bool is_name_only() const { return tag.empty() && digest.empty(); }
    bool operator==(const DockerReference&) const = default;
};

// ParseNormalizedNamed: accepts familiar forms ("busybox", "user/app:1"),
// adds "docker.io" and "library/" as Docker does. Throws InvalidReferenceError
// with a precise message on any grammar violation (uppercase repository,
// bad tag, bad digest, over-long name, 64-hex identifier, ...).
IMGTRUST_API DockerReference parse_normalized_named(std::string_view text);

// TagNameOnly: a name-only reference gets ":latest"; others are unchanged.
IMGTRUST_API DockerReference with_default_tag(DockerReference ref);

// Validates a "algorithm:hex" digest string as go-digest does (sha256 64 hex,
// sha384 96, sha512 128; lowercase hex). Throws InvalidReferenceError.
IMGTRUST_API void validate_digest(std::string_view digest);

}  // namespace imgtrust
