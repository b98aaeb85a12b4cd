// Searching the conversation list (PROTOCOL.md v2, `GET /api/conversations?q=`) as plain
// logic: what is worth asking, what an answer shows, which result the arrow keys reach, and
// a debouncer whose timers can be replaced in tests. The view is views/search_box.js.

/** The wait after the last keystroke before the page asks the server. */
export const SEARCH_DEBOUNCE_MS = 250;

/** The query as sent: trimmed, runs of white space as one space. Empty: no search. */
export function normalizeQuery(text) {
    return String(text ?? '').trim().replace(/\s+/g, ' ');
}

/** The words of a query, for marking them in snippets. */
export function queryWords(query) {
    return normalizeQuery(query).split(' ').filter(Boolean);
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `snippet` cut into `[{text, match}]`: the parts that are one of `words` (any case) are
 * marked. The view puts each part in as text, never as HTML.
 */
export function highlightParts(snippet, words) {
    const text = String(snippet ?? '');
    const wanted = [...new Set(words.filter(Boolean))].sort((a, b) => b.length - a.length);
    if (!text || wanted.length === 0) return text ? [{ text, match: false }] : [];
    const pattern = new RegExp(wanted.map(escapeRegExp).join('|'), 'giu');
    const parts = [];
    let at = 0;
    for (const found of text.matchAll(pattern)) {
        if (found.index > at) parts.push({ text: text.slice(at, found.index), match: false });
        parts.push({ text: found[0], match: true });
        at = found.index + found[0].length;
    }
    if (at < text.length) parts.push({ text: text.slice(at), match: false });
    return parts;
}

/** The answer's conversations as results: `{id, title, snippet, messageId, count, updatedAt}`. */
export function searchResults(answer) {
    const list = Array.isArray(answer?.conversations) ? answer.conversations : [];
    return list
        .filter((c) => c && (typeof c.id === 'string' || typeof c.id === 'number'))
        .map((c) => ({
            id: String(c.id),
            title: typeof c.title === 'string' && c.title ? c.title : 'Untitled',
            snippet: typeof c.match?.snippet === 'string' ? c.match.snippet : '',
            messageId: c.match?.message_id == null ? null : String(c.match.message_id),
            count: Number(c.message_count) || 0,
            updatedAt: c.updated_at,
        }));
}

/**
 * Where focus goes on `key` from result `index` (-1: the search box) among `count` results:
 * a result index, -1 for the box, or null when the key is not a move.
 */
export function nextFocus(index, key, count) {
    if (count === 0) return null;
    switch (key) {
        case 'ArrowDown':
            return Math.min(index + 1, count - 1);
        case 'ArrowUp':
            return index <= 0 ? -1 : index - 1;
        case 'Home':
            return index < 0 ? null : 0;
        case 'End':
            return index < 0 ? null : count - 1;
        default:
            return null;
    }
}

/** `fn(value)` runs `ms` after the last `call(value)`; `flush()` runs it now, `cancel()` never. */
export function createDebouncer(fn, ms, timers = globalThis) {
    let timer = null;
    let pending;
    return {
        call(value) {
            pending = value;
            timers.clearTimeout(timer);
            timer = timers.setTimeout(() => {
                timer = null;
                fn(pending);
            }, ms);
        },
        flush() {
            if (timer === null) return;
            timers.clearTimeout(timer);
            timer = null;
            fn(pending);
        },
        cancel() {
            timers.clearTimeout(timer);
            timer = null;
        },
    };
}
