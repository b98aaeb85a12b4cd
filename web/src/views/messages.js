// The message log: stored and finished messages (each rendered once and kept while it does
// not change), the live reply's element at the end, the start page when no conversation is
// open, and following the newest message unless the reader scrolled up.

import { renderMarkdown } from '../markdown.js';
import { clockTime, describeTimings, STATUS_WORDS } from '../words.js';
import { byId, copyButton, decorateCodeBlocks, el } from './dom.js';

/** How close to the bottom (px) still counts as reading the newest message. */
const FOLLOW_SLACK_PX = 48;
const EMPTY_TEXT = 'No messages yet. Say something — the colours follow the mood.';

function signatureOf(m, editing) {
    const open = editing?.messageId === m.id && m.id != null ? 'e' : '';
    return [m.role, m.status, m.id ?? '', open, m.error ?? '', m.timings ? 1 : 0, m.content]
        .join('\u0000');
}

/** How long a message found by a search stays marked. */
const FOUND_MARK_MS = 2500;

function messageMeta(m, tools) {
    const meta = el('div', 'msg-meta');
    if (m.timestamp) {
        const time = el('time', 'msg-time', clockTime(m.timestamp));
        time.dateTime = m.timestamp;
        meta.append(time);
    }
    const word = STATUS_WORDS[m.status];
    if (word) meta.append(el('span', 'msg-status', word));
    if (m.timings) {
        const text = describeTimings(m.timings, m.tokens ?? 0);
        if (text) meta.append(el('span', 'msg-timings', text));
    }
    if (m.content) {
        const label = m.role === 'user' ? 'Copy your message' : 'Copy reply';
        meta.append(copyButton(label, () => m.content));
    }
    tools.decorate(meta, m);
    return meta;
}

function messageElement(m, tools, editing) {
    const article = el('article', `msg msg-${m.role}`);
    article.dataset.status = m.status;
    if (m.id != null) article.dataset.messageId = String(m.id);
    article.setAttribute('aria-label', m.role === 'user' ? 'You said' : 'Reply');
    const bubble = el('div', 'msg-bubble');
    const body = el('div', 'msg-body md');
    if (m.status === 'streaming' && !m.content) {
        // Stored as in progress: the socket brings its text (or the reply ends meanwhile).
        body.append(el('span', 'msg-placeholder', 'Reply in progress…'));
    }
    if (editing?.messageId === m.id && m.id != null) {
        article.classList.add('editing');
        bubble.append(tools.editor(m, editing.draft));
        article.append(bubble);
        return article;
    }
    body.append(renderMarkdown(m.content));
    decorateCodeBlocks(body);
    bubble.append(body);
    if (m.error) bubble.append(el('p', 'msg-error', m.error));
    article.append(bubble, messageMeta(m, tools));
    return article;
}

/** Puts `nodes` into `container` in order, moving only what changed (scrolling survives). */
function reconcile(container, nodes) {
    let cursor = container.firstChild;
    for (const node of nodes) {
        if (node === cursor) cursor = cursor.nextSibling;
        else container.insertBefore(node, cursor);
    }
    while (cursor) {
        const next = cursor.nextSibling;
        cursor.remove();
        cursor = next;
    }
}

/**
 * `liveReply` is the live reply's view (its `element` goes last); `tools` adds the action
 * buttons and the editor (views/message_tools.js). `onJump` runs after the "↓ Latest"
 * button brought the newest message back.
 */
export function createMessagesView({ liveReply, tools, onJump }) {
    const log = byId('messages');
    const welcome = byId('welcome');
    const jump = byId('jump-latest');
    const rendered = new Map(); // message key -> {element, signature}
    let following = true;
    let shown = {};

    function elementFor(m, editing) {
        const signature = signatureOf(m, editing);
        const cached = rendered.get(m.key);
        if (cached && cached.signature === signature) return cached.element;
        const element = messageElement(m, tools, editing);
        rendered.set(m.key, { element, signature });
        return element;
    }

    function showWelcome() {
        log.replaceChildren(welcome);
        welcome.hidden = false;
    }

    function showMessages(messages, live, editing) {
        welcome.hidden = true;
        const nodes = [];
        const keep = new Set();
        for (const m of messages) {
            // A reply stored as streaming: the live one stands in for it.
            if (live?.messageId != null && m.id === live.messageId) continue;
            nodes.push(elementFor(m, editing));
            keep.add(m.key);
        }
        for (const key of rendered.keys()) if (!keep.has(key)) rendered.delete(key);
        if (liveReply.element) nodes.push(liveReply.element);
        if (nodes.length === 0) nodes.push(el('p', 'messages-empty', EMPTY_TEXT));
        reconcile(log, nodes);
        followLatest();
    }

    /** Keeps the newest message in view, unless the reader scrolled up (then offers the jump). */
    function followLatest(force = false) {
        if (force) following = true;
        if (!following) {
            jump.hidden = false;
            return;
        }
        log.scrollTop = log.scrollHeight;
        jump.hidden = true;
    }

    /** Redraws when the conversation, its messages or the live reply's element changed. */
    function render(state) {
        // The log is announced once the reply is whole, not chunk by chunk.
        log.setAttribute('aria-busy', String(state.loading || Boolean(state.live)));
        const next = {
            conversationId: state.current?.id,
            loading: state.loading,
            messages: state.messages,
            liveElement: liveReply.element,
            liveMessageId: state.live?.messageId,
            editing: state.editing,
        };
        if (Object.keys(next).every((k) => next[k] === shown[k])) return;
        // Message keys are only unique within a conversation.
        if (next.conversationId !== shown.conversationId) rendered.clear();
        shown = next;
        if (!state.current) showWelcome();
        // While the first answer is on its way, the previous log stays (no empty flash).
        else if (!next.loading) showMessages(state.messages, state.live, state.editing);
    }

    /** Scrolls message `messageId` into view and marks it a moment (a search found it). */
    function reveal(messageId) {
        if (messageId == null) return false;
        const selector = `.msg[data-message-id="${CSS.escape(String(messageId))}"]`;
        const target = log.querySelector(selector);
        if (!target) return false;
        following = false;
        target.scrollIntoView({ block: 'center' });
        target.classList.add('found');
        setTimeout(() => target.classList.remove('found'), FOUND_MARK_MS);
        const fromBottom = log.scrollHeight - log.scrollTop - log.clientHeight;
        following = fromBottom < FOLLOW_SLACK_PX;
        jump.hidden = following;
        return true;
    }

    log.addEventListener('scroll', () => {
        const fromBottom = log.scrollHeight - log.scrollTop - log.clientHeight;
        following = fromBottom < FOLLOW_SLACK_PX;
        if (following) jump.hidden = true;
    }, { passive: true });
    jump.addEventListener('click', () => {
        followLatest(true);
        onJump?.();
    });

    tools.attach(log);
    return { render, followLatest, reveal };
}
