#include "test_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace moodring::test {

namespace {

struct openssl_free {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
    void operator()(X509* cert) const { X509_free(cert); }
    void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
    void operator()(std::FILE* file) const { std::fclose(file); }
};

template <class T>
using owned = std::unique_ptr<T, openssl_free>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    check(extension && X509_add_ext(cert, extension.get(), -1) == 1, "an extension");
}

owned<X509> self_signed(EVP_PKEY* key, const std::string& common_name, long valid_for_s) {
    owned<X509> cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -2 * 60 * 60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), valid_for_s);
    X509_set_pubkey(cert.get(), key);
    auto* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1, "the name");
    X509_set_issuer_name(cert.get(), name);
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    check(X509_sign(cert.get(), key, EVP_sha256()) > 0, "signing");
    return cert;
}

owned<std::FILE> open_for_writing(const std::filesystem::path& path) {
    owned<std::FILE> file(std::fopen(path.c_str(), "wb"));
    check(file != nullptr, "opening the output file");
    return file;
}

}  // namespace

void write_test_certificate(
    const std::filesystem::path& cert_file,
    const std::filesystem::path& key_file,
    const std::string& common_name,
    std::chrono::seconds valid_for
) {
    owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
    check(key != nullptr, "making a key");
    const auto cert = self_signed(key.get(), common_name, static_cast<long>(valid_for.count()));
    const auto key_out = open_for_writing(key_file);
    check(
        PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing the key"
    );
    const auto cert_out = open_for_writing(cert_file);
    check(PEM_write_X509(cert_out.get(), cert.get()) == 1, "writing the certificate");
}

}  // namespace moodring::test
