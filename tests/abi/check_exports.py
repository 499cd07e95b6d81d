#!/usr/bin/env python3
"""The library boundary (issue 16): libimgtrust.so exports only the public API,
and nothing that links the shared library imports anything else.

  check_exports.py --library build/libimgtrust.so.0.1.0 --headers include/imgtrust
                   [--binaries-under build] [BINARY...]

(a) `nm -D --defined-only` on the library. Every exported symbol must be
    - a C symbol named imgtrust_* (the C ABI, include/imgtrust/imgtrust.h), or
      a symbol-version node (IMGTRUST_0, …: src/lib/capi/libimgtrust.map), or
    - a C++ symbol whose entity a public header declares: the outermost name
      after its namespace (`imgtrust::PolicyContext` of
      `imgtrust::PolicyContext::evaluate(…)`, `imgtrust::validate::Validator`
      of `imgtrust::validate::Validator::check_line(…)`) is a class, struct,
      enum or union that include/imgtrust/ defines, or a function or variable
      it declares, at that namespace's scope. The compiler-made companions of
      such an entity count as the entity: its vtable, VTT, typeinfo, typeinfo
      name, thunks and guard variables.
    Everything else is a leak, in particular:
    - names in the library's domain namespaces (imgtrust::util, ::policy,
      ::registry, ::signature, ::sigstore, ::signing, ::image, ::config,
      ::validate, ::reference, ::cli, ::serve, ::capi) that no public header
      declares (a public header may name a type there only opaquely, by a
      forward declaration, e.g. SystemContext's config::TlsDetails);
    - nested classes of public classes that the header only forward-declares
      (the pimpl `struct State;`): their members get the enclosing class's
      default visibility unless the definition is marked hidden;
    - instantiations of standard-library or third-party templates and inline
      functions (std::, __gnu_cxx::, YAML::, …): the code the library merely
      contains; the version script makes them local.
    Parameter types do not matter: a public function may take an opaque type
    (describe_tls_details(imgtrust::config::TlsDetails const&)).
(b) `nm -D --undefined-only` on the imgtrust executable and every other
    binary given or found under --binaries-under that links libimgtrust.so
    (DT_NEEDED): no imported symbol that the library defines in namespace
    imgtrust may be internal by the rule above. (The C ABI and the standard
    library's template code are not imgtrust entities and are not checked.)

The public headers are read by a small scanner, not a C++ parser: it follows
namespace and class braces and records definitions and declarations at
namespace scope and forward-declared nested classes; comments, string literals
and preprocessor lines are skipped. Exit 0 when both checks pass, 1 otherwise,
printing every offending symbol demangled.
"""

import argparse
import os
import re
import subprocess
import sys

DOMAIN_NAMESPACES = ("util", "policy", "registry", "signature", "sigstore", "signing", "image", "config",
                     "validate", "reference", "cli", "serve", "capi")
COMPANION_PREFIXES = ("typeinfo name for ", "typeinfo for ", "vtable for ", "VTT for ", "construction vtable for ",
                      "guard variable for ", "non-virtual thunk to ", "virtual thunk to ", "covariant return thunk to ",
                      "TLS init function for ", "TLS wrapper function for ", "transaction clone for ")
VERSION_NODE = re.compile(r"^[A-Z][A-Z0-9_]*_[0-9][0-9.]*$")


# ---------------------------------------------------------------- public headers

def header_tokens(text):
    """Identifiers, '::' and single punctuation characters; comments, literals and preprocessor lines dropped."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\])*"', " ", text)
    text = re.sub(r"'(\\.|[^'\\])*'", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.findall(r"::|[A-Za-z_]\w*|\S", text)


class PublicDeclarations:
    def __init__(self):
        self.names = {}            # namespace ("imgtrust", "imgtrust::validate") -> names defined/declared there
        self.opaque = {}           # namespace -> classes only forward-declared there
        self.opaque_nested = {}    # "imgtrust::PolicyContext" -> nested classes only forward-declared

    def add(self, table, scope, name):
        table.setdefault(scope, set()).add(name)

    def is_namespace(self, path):
        return path in self.names or path in self.opaque


CLASS_KEYS = ("class", "struct", "union", "enum")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*$")


def declared_type(statement):
    """(name, forward) for a class/struct/union/enum statement (`class IMGTRUST_API Client : Base`,
    `struct TlsDetails`), else (None, False). forward: nothing follows the name."""
    words = [t for t in statement if t != "IMGTRUST_API"]
    if not words or words[0] not in CLASS_KEYS:
        return None, False
    rest = words[1:]
    if words[0] == "enum" and rest[:1] in (["class"], ["struct"]):
        rest = rest[1:]
    if not rest or not IDENTIFIER.match(rest[0]):
        return None, False
    return rest[0], len(rest) == 1


def declared_function_or_variable(statement):
    """The name a namespace-scope function or variable declaration declares, else None:
    the identifier before the parameter list or initializer (`operator==` for operators)."""
    if "operator" in statement:
        start = statement.index("operator")
        end = start + 1
        if statement[end:end + 2] == ["(", ")"]:
            return "operator()"
        while end < len(statement) and statement[end] != "(":
            end += 1
        return "operator" + "".join(statement[start + 1:end])
    depth = 0
    for position, token in enumerate(statement):
        if token == "<":
            depth += 1
        elif token == ">":
            depth -= 1
        elif depth == 0 and token in ("(", "=", "["):
            return statement[position - 1] if position > 0 and IDENTIFIER.match(statement[position - 1]) else None
    return statement[-1] if IDENTIFIER.match(statement[-1]) else None


def scan_header(tokens, declarations):
    # Each open brace: ("namespace", path) | ("class", qualified name) | ("skip", None).
    stack = [("namespace", "")]
    statement = []
    for token in tokens:
        kind, scope = stack[-1]
        if kind == "skip":
            if token == "{":
                stack.append(("skip", None))
            elif token == "}":
                stack.pop()
            continue
        if token == "{":
            stack.append(open_scope(statement, kind, scope, declarations))
            statement = []
        elif token == "}":
            stack.pop()
            statement = []
        elif token == ";":
            close_statement(statement, kind, scope, declarations)
            statement = []
        elif token == ":" and statement in (["public"], ["private"], ["protected"]):
            statement = []
        else:
            statement.append(token)


def open_scope(statement, kind, scope, declarations):
    if statement[:1] == ["namespace"]:
        name = "".join(statement[1:])
        path = (scope + "::" + name) if scope else name
        declarations.names.setdefault(path, set())
        return ("namespace", path)
    if statement[:1] == ["extern"]:  # extern "C" { … }: same scope
        return (kind, scope)
    type_name, _ = declared_type(statement)
    if type_name:
        if kind == "namespace":
            declarations.add(declarations.names, scope, type_name)
        return ("class", scope + "::" + type_name)
    if kind == "namespace" and statement and statement[0] != "template":  # an inline function's body
        name = declared_function_or_variable(statement)
        if name:
            declarations.add(declarations.names, scope, name)
    return ("skip", None)


def close_statement(statement, kind, scope, declarations):
    if not statement or statement[0] in ("using", "friend", "static_assert", "template", "typedef"):
        return
    type_name, forward = declared_type(statement)
    if type_name and forward:
        if kind == "class":
            declarations.add(declarations.opaque_nested, scope, type_name)
        else:
            declarations.add(declarations.opaque, scope, type_name)
        return
    if kind == "namespace":
        name = declared_function_or_variable(statement)
        if name:
            declarations.add(declarations.names, scope, name)


def read_public_declarations(header_dir):
    declarations = PublicDeclarations()
    for entry in sorted(os.listdir(header_dir)):
        if entry.endswith((".hpp", ".h")):
            with open(os.path.join(header_dir, entry), encoding="utf-8") as header:
                scan_header(header_tokens(header.read()), declarations)
    # A name both defined and forward-declared is defined.
    for scope, names in declarations.opaque.items():
        names -= declarations.names.get(scope, set())
    return declarations


# ---------------------------------------------------------------- demangled names

def strip_companion(name):
    changed = True
    while changed:
        changed = False
        for prefix in COMPANION_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
                if prefix == "construction vtable for ":
                    name = name.split("-in-", 1)[-1]
                changed = True
    return name


def strip_parameters(name):
    name = re.sub(r"\[abi:\w+\]", "", name)
    while True:
        trimmed = re.sub(r"\s*(const|volatile|&&|&|noexcept)$", "", name)
        if trimmed == name:
            break
        name = trimmed
    if not name.endswith(")"):
        return name
    depth = 0
    for position in range(len(name) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(name[position], 0)
        if depth == 0:
            return name[:position]
    return name


def entity_components(demangled):
    """['imgtrust', 'validate', 'Validator', 'check_line'] for the entity a symbol names
    (return types of template functions and parameter lists dropped)."""
    name = strip_parameters(strip_companion(demangled))
    components, current, depth, position = [], "", 0, 0
    while position < len(name):
        if depth == 0 and re.match(r"operator\b", name[position:]) and not current:
            current = name[position:]
            break
        char = name[position]
        if char in "<({[":
            depth += 1
        elif char in ">)}]":
            depth -= 1
        if depth == 0 and name.startswith("::", position):
            components.append(current)
            current, position = "", position + 2
            continue
        if depth == 0 and char == " ":  # a return type ended
            components, current = [], ""
        else:
            current += char
        position += 1
    components.append(current)
    return components


def bare(component):
    return component.split("<", 1)[0]


def classify(components, declarations):
    """None when the entity is public, else why not."""
    if components[0] != "imgtrust":
        return "not an imgtrust entity (%s::): template or inline code the library only contains" % components[0]
    depth = 1
    while depth < len(components) and declarations.is_namespace("::".join(components[:depth + 1])):
        depth += 1
    namespace = "::".join(components[:depth])
    if depth == len(components):
        return "a namespace?"
    name = bare(components[depth])
    if name not in declarations.names.get(namespace, set()):
        if depth == 1 and name in DOMAIN_NAMESPACES:
            return "internal namespace imgtrust::%s" % name
        if name in declarations.opaque.get(namespace, set()):
            return "%s::%s is only forward-declared by the public headers (opaque)" % (namespace, name)
        return "%s::%s is not declared in include/imgtrust/" % (namespace, name)
    owner = namespace + "::" + name
    if depth + 1 < len(components) and bare(components[depth + 1]) in declarations.opaque_nested.get(owner, set()):
        return "%s::%s is a forward-declared implementation class (pimpl): define it hidden" % (owner, bare(components[depth + 1]))
    return None


# ---------------------------------------------------------------- symbols

def nm_symbols(path, defined):
    flag = "--defined-only" if defined else "--undefined-only"
    output = subprocess.run(["nm", "-D", flag, path], check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in output.splitlines():
        fields = line.split()
        if not fields:
            continue
        kind, name = (fields[-2], fields[-1]) if len(fields) >= 2 else ("U", fields[-1])
        symbols.append((kind, re.sub(r"@.*$", "", name)))
    return symbols


def demangle(names):
    if not names:
        return {}
    output = subprocess.run(["c++filt"], input="\n".join(names) + "\n", check=True, capture_output=True, text=True).stdout
    return dict(zip(names, output.splitlines()))


def check_library(library, declarations):
    symbols = nm_symbols(library, defined=True)
    demangled = demangle([name for _, name in symbols if name.startswith("_Z")])
    offenders = []
    for kind, name in symbols:
        if not name.startswith("_Z"):
            if not (name.startswith("imgtrust_") or (kind == "A" and VERSION_NODE.match(name))):
                offenders.append((name, "a C symbol outside the C ABI's imgtrust_ prefix"))
            continue
        reason = classify(entity_components(demangled[name]), declarations)
        if reason:
            offenders.append((demangled[name], reason))
    return len(symbols), offenders, {name for _, name in symbols}


def links_library(path, soname_prefix):
    try:
        with open(path, "rb") as file:
            if file.read(4) != b"\x7fELF":
                return False
    except OSError:
        return False
    dynamic = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.search(r"\(NEEDED\)\s+Shared library: \[%s" % re.escape(soname_prefix), dynamic) is not None


def find_binaries(root, library):
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if not d.endswith(".p") and not d.startswith((".", "meson-"))]
        for entry in files:
            path = os.path.join(directory, entry)
            if ".so" in entry or not os.access(path, os.X_OK) or os.path.realpath(path) == os.path.realpath(library):
                continue
            if links_library(path, "libimgtrust.so"):
                found.append(path)
    return found


def check_binary(binary, library_symbols, declarations):
    imported = [name for _, name in nm_symbols(binary, defined=False) if name in library_symbols and name.startswith("_Z")]
    demangled = demangle(imported)
    offenders = []
    for name in imported:
        components = entity_components(demangled[name])
        if components[0] == "imgtrust":
            reason = classify(components, declarations)
            if reason:
                offenders.append((demangled[name], reason))
    return len(imported), offenders


def report(title, offenders):
    print("%s: %d symbol(s)" % (title, len(offenders)))
    for name, reason in sorted(offenders):
        print("  %s\n      %s" % (name, reason))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", required=True, help="the built libimgtrust.so")
    parser.add_argument("--headers", required=True, help="include/imgtrust")
    parser.add_argument("--binaries-under", help="also check every binary under this directory that links libimgtrust.so")
    parser.add_argument("binaries", nargs="*", help="binaries linking libimgtrust.so (the imgtrust executable, consumers)")
    args = parser.parse_args()

    declarations = read_public_declarations(args.headers)
    exported, leaks, library_symbols = check_library(args.library, declarations)
    print("%s exports %d symbol(s)" % (args.library, exported))
    failed = bool(leaks)
    if leaks:
        report("FAIL: exported but not public API", leaks)

    binaries = list(args.binaries)
    if args.binaries_under:
        binaries += [b for b in find_binaries(args.binaries_under, args.library) if b not in binaries]
    for binary in binaries:
        count, internal = check_binary(binary, library_symbols, declarations)
        print("%s imports %d libimgtrust symbol(s)" % (binary, count))
        if internal:
            failed = True
            report("FAIL: %s imports internal symbols" % binary, internal)
    print("FAIL" if failed else "PASS: only the public API is exported and imported")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
