// Deleters for the OpenSSL objects the library owns through std::unique_ptr:
// one definition per free function, shared by every file that holds one.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace imgtrust::signature {

// Calls `Free` on a non-null object (every OpenSSL *_free accepts null too).
template <auto Free>
struct OpenSslFree {
    template <typename Object>
    void operator()(Object* object) const {
        Free(object);
    }
};

using X509Deleter = OpenSslFree<X509_free>;
using GeneralNamesDeleter = OpenSslFree<GENERAL_NAMES_free>;
using StoreDeleter = OpenSslFree<X509_STORE_free>;
using StoreContextDeleter = OpenSslFree<X509_STORE_CTX_free>;
using BioDeleter = OpenSslFree<BIO_free>;
using PkeyDeleter = OpenSslFree<EVP_PKEY_free>;
using PkeyContextDeleter = OpenSslFree<EVP_PKEY_CTX_free>;
using MdContextDeleter = OpenSslFree<EVP_MD_CTX_free>;

// STACK_OF(X509): the stack only, or the stack and the certificates it owns.
struct StackDeleter {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
struct OwningStackDeleter {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};

}  // namespace imgtrust::signature
