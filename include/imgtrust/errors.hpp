// Typed errors thrown by libimgtrust. The library never prints and never exits;
// the CLI maps these types to exit codes in one place (src/cli/exit_codes.cpp).
#pragma once

#include "imgtrust/export.hpp"

#include <stdexcept>
#include <string>

namespace imgtrust {

// Base of every error the library throws on purpose.
class IMGTRUST_API Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// containers-policy.json is invalid. location() names the JSON position,
// e.g. `transports.docker["example.com"][0].keyPath`.
class IMGTRUST_API PolicyFormatError : public Error {
public:
    PolicyFormatError(std::string location, const std::string& message)
        : Error(location.empty() ? message : location + ": " + message), location_(std::move(location)), message_(message) {}
    const std::string& location() const noexcept { return location_; }
    const std::string& bare_message() const noexcept { return message_; }

private:
    std::string location_;
    std::string message_;
};

// Invalid configuration or usage: an unreadable policy or key file, an invalid
// image reference, an unknown transport, a bad registries.d file.
class IMGTRUST_API ConfigError : public Error {
public:
    using Error::Error;
};

// A docker reference or image name that does not follow the reference grammar.
class IMGTRUST_API InvalidReferenceError : public ConfigError {
public:
    using ConfigError::ConfigError;
};

// The image, its manifest or its signatures could not be read.
class IMGTRUST_API FetchError : public Error {
public:
    using Error::Error;
};

// The image (or a manifest it names) does not exist.
class IMGTRUST_API NotFoundError : public FetchError {
public:
    using FetchError::FetchError;
};

}  // namespace imgtrust
