// Search (PROTOCOL "Conversation actions"): the FTS5 indexes of migration 3, read for a viewer.

#include "query_helpers.hpp"
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/sqlite/search_query.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::store::sqlite {
namespace {

// A title holding every word weighs as much as two such messages.
constexpr double title_weight = 2.0;
// The snippet of the best message: at most this many words (tokens) around the match.
constexpr int snippet_tokens = 16;

// Every row (title or message) holding all the words, with its bm25 score (lower is better);
// summed per conversation, so one that matches in its title and in several messages ranks
// above one that matches once. The best message is the bare `message_id` beside the one
// min(): SQLite takes it from the row holding the minimum (titles never win it). The
// viewer's filter and the limit come after grouping, on one row per conversation; the counts
// of the summary are read for the kept rows only.
constexpr const char* search_sql = R"sql(
    WITH hits (conversation_id, message_id, score) AS (
        SELECT m.conversation_id, m.id, bm25(message_search)
        FROM message_search JOIN messages m ON m.id = message_search.rowid
        WHERE message_search MATCH ?1
        UNION ALL
        SELECT conversation_id, NULL, ?4 * bm25(title_search)
        FROM title_search WHERE title_search MATCH ?1
    ),
    best AS (
        SELECT conversation_id, sum(score) AS total,
               min(iif(message_id IS NULL, 1e300, score)), message_id
        FROM hits GROUP BY conversation_id
    ),
    top AS (
        SELECT c.id, c.title, c.created_at, c.updated_at, c.activity, best.total,
               best.message_id
        FROM best JOIN conversations c ON c.id = best.conversation_id
        WHERE ?2 IS NULL OR c.owner_id = ?2
        ORDER BY best.total, c.activity DESC LIMIT ?3
    )
    SELECT id, title, created_at, updated_at,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id),
           (SELECT count(*) FROM messages m WHERE m.conversation_id = top.id AND m.role = 'user'),
           message_id
    FROM top ORDER BY total, activity DESC)sql";

constexpr const char* snippet_sql = R"sql(
    SELECT snippet(message_search, 0, '', '', '…', ?3) FROM message_search
    WHERE message_search MATCH ?1 AND rowid = ?2)sql";

}  // namespace

std::vector<search_hit> repository::search_conversations(
    const std::string& words, int max_results, const viewer& who
) {
    const auto query = fts_query(words);
    std::vector<search_hit> hits;
    if (query.empty() || max_results <= 0) return hits;
    auto q = prepared(search_sql);
    q->bind(1, query);
    bind_viewer(*q, 2, who);
    q->bind(3, max_results);
    q->bind(4, title_weight);
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
        if (!q->getColumn(6).isNull()) hit.message_id = q->getColumn(6).getInt64();
        hits.push_back(std::move(hit));
    }
    // Snippets for the kept conversations only: snippet() re-reads and re-tokenizes a text.
    auto snippet = prepared(snippet_sql);
    for (auto& hit : hits) {
        if (!hit.message_id) {
            hit.snippet = hit.summary.title;
            continue;
        }
        snippet->reset();
        snippet->bind(1, query);
        snippet->bind(2, *hit.message_id);
        snippet->bind(3, snippet_tokens);
        if (snippet->executeStep()) hit.snippet = snippet->getColumn(0).getString();
    }
    return hits;
}

}  // namespace moodring::store::sqlite
