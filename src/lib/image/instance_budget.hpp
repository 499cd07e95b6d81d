// Bounds on expanding one manifest list (verify --all, validate): every
// instance manifest read through an InstanceBudgetSource counts against
// max_instance_manifest_bytes (include/imgtrust/image.hpp) for that image.
// With max_manifest_list_instances, this keeps the memory and the requests
// one hostile index can cost bounded, whatever its instances claim.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"

namespace imgtrust::image {

// Wraps the source of an image whose top-level manifest is a list: instance
// manifests pass through and are counted (each digest once); the top-level
// manifest and the signatures pass through uncounted. Throws FetchError, naming
// the list, when an instance would take the total past the budget, and for
// every instance not yet read after that.
class InstanceBudgetSource final : public ImageSource {
public:
    InstanceBudgetSource(ImageSource& source, std::string list_digest,
                         std::size_t budget_bytes = max_instance_manifest_bytes);

    ManifestBlob manifest(const std::string& instance_digest = {}) override;
    std::vector<UntrustedSignature> signatures(const std::string& instance_digest = {}) override;

private:
    FetchError over_budget(const std::string& instance_digest) const;

    ImageSource& source_;
    std::string list_digest_;
    std::size_t budget_bytes_;
    std::size_t used_bytes_ = 0;
    bool exhausted_ = false;  // an instance did not fit: no further instance is read
    std::set<std::string> counted_;  // instance digests already charged
};

}  // namespace imgtrust::image
