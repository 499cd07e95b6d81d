#include "image/instance_budget.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::image {

InstanceBudgetSource::InstanceBudgetSource(ImageSource& source, std::string list_digest, std::size_t budget_bytes)
    : source_(source), list_digest_(std::move(list_digest)), budget_bytes_(budget_bytes) {}

// Once an instance did not fit, later ones are refused without being read, so
// at most budget_bytes + max_manifest_bytes are ever read (and cached by the
// source) for one list.
ManifestBlob InstanceBudgetSource::manifest(const std::string& instance_digest) {
    if (instance_digest.empty() || counted_.count(instance_digest) != 0) return source_.manifest(instance_digest);
    if (exhausted_) throw over_budget(instance_digest);
    ManifestBlob blob = source_.manifest(instance_digest);
    if (blob.bytes.size() > budget_bytes_ - used_bytes_) {
        exhausted_ = true;
        throw over_budget(instance_digest);
    }
    used_bytes_ += blob.bytes.size();
    counted_.insert(instance_digest);
    return blob;
}

FetchError InstanceBudgetSource::over_budget(const std::string& instance_digest) const {
    return FetchError("manifest list " + list_digest_ + ": not reading instance " + instance_digest +
                      ": the instance manifests of this image would exceed " + std::to_string(budget_bytes_) + " bytes");
}

std::vector<UntrustedSignature> InstanceBudgetSource::signatures(const std::string& instance_digest) {
    return source_.signatures(instance_digest);
}

}  // namespace imgtrust::image
