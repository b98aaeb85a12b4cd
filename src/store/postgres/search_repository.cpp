// Search (PROTOCOL "Conversation actions"): the tsvectors of the schema, read for a viewer.
// The same answer as SQLite's FTS5 search: every word, taken literally (the text reaches
// Postgres as a parameter of plainto_tsquery, which has no syntax), folded for case and
// diacritics, best match first.

#include "read_rows.hpp"
#include <moodring/store/postgres/repository.hpp>

#include <string>

namespace moodring::store::postgres {
namespace {

// A title holding every word weighs as much as two such messages.
constexpr double title_weight = 2.0;

// The newest `$4` messages of the viewer holding every word, and the newest titles (at most
// as many as the answer holds), are the candidates; their ranks (higher is better) are summed
// per conversation, so that one that matches in its title and in several messages ranks
// above one that matches once. The best message is the candidate of highest rank. The
// snippet is Postgres's own headline of that message (at most 16 words around the match),
// cut where the search's folding found the words; the counts of the summary are read for the
// kept conversations only.
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
           top.message_id, m.content,
           ts_headline('moodring_search', m.content, w.query,
                       'StartSel="", StopSel="", MaxWords=16, MinWords=6, ShortWord=0')
    FROM top LEFT JOIN messages m ON m.id = top.message_id, wanted w
    ORDER BY top.total DESC, top.activity DESC)sql";

// The headline with "…" where it cuts the text, as SQLite's snippets have.
std::string snippet_of(const std::string& text, std::string headline) {
    const auto at = text.find(headline);
    if (headline.empty() || at == std::string::npos) return headline;
    const bool cut_after = at + headline.size() < text.size();
    if (at > 0) headline = "…" + headline;
    if (cut_after) headline += "…";
    return headline;
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
            hit.snippet = snippet_of(found.text(r, 7), found.text(r, 8));
        }
        hits.push_back(std::move(hit));
    }
    return hits;
}

}  // namespace moodring::store::postgres
