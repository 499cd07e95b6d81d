// Which declarations libimgtrust exports. The library is built with
// -fvisibility=hidden: only what include/imgtrust/ marks IMGTRUST_API is in
// the dynamic symbol table (nm -D), and only that may be linked by the CLI,
// embedders and the C ABI (include/imgtrust/imgtrust.h).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define IMGTRUST_API __attribute__((visibility("default")))
#else
#define IMGTRUST_API
#endif
