#include <moodring/store/sqlite/search_query.hpp>

namespace moodring::store::sqlite {
namespace {

// Spaces and every ASCII control character (NUL included, which would end FTS5's reading of
// the query early) separate words.
bool is_space(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) ++i;
        if (i > start) words.emplace_back(text.substr(start, i - start));
    }
    return words;
}

std::string fts_query(std::string_view text) {
    std::string query;
    for (const auto& word : search_words(text)) {
        if (!query.empty()) query += ' ';
        query += '"';
        for (char c : word) {
            if (c == '"') query += '"';
            query += c;
        }
        query += '"';
    }
    return query;
}

}  // namespace moodring::store::sqlite
