// Which declarations libimgtrust exports. The library is built with
// -fvisibility=hidden: only what include/imgtrust/ marks IMGTRUST_API is in
// the dynamic symbol table (nm -D), and only that may be linked by the CLI,
// embedders and the C ABI (include/imgtrust/imgtrust.h).
#pragma once

// IMGTRUST_LOCAL marks the definition of a class that a public class only
// forward-declares (its pimpl `struct State`): a nested class takes the
// enclosing class's default visibility, so its out-of-line members would
// otherwise be exported (tests/abi/check_exports.py reports them).
#if defined(__GNUC__) || defined(__clang__)
#define IMGTRUST_API __attribute__((visibility("default")))
#define IMGTRUST_LOCAL __attribute__((visibility("hidden")))
#else
#define IMGTRUST_API
#define IMGTRUST_LOCAL
#endif
