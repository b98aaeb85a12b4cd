// Search (PROTOCOL "Conversation actions"): the tsvectors of the schema, read for a viewer.
// The same answer as SQLite's FTS5 search: every word, taken literally (the text reaches
// Postgres as a parameter of plainto_tsquery, which has no syntax), folded for case and
// diacritics, best match first.

#include "read_rows.hpp"
#include <moodring/store/postgres/repository.hpp>
#include <moodring/store/sqlite/search_query.hpp>
#include <moodring/store/sqlite/search_snippet.hpp>

#include <SQLiteCpp/Database.h>

#include <string>

namespace moodring::store::postgres {
namespace {

// A title holding every word weighs as much as two such messages.
constexpr double title_weight = 2.0;
// The snippet of the best message: at most this many words (tokens) around the match.
constexpr std::size_t snippet_tokens = 16;

// The newest `$4` messages of the viewer holding every word, and the newest titles (at most
// as many as the answer holds), are the candidates; their ranks (higher is better) are summed
// per conversation, so that one that matches in its title and in several messages ranks
// above one that matches once. The best message is the candidate of highest rank; it and the
// counts of the summary are read for the kept conversations only.
constexpr const char* search_sql = R"sql(
    WITH wanted AS (SELECT plainto_tsquery('moodring_search', $1) AS query),
    messages_found AS (
        SELECT m.conversation_id, m.id AS message_id, ts_rank(m.content_search, w.query) AS score
        FROM messages m JOIN conversations c ON c.id = m.conversation_id, wanted w
        WHERE m.content_search @@ w.query AND ($2::bigint IS NULL OR c.owner_id = $2)
        ORDER BY m.id DESC LIMIT $4
    ),
    titles_found AS (
        SELECT c.id AS conversation_id, NULL::bigint AS message_id,
               $5 * ts_rank(c.title_search, w.query) AS score
        FROM conversations c, wanted w
        WHERE c.title_search @@ w.query AND ($2::bigint IS NULL OR c.owner_id = $2)
        ORDER BY c.activity DESC LIMIT least($3, $4)
    ),
    hits AS (SELECT * FROM messages_found UNION ALL SELECT * FROM titles_found),
    best AS (
        SELECT conversation_id, sum(score) AS total,
               (array_agg(message_id ORDER BY score DESC, message_id DESC)
                    FILTER (WHERE message_id IS NOT NULL))[1] AS message_id
        FROM hits GROUP BY conversation_id
    ),
    top AS (
        SELECT c.id, c.title, c.created_at, c.updated_at, c.activity, best.total,
               best.message_id
        FROM best JOIN conversations c ON c.id = best.conversation_id
        ORDER BY best.total DESC, c.activity DESC LIMIT $3
    )
    SELECT top.id, top.title, top.created_at, top.updated_at,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id),
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id AND m.role = 'user'),
           top.message_id, (SELECT content FROM messages m WHERE m.id = top.message_id)
    FROM top ORDER BY top.total DESC, top.activity DESC)sql";

// The snippet is SQLite's (search_snippet.hpp): the words around the best match, found with
// FTS5's own tokenizer from a private in-memory SQLite of each thread, so that both stores cut
// the same text the same way.
std::string snippet_for(const std::string& words, const std::string& text) {
    struct tokenizer_of_thread {
        SQLite::Database db{":memory:"};
        sqlite::index_tokenizer tokenizer{db.getHandle()};
    };
    thread_local tokenizer_of_thread own;
    const auto wanted = own.tokenizer.query(sqlite::search_words(words));
    return sqlite::snippet_of(text, own.tokenizer.document(text), wanted, snippet_tokens);
}

}  // namespace

std::vector<search_hit> repository::search_conversations(
    const std::string& words, int max_results, int max_candidates, const viewer& who
) {
    std::vector<search_hit> hits;
    if (max_results <= 0) return hits;
    const auto found = db_.exec(
        search_sql,
        {words, viewer_param(who), max_results, max_candidates, std::to_string(title_weight)}
    );
    for (int r = 0; r < found.size(); ++r) {
        search_hit hit;
        hit.summary = conversation_summary{
            found.text(r, 0),
            found.text(r, 1),
            found.text(r, 2),
            found.text(r, 3),
            found.integer(r, 4),
            found.integer(r, 5),
        };
        if (found.is_null(r, 6)) {
            hit.snippet = hit.summary.title;
        } else {
            hit.message_id = found.integer(r, 6);
            hit.snippet = snippet_for(words, found.text(r, 7));
        }
        hits.push_back(std::move(hit));
    }
    return hits;
}

}  // namespace moodring::store::postgres
