// The moodring page: conversation list, chat, live theme. Wires the DOM to api.js and
// socket.js; the Markdown, theme and file rules live in their own modules.

import { api, ApiError } from './api.js';
import { checkContextFile } from './files.js';
import { renderMarkdown, StreamingMarkdown } from './markdown.js';
import { ConversationSocket } from './socket.js';
import { applyTheme } from './theme.js';
import {
    clockTime,
    describeErrorFrame,
    describeQueue,
    describeTimings,
    relativeTime,
    STATUS_WORDS,
} from './words.js';

const $ = (id) => document.getElementById(id);
const els = {
    app: $('app'),
    sidebar: $('sidebar'),
    toggleSidebar: $('toggle-sidebar'),
    scrim: $('scrim'),
    newConversation: $('new-conversation'),
    list: $('conversation-list'),
    listEmpty: $('list-empty'),
    listError: $('list-error'),
    title: $('chat-title'),
    themeName: $('theme-name'),
    themePending: $('theme-pending'),
    edit: $('edit-conversation'),
    remove: $('delete-conversation'),
    banner: $('offline-banner'),
    bannerText: $('offline-text'),
    retry: $('retry-now'),
    messages: $('messages'),
    welcome: $('welcome'),
    welcomeNew: $('welcome-new'),
    jump: $('jump-latest'),
    status: $('status-line'),
    notice: $('notice'),
    composer: $('composer'),
    input: $('composer-input'),
    send: $('send'),
    stop: $('stop'),
    dialog: $('conversation-dialog'),
    dialogForm: $('conversation-form'),
    dialogTitle: $('conversation-dialog-title'),
    fieldTitle: $('field-title'),
    fieldContext: $('field-context'),
    fieldFile: $('field-file'),
    fileInfo: $('file-info'),
    dialogError: $('dialog-error'),
    dialogSave: $('dialog-save'),
    dialogCancel: $('dialog-cancel'),
    confirm: $('confirm-dialog'),
    confirmText: $('confirm-text'),
    confirmYes: $('confirm-yes'),
    confirmNo: $('confirm-no'),
};

const state = {
    conversations: [],
    current: null, // the open Conversation (without its messages)
    messages: [], // {key, id?, role, content, status, timestamp, timings?, tokens?, error?}
    live: null, // the reply streaming now, see newLive()
    socket: null,
    connection: 'closed',
    pendingTurns: [], // request_ids sent and not started yet
    themePending: false,
    themeSeenSinceEnd: false,
    themeTimer: null,
    stick: true,
    firstListRender: true,
    localKey: 0,
};

const messageCache = new Map(); // key -> {el, signature}

// ---------------------------------------------------------------- small helpers

function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
}

/** Message ids compare as strings, whatever JSON type the server used. */
function idOf(value) {
    return value == null ? undefined : String(value);
}

function newRequestId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

let noticeTimer = null;
/** A quiet note that goes away by itself. */
function notify(text, { ms = 4000 } = {}) {
    els.notice.textContent = text;
    els.notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
        els.notice.hidden = true;
        els.notice.textContent = '';
    }, ms);
}

function setStatus(text, kind = 'info') {
    els.status.textContent = text || '';
    els.status.dataset.kind = kind;
    els.status.hidden = !text;
}

async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        const area = el('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.className = 'offscreen';
        document.body.append(area);
        area.select();
        let ok = false;
        try {
            ok = document.execCommand('copy');
        } catch {
            ok = false;
        }
        area.remove();
        return ok;
    }
}

function copyButton(label, getText) {
    const button = el('button', 'copy-btn', 'Copy');
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.addEventListener('click', async () => {
        const ok = await copyText(getText());
        button.textContent = ok ? 'Copied' : 'Copy failed';
        button.classList.toggle('copied', ok);
        setTimeout(() => {
            button.textContent = 'Copy';
            button.classList.remove('copied');
        }, 1500);
    });
    return button;
}

// ---------------------------------------------------------------- URL

function idFromUrl() {
    const id = new URLSearchParams(location.search).get('c');
    return id && id.length <= 200 ? id : null;
}

function setUrl(id, { push }) {
    const url = new URL(location.href);
    if (id) url.searchParams.set('c', id);
    else url.searchParams.delete('c');
    if (url.href === location.href) return;
    if (push) history.pushState({ c: id }, '', url);
    else history.replaceState({ c: id }, '', url);
}

// ---------------------------------------------------------------- conversation list

async function loadConversationList() {
    try {
        state.conversations = await api.listConversations();
        els.listError.hidden = true;
    } catch (err) {
        els.listError.textContent = err.message;
        els.listError.hidden = false;
        if (err.offline) showOffline('The server cannot be reached.');
    }
    renderConversationList();
}

let listRefreshTimer = null;
function refreshConversationListSoon() {
    clearTimeout(listRefreshTimer);
    listRefreshTimer = setTimeout(loadConversationList, 150);
}

function renderConversationList() {
    const items = state.conversations.map((c) => {
        const li = el('li');
        const a = el('a', 'conversation-link');
        a.href = `?c=${encodeURIComponent(c.id)}`;
        a.dataset.id = c.id;
        if (state.current && c.id === state.current.id) a.setAttribute('aria-current', 'page');
        a.append(el('span', 'conversation-title', c.title || 'Untitled'));
        const count = Number(c.message_count) || 0;
        const meta = `${count} message${count === 1 ? '' : 's'} · ${relativeTime(c.updated_at)}`;
        a.append(el('span', 'conversation-meta', meta));
        li.append(a);
        return li;
    });
    els.list.replaceChildren(...items);
    els.listEmpty.hidden = state.conversations.length > 0;
    if (state.firstListRender) {
        state.firstListRender = false;
        performance.mark('moodring:list-rendered');
    }
}

// ---------------------------------------------------------------- opening a conversation

function resetConversationView() {
    state.socket?.close();
    state.socket = null;
    state.current = null;
    state.messages = [];
    state.live = null;
    state.pendingTurns = [];
    messageCache.clear();
    setThemePending(false);
    setStatus('');
    hideOffline();
}

async function selectConversation(id, { push = true } = {}) {
    if (state.current?.id === id && state.socket) return;
    resetConversationView();
    setUrl(id, { push });
    closeSidebarOnPhone();
    if (!id) {
        showWelcome();
        return;
    }
    state.current = { id, title: '' };
    renderHeader();
    renderConversationList();
    els.messages.setAttribute('aria-busy', 'true');
    let conversation;
    try {
        conversation = await api.getConversation(id);
    } catch (err) {
        if (state.current?.id !== id) return;
        if (err.status === 404) {
            resetConversationView();
            setUrl(null, { push: false });
            showWelcome();
            notify('That conversation does not exist any more.');
            refreshConversationListSoon();
            return;
        }
        setStatus(err.message, 'error');
        if (err.offline) showOffline('The server cannot be reached.');
        els.messages.setAttribute('aria-busy', 'false');
        openSocket(id);
        return;
    }
    if (state.current?.id !== id) return;
    adoptConversation(conversation, { instant: true });
    els.messages.setAttribute('aria-busy', 'false');
    openSocket(id);
}

/** Takes a Conversation from the REST API as the truth for completed messages and theme. */
function adoptConversation(conversation, { instant = false } = {}) {
    const { messages = [], current_theme: theme = null, ...rest } = conversation;
    state.current = { ...rest, current_theme: theme };
    state.messages = messages.map((m, i) => ({
        key: m.id != null ? `m${m.id}` : `s${i}`,
        id: idOf(m.id),
        role: m.role === 'user' ? 'user' : 'assistant',
        content: String(m.content ?? ''),
        status: m.status || 'complete',
        timestamp: m.timestamp,
    }));
    showTheme(theme, { instant });
    renderHeader();
    renderConversationList();
    renderMessages();
    scrollToBottom(true);
    updateComposer();
}

async function refreshConversation() {
    const id = state.current?.id;
    if (!id) return;
    try {
        const conversation = await api.getConversation(id);
        if (state.current?.id !== id) return;
        const stick = state.stick;
        adoptConversation(conversation);
        if (stick) scrollToBottom(true);
    } catch (err) {
        if (state.current?.id !== id) return;
        if (err.status === 404) {
            resetConversationView();
            setUrl(null, { push: false });
            showWelcome();
            notify('This conversation was deleted.');
            refreshConversationListSoon();
        }
    }
}

function showWelcome() {
    showTheme(null);
    renderHeader();
    renderConversationList();
    els.messages.replaceChildren(els.welcome);
    els.welcome.hidden = false;
    updateComposer();
}

function renderHeader() {
    const c = state.current;
    els.title.textContent = c ? c.title || 'Untitled' : 'moodring';
    els.edit.disabled = !c;
    els.remove.disabled = !c;
    const theme = c?.themeShown;
    els.themeName.textContent = theme?.name ? `${theme.icon ? `${theme.icon} ` : ''}${theme.name}` : '';
    els.themeName.hidden = !theme?.name;
    const icon = theme?.icon ? `${theme.icon} ` : '';
    document.title = c ? `${icon}${c.title || 'Untitled'} · moodring` : 'moodring';
}

/** `instant` skips the animation: opening a conversation should not fade in its colours. */
function showTheme(theme, { instant = false } = {}) {
    const root = document.documentElement;
    if (instant) {
        root.dataset.instant = 'true';
        requestAnimationFrame(() => requestAnimationFrame(() => delete root.dataset.instant));
    }
    const applied = applyTheme(theme);
    if (state.current) state.current.themeShown = applied;
    document.documentElement.dataset.themed = applied ? 'true' : 'false';
    renderHeader();
}

// ---------------------------------------------------------------- messages

function signatureOf(m) {
    return `${m.role}\u0000${m.status}\u0000${m.error ?? ''}\u0000${m.timings ? 1 : 0}\u0000${m.content}`;
}

function decorateCodeBlocks(body) {
    for (const pre of body.querySelectorAll('pre')) {
        const code = pre.querySelector('code');
        const wrap = el('div', 'code-block');
        const head = el('div', 'code-head');
        const lang = [...(code?.classList ?? [])].find((c) => c.startsWith('language-'));
        head.append(el('span', 'code-lang', lang ? lang.slice(9) : 'code'));
        head.append(copyButton('Copy code', () => code?.textContent ?? pre.textContent));
        pre.replaceWith(wrap);
        wrap.append(head, pre);
        pre.tabIndex = 0; // long lines scroll sideways: reachable by keyboard
    }
}

function messageElement(m) {
    const signature = signatureOf(m);
    const cached = messageCache.get(m.key);
    if (cached && cached.signature === signature) return cached.el;

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
    body.append(renderMarkdown(m.content));
    decorateCodeBlocks(body);
    bubble.append(body);
    if (m.error) bubble.append(el('p', 'msg-error', m.error));
    article.append(bubble, messageMeta(m));
    messageCache.set(m.key, { el: article, signature });
    return article;
}

function messageMeta(m) {
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
        meta.append(copyButton(m.role === 'user' ? 'Copy your message' : 'Copy reply', () => m.content));
    }
    return meta;
}

function renderMessages() {
    els.welcome.hidden = true;
    const nodes = [];
    const keep = new Set();
    for (const m of state.messages) {
        if (state.live && state.live.messageId != null && m.id === state.live.messageId) continue;
        nodes.push(messageElement(m));
        keep.add(m.key);
    }
    for (const key of messageCache.keys()) if (!keep.has(key)) messageCache.delete(key);
    if (state.live) nodes.push(state.live.el);
    if (nodes.length === 0) {
        const empty = el('p', 'messages-empty', 'No messages yet. Say something — the colours follow the mood.');
        nodes.push(empty);
    }
    // Move only what changed, so scrolling and selections survive.
    const container = els.messages;
    let cursor = container.firstChild;
    for (const node of nodes) {
        if (node === cursor) {
            cursor = cursor.nextSibling;
        } else {
            container.insertBefore(node, cursor);
        }
    }
    while (cursor) {
        const next = cursor.nextSibling;
        cursor.remove();
        cursor = next;
    }
}

// ---------------------------------------------------------------- the streaming reply

function newLive({ messageId, requestId, own }) {
    const article = el('article', 'msg msg-assistant live');
    article.dataset.status = 'streaming';
    article.setAttribute('aria-label', 'Reply');
    article.setAttribute('aria-busy', 'true');
    const bubble = el('div', 'msg-bubble');
    const thinking = el('div', 'thinking');
    thinking.setAttribute('role', 'status');
    thinking.append(el('span', 'dot'), el('span', 'dot'), el('span', 'dot'), el('span', 'thinking-text', 'Thinking…'));
    const body = el('div', 'msg-body md');
    body.hidden = true;
    bubble.append(thinking, body);
    article.append(bubble);
    return {
        markdown: new StreamingMarkdown(body, decorateCodeBlocks),
        key: messageId != null ? `m${messageId}` : `live${++state.localKey}`,
        messageId: messageId ?? null,
        requestId: requestId ?? null,
        own,
        content: '',
        chunks: 0,
        resumed: false,
        el: article,
        body,
        thinking,
        scheduled: false,
        lastRenderAt: 0,
        minInterval: 0,
    };
}

function scheduleLiveRender() {
    const live = state.live;
    if (!live || live.scheduled) return;
    live.scheduled = true;
    const wait = live.lastRenderAt + live.minInterval - performance.now();
    const frame = () =>
        requestAnimationFrame(() => {
            live.scheduled = false;
            if (state.live === live) renderLive(live);
        });
    if (wait > 1) setTimeout(frame, wait);
    else frame();
}

/** At most once per animation frame; slower when the text grows expensive to parse. */
function renderLive(live) {
    const started = performance.now();
    if (live.content) {
        live.thinking.hidden = true;
        live.body.hidden = false;
    }
    live.markdown.update(live.content);
    placeCursor(live.body);
    const cost = performance.now() - started;
    live.lastRenderAt = performance.now();
    live.minInterval = cost > 6 ? Math.min(cost * 4, 250) : 0;
    scrollToBottom();
}

function placeCursor(body) {
    let target = body;
    for (;;) {
        const last = target.lastElementChild;
        if (!last || !['P', 'LI', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'CODE', 'DIV', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'TBODY', 'TR', 'TD', 'TH'].includes(last.nodeName)) break;
        if (last.classList.contains('code-head')) break;
        target = last;
    }
    const cursor = el('span', 'cursor');
    cursor.setAttribute('aria-hidden', 'true');
    target.append(cursor);
}

function onStart(frame) {
    const requestId = typeof frame.request_id === 'string' ? frame.request_id : null;
    // `reply_id` is the reply's stored message (`message_id` on `start` is the user's).
    const messageId = idOf(frame.reply_id) ?? null;
    const ownIndex = requestId ? state.pendingTurns.indexOf(requestId) : -1;
    const own = ownIndex >= 0 || (!requestId && state.pendingTurns.length > 0);
    if (own) state.pendingTurns.splice(ownIndex >= 0 ? ownIndex : 0, 1);

    if (state.live && (state.live.messageId === messageId || messageId == null)) {
        // The same reply again (we reconnected): its text so far comes in the next chunk.
        state.live.content = '';
        state.live.chunks = 0;
        state.live.resumed = true;
        state.live.markdown = new StreamingMarkdown(state.live.body, decorateCodeBlocks);
        state.live.body.replaceChildren();
    } else {
        if (state.live) finishLive({ status: 'interrupted' });
        state.live = newLive({ messageId, requestId, own });
        if (!own) {
            // Another tab asked, or the page opened mid-reply: fetch the user's message.
            state.live.resumed = true;
            refreshConversation();
        }
    }
    state.live.startedAt = performance.now();
    if (!state.themeSeenSinceEnd) setThemePending(true);
    state.themeSeenSinceEnd = false;
    const position = Number(frame.queue_position);
    setStatus(position > 0 ? describeQueue(position) : '');
    renderMessages();
    scrollToBottom();
    updateComposer();
}

function onChunk(frame) {
    // A resumed reply that has no text yet comes as an empty chunk: keep "thinking".
    if (typeof frame.content !== 'string' || frame.content === '') return;
    if (!state.live) {
        state.live = newLive({ messageId: null, requestId: null, own: false });
        state.live.resumed = true;
        renderMessages();
    }
    const live = state.live;
    if (live.chunks === 0 && !live.firstChunkAt) {
        live.firstChunkAt = performance.now();
        if (live.own) {
            performance.mark('moodring:first-chunk');
            try {
                performance.measure('moodring:first-token', 'moodring:send', 'moodring:first-chunk');
            } catch {
                // no send mark: nothing to measure
            }
        }
    }
    if (live.chunks === 0) setStatus('');
    live.content += frame.content;
    live.chunks += 1;
    if (live.thinking && !live.thinking.hidden) {
        live.thinking.hidden = true;
        live.body.hidden = false;
    }
    scheduleLiveRender();
    updateComposer();
}

function estimateTokens(live) {
    const byChars = Math.round(live.content.length / 4);
    return live.resumed ? byChars : Math.max(live.chunks, 1);
}

/** Moves the live reply into the message list. */
function finishLive({ status = 'complete', messageId = null, timings = null, error = null } = {}) {
    const live = state.live;
    if (!live) return;
    state.live = null;
    const id = messageId ?? live.messageId;
    const message = {
        key: id != null ? `m${id}` : live.key,
        id: id ?? undefined,
        role: 'assistant',
        content: live.content,
        status,
        timestamp: new Date().toISOString(),
        timings,
        tokens: estimateTokens(live),
        error,
    };
    if (id != null) state.messages = state.messages.filter((m) => m.id !== id);
    if (message.content || error) state.messages.push(message);
    renderMessages();
    scrollToBottom();
}

function onEnd(frame) {
    const status = typeof frame.status === 'string' ? frame.status : 'complete';
    const wasOwn = state.live?.own ?? false;
    if (state.live) {
        finishLive({ status, messageId: idOf(frame.message_id) ?? null, timings: frame.timings ?? null });
    } else {
        // The reply ended while we could not see it: the stored copy is the truth.
        refreshConversation();
    }
    if (status === 'stopped') setStatus('Stopped. What was written so far is kept.', 'info');
    else setStatus('');
    endThemeWait();
    updateComposer({ refocus: wasOwn });
    refreshConversationListSoon();
}

function onError(frame) {
    const text = describeErrorFrame(frame);
    if (state.live) {
        finishLive({ status: state.live.content ? 'interrupted' : 'failed', error: text });
        endThemeWait();
    } else if (state.pendingTurns.length > 0) {
        // Refused before it started: the message was not stored. Give it back.
        state.pendingTurns.shift();
        const lastUser = [...state.messages].reverse().find((m) => m.role === 'user' && m.local);
        if (lastUser) {
            state.messages = state.messages.filter((m) => m !== lastUser);
            if (!els.input.value.trim()) els.input.value = lastUser.content;
            renderMessages();
        }
        setThemePending(false);
    }
    setStatus(text, 'error');
    updateComposer({ refocus: true });
}

function onStatus(frame) {
    switch (frame.stage) {
        case 'queued':
            setStatus(describeQueue(frame.position), 'info');
            break;
        case 'thinking':
            if (!state.live?.content) setStatus('The model is thinking…', 'info');
            break;
        case 'theme_pending':
            setThemePending(true);
            break;
        default:
            break;
    }
}

// ---------------------------------------------------------------- theme frames

function setThemePending(on) {
    state.themePending = on;
    els.themePending.hidden = !on;
    if (!on) clearTimeout(state.themeTimer);
}

/** A reply ended: its theme may still come, but not forever. */
function endThemeWait() {
    state.themeSeenSinceEnd = false;
    clearTimeout(state.themeTimer);
    if (state.themePending) state.themeTimer = setTimeout(() => setThemePending(false), 75000); // past the server's theme timeout
}

function onThemeUpdate(frame) {
    state.themeSeenSinceEnd = true;
    refreshConversationListSoon();
    setThemePending(false);
    if (state.current) state.current.current_theme = frame.theme;
    showTheme(frame.theme);
}

function onThemeError() {
    state.themeSeenSinceEnd = true;
    setThemePending(false);
    notify('No new colours this time — the current theme stays.');
}

// ---------------------------------------------------------------- socket

function openSocket(id) {
    state.socket = new ConversationSocket(id, {
        onState: ({ state: s, retryInMs }) => {
            if (state.socket && state.current?.id !== id) return;
            state.connection = s;
            if (s === 'offline') {
                const secs = Math.max(1, Math.round(retryInMs / 1000));
                showOffline(`Offline — reconnecting in ${secs} s.`);
                if (state.pendingTurns.length && !state.live) {
                    state.pendingTurns = [];
                    setStatus('The connection dropped before the server answered. Check whether your message arrived.', 'error');
                }
            } else if (s === 'open') {
                hideOffline();
            } else if (s === 'connecting' && !els.banner.hidden) {
                els.bannerText.textContent = 'Offline — reconnecting…';
            }
            updateComposer();
        },
        onOpen: ({ reconnect }) => {
            if (reconnect) refreshConversation();
            // A reply stored as in progress gets a `start` on connect; if none comes, it
            // ended in between and the stored copy is final.
            setTimeout(() => {
                if (state.current?.id === id && !state.live && state.messages.some((m) => m.status === 'streaming')) {
                    refreshConversation();
                }
            }, 1500);
        },
        onGone: () => {
            resetConversationView();
            setUrl(null, { push: false });
            showWelcome();
            notify('This conversation was deleted.');
            refreshConversationListSoon();
        },
        onFrame: (frame) => {
            if (state.current?.id !== id) return;
            switch (frame.type) {
                case 'start':
                    onStart(frame);
                    break;
                case 'chunk':
                    onChunk(frame);
                    break;
                case 'end':
                    onEnd(frame);
                    break;
                case 'error':
                    onError(frame);
                    break;
                case 'status':
                    onStatus(frame);
                    break;
                case 'theme_update':
                    onThemeUpdate(frame);
                    break;
                case 'theme_error':
                    onThemeError(frame);
                    break;
                default:
                    break;
            }
        },
    });
}

function showOffline(text) {
    els.bannerText.textContent = text;
    els.banner.hidden = false;
    document.documentElement.dataset.connection = 'offline';
}

function hideOffline() {
    els.banner.hidden = true;
    document.documentElement.dataset.connection = 'online';
}

// ---------------------------------------------------------------- composer

function busy() {
    return Boolean(state.live) || state.pendingTurns.length > 0;
}

function updateComposer({ refocus = false } = {}) {
    const open = Boolean(state.current) && state.connection === 'open';
    const running = busy();
    const hadFocus = document.activeElement === els.input;
    els.input.disabled = !state.current || running;
    els.send.disabled = !open || running;
    els.stop.hidden = !running;
    els.send.hidden = running;
    els.composer.dataset.running = running ? 'true' : 'false';
    // The log is announced once the reply is whole, not chunk by chunk.
    els.messages.setAttribute('aria-busy', String(Boolean(state.live)));
    if (!state.current) els.input.placeholder = 'Open or start a conversation to chat.';
    else if (running) els.input.placeholder = 'Wait for the reply, or press Stop (Esc).';
    else if (!open) els.input.placeholder = 'Offline — you can write, and send once reconnected.';
    else if (phoneLayout()) els.input.placeholder = 'Message';
    else els.input.placeholder = 'Message (Enter sends, Shift+Enter adds a line)';
    if (!running && state.current && (refocus || hadFocus) && !els.dialog.open && !els.confirm.open) {
        els.input.focus();
    }
    if (running && hadFocus) els.stop.focus();
}

function autosize() {
    els.input.style.setProperty('height', 'auto');
    const height = Math.min(els.input.scrollHeight, Math.round(window.innerHeight * 0.4));
    els.input.style.setProperty('height', `${height}px`);
}

function sendMessage() {
    const text = els.input.value;
    if (!text.trim() || !state.current || busy()) return;
    if (!state.socket?.isOpen) {
        setStatus('Offline: the message will be ready to send when the connection is back.', 'error');
        return;
    }
    const requestId = newRequestId();
    performance.clearMarks('moodring:send');
    performance.clearMarks('moodring:first-chunk');
    performance.clearMeasures('moodring:first-token');
    performance.mark('moodring:send');
    if (!state.socket.send({ message: text, request_id: requestId })) {
        setStatus('Could not send: the connection just dropped.', 'error');
        return;
    }
    state.pendingTurns.push(requestId);
    state.messages.push({
        key: `local${++state.localKey}`,
        role: 'user',
        content: text,
        status: 'complete',
        timestamp: new Date().toISOString(),
        local: true,
    });
    els.input.value = '';
    autosize();
    setStatus('Sending…', 'info');
    renderMessages();
    scrollToBottom(true);
    updateComposer();
}

function stopReply() {
    if (!busy()) return;
    if (state.socket?.send({ type: 'cancel' })) setStatus('Stopping…', 'info');
}

// ---------------------------------------------------------------- scrolling

function distanceFromBottom() {
    const m = els.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight;
}

function scrollToBottom(force = false) {
    if (force) state.stick = true;
    if (!state.stick) {
        els.jump.hidden = false;
        return;
    }
    els.messages.scrollTop = els.messages.scrollHeight;
    els.jump.hidden = true;
}

// ---------------------------------------------------------------- dialogs

let dialogMode = 'create';
let checkedFile = null;

function openConversationDialog(mode) {
    dialogMode = mode;
    checkedFile = null;
    els.dialogForm.reset();
    els.dialogError.hidden = true;
    els.fileInfo.textContent = 'Optional: a .txt, .md or .json file up to 1 MB, added to the context.';
    els.fileInfo.dataset.kind = 'hint';
    if (mode === 'edit' && state.current) {
        els.dialogTitle.textContent = 'Edit conversation';
        els.dialogSave.textContent = 'Save';
        els.fieldTitle.value = state.current.title ?? '';
        els.fieldContext.value = state.current.custom_context ?? '';
    } else {
        els.dialogTitle.textContent = 'New conversation';
        els.dialogSave.textContent = 'Create';
    }
    els.dialogSave.disabled = false;
    els.dialog.showModal();
    els.fieldTitle.focus();
    els.fieldTitle.select();
}

async function onFileChosen() {
    checkedFile = null;
    const file = els.fieldFile.files?.[0];
    if (!file) {
        els.fileInfo.textContent = '';
        return;
    }
    const result = await checkContextFile(file);
    if (result.ok) {
        checkedFile = result.file;
        const kb = Math.max(1, Math.round(file.size / 1000));
        els.fileInfo.textContent = `${file.name} (${kb} kB) will be added to the context.`;
        els.fileInfo.dataset.kind = 'ok';
    } else {
        els.fileInfo.textContent = result.error;
        els.fileInfo.dataset.kind = 'error';
    }
}

function dialogFail(message) {
    els.dialogError.textContent = message;
    els.dialogError.hidden = false;
    els.dialogSave.disabled = false;
}

async function submitConversationDialog(event) {
    event.preventDefault();
    els.dialogError.hidden = true;
    const title = els.fieldTitle.value.trim() || 'New conversation';
    const context = els.fieldContext.value;
    const file = els.fieldFile.files?.[0];
    if (file) {
        const result = await checkContextFile(file);
        if (!result.ok) return dialogFail(result.error);
        checkedFile = result.file;
    }
    els.dialogSave.disabled = true;
    let id;
    try {
        if (dialogMode === 'edit' && state.current) {
            id = state.current.id;
            await api.updateConversation(id, { title, custom_context: context });
        } else {
            const created = await api.createConversation(title, context.trim() ? context : '');
            id = created.id;
        }
    } catch (err) {
        return dialogFail(err.message);
    }
    if (file && checkedFile) {
        try {
            await api.uploadContextFile(id, checkedFile);
        } catch (err) {
            els.dialog.close();
            await afterDialog(id);
            notify(`The conversation was saved, but the file was not added: ${err.message}`, { ms: 8000 });
            return undefined;
        }
    }
    els.dialog.close();
    await afterDialog(id);
    if (file) notify(`${file.name} was added to the context.`);
    return undefined;
}

async function afterDialog(id) {
    await loadConversationList();
    if (dialogMode === 'edit' && state.current?.id === id) await refreshConversation();
    else await selectConversation(id);
    els.input.focus();
}

function confirmDelete() {
    if (!state.current) return;
    els.confirmText.textContent = `Delete “${state.current.title || 'Untitled'}”? Its messages and theme are deleted too. This cannot be undone.`;
    els.confirm.showModal();
    els.confirmNo.focus();
}

async function deleteCurrent() {
    const id = state.current?.id;
    els.confirm.close();
    if (!id) return;
    try {
        await api.deleteConversation(id);
    } catch (err) {
        if (err.status !== 404) {
            notify(`Could not delete: ${err.message}`);
            return;
        }
    }
    resetConversationView();
    setUrl(null, { push: true });
    await loadConversationList();
    showWelcome();
    notify('Conversation deleted.');
    els.newConversation.focus();
}

// ---------------------------------------------------------------- sidebar on phones

function phoneLayout() {
    return window.matchMedia('(max-width: 760px)').matches;
}

function setSidebar(open) {
    els.app.dataset.sidebar = open ? 'open' : 'closed';
    els.toggleSidebar.setAttribute('aria-expanded', String(open));
    els.scrim.hidden = !open || !phoneLayout();
    if (open && phoneLayout()) els.newConversation.focus();
}

function closeSidebarOnPhone() {
    if (phoneLayout()) setSidebar(false);
}

// ---------------------------------------------------------------- wiring

function wire() {
    els.newConversation.addEventListener('click', () => openConversationDialog('create'));
    els.welcomeNew.addEventListener('click', () => openConversationDialog('create'));
    els.edit.addEventListener('click', () => openConversationDialog('edit'));
    els.remove.addEventListener('click', confirmDelete);
    els.confirmYes.addEventListener('click', deleteCurrent);
    els.confirmNo.addEventListener('click', () => els.confirm.close());
    els.dialogCancel.addEventListener('click', () => els.dialog.close());
    els.dialogForm.addEventListener('submit', submitConversationDialog);
    els.fieldFile.addEventListener('change', onFileChosen);

    els.list.addEventListener('click', (event) => {
        const link = event.target.closest('a.conversation-link');
        if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        selectConversation(link.dataset.id);
    });
    window.addEventListener('popstate', () => selectConversation(idFromUrl(), { push: false }));

    els.composer.addEventListener('submit', (event) => {
        event.preventDefault();
        sendMessage();
    });
    els.input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
            event.preventDefault();
            sendMessage();
        }
    });
    els.input.addEventListener('input', autosize);
    els.stop.addEventListener('click', stopReply);
    els.retry.addEventListener('click', () => {
        state.socket?.retryNow();
        if (!state.conversations.length) loadConversationList();
    });

    els.messages.addEventListener('scroll', () => {
        state.stick = distanceFromBottom() < 48;
        if (state.stick) els.jump.hidden = true;
    }, { passive: true });
    els.jump.addEventListener('click', () => {
        scrollToBottom(true);
        els.input.focus();
    });

    els.toggleSidebar.addEventListener('click', () => setSidebar(els.app.dataset.sidebar !== 'open'));
    els.scrim.addEventListener('click', () => setSidebar(false));
    document.addEventListener('keydown', (event) => {
        if (event.key !== 'Escape' || els.dialog.open || els.confirm.open) return;
        if (els.app.dataset.sidebar === 'open' && phoneLayout()) {
            setSidebar(false);
            els.toggleSidebar.focus();
        } else if (busy()) {
            stopReply();
        }
    });
    document.addEventListener('visibilitychange', () => {
        if (!document.hidden && state.live) renderLive(state.live);
    });
    window.addEventListener('online', () => {
        if (!state.conversations.length) loadConversationList();
    });
}

async function boot() {
    wire();
    setSidebar(!phoneLayout());
    updateComposer();
    const listLoaded = loadConversationList();
    const id = idFromUrl();
    if (id) await selectConversation(id, { push: false });
    else showWelcome();
    await listLoaded;
    document.documentElement.dataset.ready = 'true';
}

boot().catch((err) => {
    setStatus(err instanceof ApiError ? err.message : 'The page failed to start. Reload to try again.', 'error');
});
