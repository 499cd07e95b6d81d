#include "sigstore/public_good_root.hpp"

#include "sigstore/trusted_root.hpp"

namespace imgtrust::sigstore {

const TrustedRoot& public_good_trusted_root() {
    static const TrustedRoot root =
        parse_trusted_root(embedded_public_good_trusted_root(), "built-in public-good root (@sigstore/tuf 5.0.1 seeds)");
    return root;
}

}  // namespace imgtrust::sigstore
