// The sidebar's conversation list: newest first, the open one marked. Its first render of
// the server's answer is marked `moodring:list-rendered` for the browser tests.

import { relativeTime } from '../words.js';
import { byId, el } from './dom.js';

function conversationLink(conversation, currentId) {
    const link = el('a', 'conversation-link');
    link.href = `?c=${encodeURIComponent(conversation.id)}`;
    link.dataset.id = conversation.id;
    if (conversation.id === currentId) link.setAttribute('aria-current', 'page');
    link.append(el('span', 'conversation-title', conversation.title || 'Untitled'));
    const count = Number(conversation.message_count) || 0;
    const messages = `${count} message${count === 1 ? '' : 's'}`;
    const meta = `${messages} · ${relativeTime(conversation.updated_at)}`;
    link.append(el('span', 'conversation-meta', meta));
    return link;
}

/** `onChoose(id)` runs for a plain click on a conversation (modified clicks open a tab). */
export function createConversationListView({ onChoose }) {
    const list = byId('conversation-list');
    const empty = byId('list-empty');
    const failure = byId('list-error');
    let marked = false;
    let shown = {};

    function render(state) {
        const next = {
            conversations: state.conversations,
            currentId: state.current?.id,
            error: state.listError,
            loaded: state.listLoaded,
        };
        if (Object.keys(next).every((k) => next[k] === shown[k])) return;
        shown = next;
        const items = next.conversations.map((c) => {
            const item = el('li');
            item.append(conversationLink(c, next.currentId));
            return item;
        });
        list.replaceChildren(...items);
        empty.hidden = next.conversations.length > 0;
        failure.textContent = next.error;
        failure.hidden = !next.error;
        if (next.loaded && !marked) {
            marked = true;
            performance.mark('moodring:list-rendered');
        }
    }

    list.addEventListener('click', (event) => {
        const link = event.target.closest('a.conversation-link');
        if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        onChoose(link.dataset.id);
    });

    return { render };
}
