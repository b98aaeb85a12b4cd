// The search box over the conversation list (PROTOCOL.md v2, `GET /api/conversations?q=`).
// Results come as the user types (debounced); while a query stands they replace the list.
// Each shows its title and the server's snippet, put in as text with the query's words in
// <mark>. ArrowDown goes from the box into the results, the arrows move between them, Tab
// reaches them too; Enter opens one (Enter in the box opens the first); Esc clears.
// A refused query (400, e.g. too long) shows the server's sentence in the status line.

import { api } from '../api.js';
import {
    createDebouncer,
    highlightParts,
    nextFocus,
    normalizeQuery,
    queryWords,
    SEARCH_DEBOUNCE_MS,
    searchResults,
} from '../search.js';
import { relativeTime } from '../words.js';
import { byId, el } from './dom.js';

function snippetElement(snippet, words) {
    const line = el('span', 'search-snippet');
    for (const part of highlightParts(snippet, words)) {
        line.append(part.match ? el('mark', '', part.text) : document.createTextNode(part.text));
    }
    return line;
}

function resultLink(result, words, currentId) {
    const link = el('a', 'conversation-link search-result');
    link.href = `?c=${encodeURIComponent(result.id)}`;
    link.dataset.id = result.id;
    if (result.messageId != null) link.dataset.messageId = result.messageId;
    if (result.id === currentId) link.setAttribute('aria-current', 'page');
    link.append(el('span', 'conversation-title', result.title));
    if (result.snippet) link.append(snippetElement(result.snippet, words));
    const messages = `${result.count} message${result.count === 1 ? '' : 's'}`;
    link.append(el('span', 'conversation-meta', `${messages} · ${relativeTime(result.updatedAt)}`));
    return link;
}

/** `onOpen(id, messageId)` opens a result (messageId: the matched message, or null). */
export function createSearchBox({ onOpen }) {
    const input = byId('search-input');
    const nav = input.closest('aside').querySelector('.conversation-nav');
    const results = byId('search-results');
    const status = byId('search-status');
    let controller = null;
    let asked = 0; // answers to older queries are dropped
    let shown = { query: '', items: [] };
    let currentId = null;
    const debounced = createDebouncer(search, SEARCH_DEBOUNCE_MS);

    function say(text, kind = 'info') {
        status.textContent = text;
        status.dataset.kind = kind;
        status.hidden = !text;
    }

    function show(query, items) {
        shown = { query, items };
        const words = queryWords(query);
        results.replaceChildren(...items.map((r) => {
            const item = el('li');
            item.append(resultLink(r, words, currentId));
            return item;
        }));
        results.hidden = items.length === 0;
        const found = `${items.length} conversation${items.length === 1 ? '' : 's'} found.`;
        say(items.length ? found : `No conversation matches “${query}”.`);
    }

    async function search(text) {
        const query = normalizeQuery(text);
        controller?.abort();
        asked += 1;
        const mine = asked;
        if (!query) return;
        controller = new AbortController();
        results.setAttribute('aria-busy', 'true');
        try {
            const answer = await api.searchConversations(query, controller.signal);
            if (mine === asked) show(query, searchResults(answer));
        } catch (err) {
            if (err?.name === 'AbortError' || mine !== asked) return;
            shown = { query, items: [] };
            results.replaceChildren();
            results.hidden = true;
            say(err.message, 'error');
        } finally {
            if (mine === asked) results.removeAttribute('aria-busy');
        }
    }

    /** Back to the conversation list. */
    function clear({ focus = false } = {}) {
        debounced.cancel();
        controller?.abort();
        asked += 1;
        input.value = '';
        shown = { query: '', items: [] };
        results.replaceChildren();
        results.hidden = true;
        say('');
        delete nav.dataset.searching;
        if (focus) input.focus();
    }

    function links() {
        return [...results.querySelectorAll('a.search-result')];
    }

    function open(link) {
        onOpen(link.dataset.id, link.dataset.messageId ?? null);
    }

    input.addEventListener('input', () => {
        if (!normalizeQuery(input.value)) {
            clear();
            return;
        }
        nav.dataset.searching = 'true';
        debounced.call(input.value);
    });
    input.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation(); // Esc here is not "stop the reply"
            clear({ focus: true });
        } else if (event.key === 'Enter') {
            event.preventDefault();
            const query = normalizeQuery(input.value);
            if (query && shown.query === query && links()[0]) open(links()[0]);
            else debounced.flush();
        } else if (nextFocus(-1, event.key, links().length) !== null) {
            event.preventDefault();
            links()[0].focus();
        }
    });
    results.addEventListener('keydown', (event) => {
        const all = links();
        const index = all.indexOf(document.activeElement);
        if (event.key === 'Escape') {
            event.stopPropagation();
            clear({ focus: true });
            return;
        }
        const to = nextFocus(index, event.key, all.length);
        if (to === null) return;
        event.preventDefault();
        (to < 0 ? input : all[to]).focus();
    });
    results.addEventListener('click', (event) => {
        const link = event.target.closest('a.search-result');
        if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        open(link);
    });

    return {
        /** Marks the open conversation among the results. */
        render(state) {
            const id = state.current?.id ?? null;
            if (id === currentId) return;
            currentId = id;
            for (const link of links()) {
                if (link.dataset.id === id) link.setAttribute('aria-current', 'page');
                else link.removeAttribute('aria-current');
            }
        },
        /** Signed out: the query and its results go. */
        reset: () => clear(),
    };
}
