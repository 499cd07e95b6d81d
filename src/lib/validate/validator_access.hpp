// What the library's batch code (run_validation, the signing batch) may do
// with a public Validator beyond its public API: check an entry of a list
// with its position in the list and in the run.
#pragma once

#include <cstddef>

#include "imgtrust/validate.hpp"
#include "validate/image_list.hpp"

namespace imgtrust::validate {

struct ValidatorAccess {
    // Thread-safe; as Validator::check_line, for an entry read from a list.
    static ImageReport check(const Validator& validator, const ListEntry& entry, std::size_t sequence);
};

}  // namespace imgtrust::validate
