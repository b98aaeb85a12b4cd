// Search (PROTOCOL "Conversation actions"): the FTS5 indexes of migration 3, read for a viewer.

#include "query_helpers.hpp"
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/sqlite/search_query.hpp>
#include <moodring/store/sqlite/search_snippet.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::store::sqlite {
namespace {

// A title holding every word weighs as much as two such messages.
constexpr double title_weight = 2.0;
// The snippet of the best message: at most this many words (tokens) around the match.
constexpr std::size_t snippet_tokens = 16;

// The newest `?5` messages of the viewer holding every word, and the newest `?3` titles, are
// the candidates: FTS5 walks its list of matches newest first and stops there, so a word found
// in most messages costs no more than a rare one, and bm25 is computed for the candidates only.
// (Titles are fewer: as many as the answer can hold, since one title match weighs no more than
// two messages and most words found in many titles are found in more messages.) Their scores
// (lower is better) are summed per conversation, so one that matches in its title and in
// several messages ranks above one that matches once. The best message is the bare
// `message_id` beside the one min(): SQLite takes it from the row holding the minimum (titles
// never win it). The counts of the summary are read for the kept conversations only.
constexpr const char* search_sql = R"sql(
    WITH messages_found (conversation_id, message_id, score) AS (
        SELECT m.conversation_id, m.id, bm25(message_search)
        FROM message_search
        JOIN messages m ON m.id = message_search.rowid
        JOIN conversations c ON c.id = m.conversation_id
        WHERE message_search MATCH ?1 AND (?2 IS NULL OR c.owner_id = ?2)
        ORDER BY message_search.rowid DESC LIMIT ?5
    ),
    titles_found (conversation_id, message_id, score) AS (
        SELECT t.conversation_id, NULL, ?4 * bm25(title_search)
        FROM title_search t
        JOIN conversations c ON c.id = t.conversation_id
        WHERE title_search MATCH ?1 AND (?2 IS NULL OR c.owner_id = ?2)
        ORDER BY t.rowid DESC LIMIT min(?3, ?5)
    ),
    hits AS (SELECT * FROM messages_found UNION ALL SELECT * FROM titles_found),
    best AS (
        SELECT conversation_id, sum(score) AS total,
               min(iif(message_id IS NULL, 1e300, score)), message_id
        FROM hits GROUP BY conversation_id
    ),
    top AS (
        SELECT c.id, c.title, c.created_at, c.updated_at, c.activity, best.total,
               best.message_id
        FROM best JOIN conversations c ON c.id = best.conversation_id
        ORDER BY best.total, c.activity DESC LIMIT ?3
    )
    SELECT id, title, created_at, updated_at,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id),
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id AND m.role = 'user'),
           message_id, (SELECT content FROM messages m WHERE m.id = top.message_id)
    FROM top ORDER BY total, activity DESC)sql";

}  // namespace

std::vector<search_hit> repository::search_conversations(
    const std::string& words, int max_results, int max_candidates, const viewer& who
) {
    const auto query = fts_query(words);
    std::vector<search_hit> hits;
    if (query.empty() || max_results <= 0) return hits;
    auto q = prepared(search_sql);
    q->bind(1, query);
    bind_viewer(*q, 2, who);
    q->bind(3, max_results);
    q->bind(4, title_weight);
    q->bind(5, max_candidates);
    // Snippets for the kept conversations only, each from its best message's text (a title
    // match shows its title).
    const index_tokenizer tokenizer(db_->getHandle());
    const auto wanted = tokenizer.query(search_words(words));
    while (q->executeStep()) {
        search_hit hit;
        hit.summary = conversation_summary{
            q->getColumn(0).getString(),
            q->getColumn(1).getString(),
            q->getColumn(2).getString(),
            q->getColumn(3).getString(),
            q->getColumn(4).getInt64(),
            q->getColumn(5).getInt64(),
        };
        if (q->getColumn(6).isNull()) {
            hit.snippet = hit.summary.title;
        } else {
            hit.message_id = q->getColumn(6).getInt64();
            const std::string text = q->getColumn(7).getString();
            hit.snippet = snippet_of(text, tokenizer.document(text), wanted, snippet_tokens);
        }
        hits.push_back(std::move(hit));
    }
    return hits;
}

}  // namespace moodring::store::sqlite
