#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace moodring::net {

// server.tls_cert_file and server.tls_key_file: PEM files, the certificate followed by any
// intermediate certificates, and its private key.
struct tls_files {
    std::string cert_file;
    std::string key_file;
};

// The server's TLS settings and certificate as an OpenSSL context, which each new connection
// takes. `reload` builds a fresh context from the files and swaps it in: connections already
// open keep the context they started with, new ones get the new certificate.
class tls_credentials {
public:
    // Throws config_error naming the setting and the file when a file cannot be read, is not
    // PEM, or the key does not belong to the certificate.
    explicit tls_credentials(tls_files files);

    // The context for a new connection; the connection keeps it alive as long as it needs it.
    std::shared_ptr<boost::asio::ssl::context> current() const;

    // Reads the files again. On success new connections use the new certificate and the
    // reload is logged; on failure the old one stays, the error is logged (naming the file)
    // and false is returned. Reads files: call it where blocking for that long is fine.
    bool reload();

    const tls_files& files() const { return files_; }

private:
    tls_files files_;
    mutable std::mutex mutex_;  // guards `current_`, held only to copy or swap the pointer
    std::shared_ptr<boost::asio::ssl::context> current_;
};

// A server context from `files` with moodring's TLS settings (see tls_credentials.cpp).
// Throws config_error as the constructor above.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_files& files);

}  // namespace moodring::net
