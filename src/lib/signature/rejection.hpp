// Thrown while checking ONE signature: the signature is rejected with this
// reason, which is not an error of the whole evaluation (c/image's sarRejected).
#pragma once

#include <stdexcept>
#include <string>

namespace imgtrust::signature {

class SignatureRejected : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace imgtrust::signature
