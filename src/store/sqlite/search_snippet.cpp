// Snippets of search results (PROTOCOL "Conversation actions"), made from the one best
// message of each result. FTS5's snippet() would re-run the whole query to seek to that
// message in every segment of the index, about half a millisecond per result on an index a
// running server has written to; tokenizing one message is a few microseconds.

#include <moodring/store/sqlite/search_snippet.hpp>

#include <sqlite3.h>

#include <stdexcept>

namespace moodring::store::sqlite {
namespace {

// Tokens shown before the first match of a window, so the match reads in its context.
constexpr std::size_t lead_tokens = 2;
constexpr std::string_view ellipsis = "…";

std::size_t distinct_matches(
    const std::vector<text_token>& tokens,
    const std::set<std::string>& wanted,
    std::size_t first,
    std::size_t last
) {
    std::set<std::string_view> seen;
    for (std::size_t i = first; i < last; ++i) {
        if (wanted.count(tokens[i].folded)) seen.insert(tokens[i].folded);
    }
    return seen.size();
}

fts5_api* fts5_of(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, &api, "fts5_api_ptr", nullptr);
        sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    if (!api) throw std::runtime_error("this SQLite has no FTS5");
    return api;
}

}  // namespace

std::string snippet_of(
    std::string_view text,
    const std::vector<text_token>& tokens,
    const std::set<std::string>& wanted,
    std::size_t max_tokens
) {
    if (tokens.empty() || max_tokens == 0) return {};
    const std::size_t count = tokens.size();
    const std::size_t last_start = count > max_tokens ? count - max_tokens : 0;
    std::size_t best_start = 0, best_score = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!wanted.count(tokens[i].folded)) continue;
        const std::size_t start = std::min(i > lead_tokens ? i - lead_tokens : 0, last_start);
        const std::size_t score =
            distinct_matches(tokens, wanted, start, std::min(count, start + max_tokens));
        if (score > best_score) best_start = start, best_score = score;
    }
    const std::size_t end = std::min(count, best_start + max_tokens);
    std::string out;
    if (best_start > 0) out += ellipsis;
    const std::size_t from = tokens[best_start].begin;
    out += text.substr(from, tokens[end - 1].end - from);
    if (end < count) out += ellipsis;
    return out;
}

index_tokenizer::index_tokenizer(sqlite3* db) : functions_(std::make_unique<fts5_tokenizer>()) {
    fts5_api* api = fts5_of(db);
    void* context = nullptr;
    if (api->xFindTokenizer(api, "unicode61", &context, functions_.get()) != SQLITE_OK) {
        throw std::runtime_error("FTS5 has no unicode61 tokenizer");
    }
    const char* arguments[] = {"remove_diacritics", "2"};
    if (functions_->xCreate(context, arguments, 2, &tokenizer_) != SQLITE_OK) {
        throw std::runtime_error("cannot create FTS5's unicode61 tokenizer");
    }
}

index_tokenizer::~index_tokenizer() {
    if (tokenizer_) functions_->xDelete(tokenizer_);
}

std::vector<text_token> index_tokenizer::tokenize(std::string_view text, int flags) const {
    std::vector<text_token> tokens;
    auto collect = [](void* out, int, const char* token, int size, int begin, int end) {
        static_cast<std::vector<text_token>*>(out)->push_back(
            {std::string(token, static_cast<std::size_t>(size)),
             static_cast<std::size_t>(begin),
             static_cast<std::size_t>(end)}
        );
        return SQLITE_OK;
    };
    functions_->xTokenize(
        tokenizer_, &tokens, flags, text.data(), static_cast<int>(text.size()), collect
    );
    return tokens;
}

std::vector<text_token> index_tokenizer::document(std::string_view text) const {
    return tokenize(text, FTS5_TOKENIZE_DOCUMENT);
}

std::set<std::string> index_tokenizer::query(const std::vector<std::string>& words) const {
    std::set<std::string> folded;
    for (const auto& word : words) {
        for (auto& token : tokenize(word, FTS5_TOKENIZE_QUERY)) folded.insert(token.folded);
    }
    return folded;
}

}  // namespace moodring::store::sqlite
