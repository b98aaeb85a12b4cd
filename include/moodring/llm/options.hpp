#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace moodring::llm {

// Every limit of one backend. The server's config loader fills this; the defaults suit a
// local Ollama on a small machine.
struct backend_options {
    // Where the backend listens. http only (no TLS): `http://host[:port]`, no path needed;
    // a path prefix such as `http://gw:8080/ollama` is kept in front of every endpoint.
    std::string base_url = "http://127.0.0.1:11434";

    // "ollama" (native /api/chat, /api/generate, NDJSON) or "openai"
    // (/v1/chat/completions, SSE), e.g. llama.cpp's llama-server or Ollama's /v1.
    std::string kind = "ollama";

    // Establishing one TCP connection. Name resolution runs before it, unbounded: fine for
    // addresses and localhost, which is what a local model server is.
    std::chrono::milliseconds connect_timeout{5'000};

    // From sending the request to the first byte of the reply body. Long: a cold model can
    // take a minute to load, and Ollama sends no headers until a request gets its slot.
    std::chrono::milliseconds first_byte_timeout{120'000};

    // Longest silence between two reads once the reply has started.
    std::chrono::milliseconds idle_timeout{30'000};

    // After `done:true` / `[DONE]`, how long to wait for the end of the HTTP message so the
    // connection can go back to the pool; past it the connection is closed instead.
    std::chrono::milliseconds drain_timeout{2'000};

    // Longest NDJSON line or SSE event; Ollama's own Go client accepts 8 MiB.
    std::size_t max_line_bytes = 8 * 1024 * 1024;

    // Longest non-streamed body (error replies, model lists, warm-up answers).
    std::size_t max_body_bytes = 4 * 1024 * 1024;

    // Idle keep-alive connections kept for reuse; more are closed when returned.
    std::size_t pool_size = 4;

    // Extra attempts after a connect failure or a 503, only while nothing has streamed yet;
    // the n-th retry waits retry_backoff * 2^(n-1) (200 ms, 400 ms with the defaults).
    int max_retries = 2;
    std::chrono::milliseconds retry_backoff{200};

    // Ollama's `keep_alive` sent with every request unless the request sets its own: how long
    // the model stays loaded afterwards (Go duration string, "-1" keeps it forever).
    // Empty sends nothing, leaving Ollama's default (5m). Ignored by the openai kind.
    std::string keep_alive = "30m";
};

}  // namespace moodring::llm
