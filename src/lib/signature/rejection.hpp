// Thrown while checking ONE signature: the signature is rejected with this
// reason, which is not an error of the whole evaluation (c/image's sarRejected).
// The kind is set where the rejection is made; reports use the kind, never the
// message. A rejection that names no kind is an invalid (malformed or
// unusable) signature; a site that knows more says so:
// SignatureRejected(RejectionKind::untrusted_signer, "…").
#pragma once

#include <stdexcept>
#include <string>

#include "imgtrust/verify.hpp"

namespace imgtrust::signature {

class SignatureRejected : public std::runtime_error {
public:
    explicit SignatureRejected(const std::string& reason) : SignatureRejected(RejectionKind::invalid_signature, reason) {}
    SignatureRejected(RejectionKind kind, const std::string& reason) : std::runtime_error(reason), kind_(kind) {}
    RejectionKind kind() const noexcept { return kind_; }

private:
    RejectionKind kind_;
};

}  // namespace imgtrust::signature
