// Which requirements apply to an image: c/image's requirementsForImageRef.
#pragma once

#include <string>

#include "imgtrust/image.hpp"
#include "imgtrust/policy.hpp"

namespace imgtrust::policy {

struct ScopeMatch {
    const Requirements* requirements = nullptr;
    std::string description;  // `transports.dir["/srv/images"]`, `transports.dir[""]` or `default`
};

// "the most specific scope wins": the image's full identity, then each of its
// namespaces (for docker: repository, parent namespaces, host, *.domain
// wildcards; for dir:/oci: the parent directories), then the transport's ""
// scope, then "default".
ScopeMatch find_scope(const Policy& policy, const ImageReference& image);

}  // namespace imgtrust::policy
