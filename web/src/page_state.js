// The page's state and every rule that changes it. Server frames (the WebSocket half of
// PROTOCOL.md), REST answers and the user's own actions go in; a new state and a list of
// effects come out. No DOM, no sockets, no timers: main.js does the I/O and performs the
// effects, the views draw the state. The state is never changed in place, so a view can
// tell what changed by comparing references.
//
// Effects, performed by main.js in order:
//   {type: 'open-socket'}                 connect to /ws/{id} of the open conversation
//   {type: 'close-socket'}                drop the open conversation's socket
//   {type: 'fetch-conversation'}          GET the open conversation again (the stored copy wins)
//   {type: 'refresh-list'}                GET the conversation list again, soon
//   {type: 'set-url', id, push}           ?c=<id> in the address bar (null: no conversation)
//   {type: 'notify', text}                a passing note
//   {type: 'restore-draft', text}         a refused message goes back into an empty composer
//   {type: 'measure-first-token'}         the first chunk of this tab's own turn arrived
//   {type: 'scroll-to-bottom'}            follow the newest message again
//   {type: 'focus-composer'}              the user may type the next message

import { actionRefused, actionsDropped, actionStarted, idOf } from './actions_state.js';
import {
    claimTurn,
    finishLiveReply,
    growLiveReply,
    newLiveReply,
    restartLiveReply,
} from './live_reply_state.js';
import { describeErrorFrame, describeQueue, describeReconnect, PAGE_WORDS } from './words.js';

const NO_STATUS = Object.freeze({ text: '', kind: 'info' });
const NO_THEME = Object.freeze({ theme: null, instant: false, conversationId: null });

export function initialState() {
    return {
        conversations: [], // Summary objects of the list, newest first
        listLoaded: false, // the list has been answered (or failed) at least once
        listError: '',
        current: null, // the open Conversation without its messages, plus `loaded`
        loading: false, // the first GET of the open conversation is under way
        // {key, id?, role, content, status, timestamp, timings?, tokens?, error?, local?}
        messages: [],
        live: null, // the reply streaming now, see newLiveReply()
        pendingTurns: [], // request_ids sent that have no `start` yet
        connection: 'closed', // 'connecting' | 'open' | 'offline' | 'closed'
        banner: '', // the offline banner's text; empty hides it
        status: NO_STATUS, // the line under the composer: {text, kind: 'info'|'error'}
        themePending: false, // the server said `theme_pending` and has not answered yet
        themeToShow: NO_THEME, // {theme, instant, conversationId}: the colours the page wears
        nextLocalKey: 1,
        editing: null, // {messageId, draft}: the user message open in the editor (actions_state.js)
        pendingActions: [], // regenerate/edit sent, no `start` yet (actions_state.js)
    };
}

function result(state, effects = []) {
    return { state, effects };
}

function info(text) {
    return text ? { text, kind: 'info' } : NO_STATUS;
}

function error(text) {
    return { text, kind: 'error' };
}

export { idOf };

/** True while a reply streams or a sent message waits for its `start`. */
export function isBusy(state) {
    return Boolean(state.live) || state.pendingTurns.length > 0;
}

// ---------------------------------------------------------------- choosing a conversation

/** No conversation open: the start page, default colours. */
function withoutConversation(state) {
    return {
        ...state,
        current: null,
        loading: false,
        messages: [],
        live: null,
        pendingTurns: [],
        connection: 'closed',
        banner: '',
        status: NO_STATUS,
        themePending: false,
        themeToShow: NO_THEME,
        editing: null,
        pendingActions: [],
    };
}

/**
 * The user chose conversation `id`, or the start page when `id` is null. The colours of the
 * previous conversation stay until the new one's answer replaces them without animation.
 */
export function conversationSelected(state, id) {
    const closed = withoutConversation(state);
    if (!id) return result(closed, [{ type: 'close-socket' }]);
    const opening = {
        ...closed,
        current: { id, title: '', loaded: false },
        loading: true,
        themeToShow: state.themeToShow,
    };
    return result(opening, [{ type: 'close-socket' }]);
}

/**
 * The open conversation does not exist (any more): a 404 from REST or the socket's
 * "Conversation not found". The one place that leaves a conversation deleted elsewhere.
 */
export function conversationGone(state, conversationId) {
    if (state.current?.id !== conversationId) return result(state);
    const { conversationDeleted: deleted, conversationMissing: missing } = PAGE_WORDS;
    const text = state.current.loaded ? deleted : missing;
    return result(withoutConversation(state), [
        { type: 'close-socket' },
        { type: 'set-url', id: null, push: false },
        { type: 'notify', text },
        { type: 'refresh-list' },
    ]);
}

/** This tab deleted the open conversation (or found it already gone while deleting). */
export function conversationDeleted(state, conversationId) {
    if (state.current?.id !== conversationId) return result(state);
    return result(withoutConversation(state), [
        { type: 'close-socket' },
        { type: 'set-url', id: null, push: true },
        { type: 'notify', text: PAGE_WORDS.deletedHere },
    ]);
}

// ---------------------------------------------------------------- REST answers

export function conversationListLoaded(state, conversations) {
    return result({ ...state, conversations, listLoaded: true, listError: '' });
}

export function conversationListFailed(state, { message, offline = false }) {
    const banner = offline ? PAGE_WORDS.serverUnreachable : state.banner;
    return result({ ...state, listLoaded: true, listError: message, banner });
}

function storedMessage(m, index) {
    return {
        key: m.id != null ? `m${m.id}` : `s${index}`,
        id: idOf(m.id),
        role: m.role === 'user' ? 'user' : 'assistant',
        content: String(m.content ?? ''),
        status: m.status || 'complete',
        timestamp: m.timestamp,
    };
}

/**
 * `GET /api/conversations/{id}` answered: the stored copy is the truth for completed
 * messages and the theme. The first answer after choosing the conversation opens its socket.
 */
export function conversationLoaded(state, conversationId, conversation) {
    if (state.current?.id !== conversationId) return result(state);
    const opening = state.loading;
    const { messages = [], current_theme: theme = null, ...fields } = conversation;
    const current = { ...fields, current_theme: theme, loaded: true };
    const next = {
        ...state,
        current,
        loading: false,
        messages: messages.map(storedMessage),
        themeToShow: { theme, instant: opening, conversationId: current.id },
    };
    const effects = [{ type: 'scroll-to-bottom' }];
    if (opening) effects.push({ type: 'open-socket' });
    return result(next, effects);
}

/** `PUT /api/conversations/{id}` answered: its fields (title, model…) without its messages. */
export function conversationUpdated(state, conversationId, conversation) {
    if (state.current?.id !== conversationId || !conversation) return result(state);
    const { messages: _messages, current_theme: _theme, ...fields } = conversation;
    return result({ ...state, current: { ...state.current, ...fields } });
}

/** `GET /api/conversations/{id}` failed with an ApiError-like `{status, message, offline}`. */
export function conversationLoadFailed(state, conversationId, failure) {
    const { status = 0, message = '', offline = false } = failure;
    if (state.current?.id !== conversationId) return result(state);
    if (status === 404) return conversationGone(state, conversationId);
    if (!state.loading) return result(state); // a refresh: what is shown stays
    const next = {
        ...state,
        loading: false,
        status: error(message),
        banner: offline ? PAGE_WORDS.serverUnreachable : state.banner,
    };
    return result(next, [{ type: 'open-socket' }]);
}

// ---------------------------------------------------------------- the connection

/** The socket's state changed: 'connecting' | 'open' | 'offline' | 'closed'. */
export function connectionChanged(state, conversationId, { connection, retryInMs = 0 }) {
    if (state.current?.id !== conversationId) return result(state);
    const next = { ...state, connection };
    if (connection === 'offline') {
        next.banner = describeReconnect(retryInMs);
        // Theme frames sent while we are away are lost; the next GET brings the theme.
        next.themePending = false;
        if (state.pendingTurns.length && !state.live) {
            Object.assign(next, actionsDropped(state));
            next.pendingTurns = [];
            next.status = error(PAGE_WORDS.droppedBeforeAnswer);
        }
    } else if (connection === 'open') {
        next.banner = '';
    } else if (connection === 'connecting' && state.banner) {
        next.banner = PAGE_WORDS.reconnecting;
    }
    return result(next);
}

/** The socket opened; after a drop, what happened meanwhile is in the stored copy. */
export function connectionOpened(state, conversationId, { reconnect }) {
    if (state.current?.id !== conversationId || !reconnect) return result(state);
    return result(state, [{ type: 'fetch-conversation' }]);
}

/**
 * Called a while after the socket opened. A reply stored as `streaming` gets a `start` on
 * connect; if none came, it ended in between and the stored copy is final.
 */
export function resumeCheckDue(state, conversationId) {
    if (state.current?.id !== conversationId || state.live) return result(state);
    const unfinished = state.messages.some((m) => m.status === 'streaming');
    return result(state, unfinished ? [{ type: 'fetch-conversation' }] : []);
}

// ---------------------------------------------------------------- the user's actions

/** The user's message went out on the socket with `requestId`. */
export function turnSent(state, { text, requestId, now }) {
    const message = {
        key: `local${state.nextLocalKey}`,
        role: 'user',
        content: text,
        status: 'complete',
        timestamp: now,
        local: true,
        requestId, // `start` gives it the id it is stored under
    };
    const next = {
        ...state,
        pendingTurns: [...state.pendingTurns, requestId],
        messages: [...state.messages, message],
        nextLocalKey: state.nextLocalKey + 1,
        status: info(PAGE_WORDS.sending),
    };
    return result(next, [{ type: 'scroll-to-bottom' }]);
}

/** A line under the composer from the page itself (sending failed, stopping…). */
export function statusShown(state, text, kind = 'info') {
    return result({ ...state, status: kind === 'error' ? error(text) : info(text) });
}

// ---------------------------------------------------------------- server frames

/** Applies one WebSocket frame from the socket of `conversationId`. */
export function frameReceived(state, conversationId, frame, now = new Date().toISOString()) {
    if (state.current?.id !== conversationId || !frame) return result(state);
    const rule = FRAME_RULES[frame.type];
    return rule ? rule(state, frame, now) : result(state);
}

function replyStarted(state, frame, now) {
    const requestId = typeof frame.request_id === 'string' ? frame.request_id : null;
    // `reply_id` is the reply's stored message (`message_id` on `start` is the user's).
    const messageId = idOf(frame.reply_id) ?? null;
    const { own, pendingTurns, claimed } = claimTurn(state.pendingTurns, requestId);
    let next = actionStarted({ ...state, pendingTurns }, frame, claimed);
    const effects = [];
    const live = state.live;
    if (live && (messageId == null || live.messageId === messageId)) {
        next.live = restartLiveReply(live);
    } else {
        if (live) next = finishLiveReply(next, { status: 'interrupted', now });
        next = newLiveReply(next, { messageId, requestId, own });
        // Another tab asked, or the page opened mid-reply: the user's message is stored.
        if (!own) effects.push({ type: 'fetch-conversation' });
    }
    const position = Number(frame.queue_position);
    next.status = info(position > 0 ? describeQueue(position) : '');
    return result(next, effects);
}

function chunkReceived(state, frame) {
    // A resumed reply that has no text yet comes as an empty chunk: keep "thinking".
    if (typeof frame.content !== 'string' || frame.content === '') return result(state);
    const stray = { messageId: null, requestId: null, own: false };
    const next = state.live ? state : newLiveReply(state, stray);
    const live = next.live;
    const effects = [];
    const first = live.chunks === 0;
    if (first && !live.firstChunkSeen && live.own) effects.push({ type: 'measure-first-token' });
    const grown = growLiveReply(live, frame.content);
    return result({ ...next, live: grown, status: first ? NO_STATUS : next.status }, effects);
}

function replyEnded(state, frame, now) {
    const status = typeof frame.status === 'string' ? frame.status : 'complete';
    const effects = [];
    let next = state;
    if (state.live) {
        const messageId = idOf(frame.message_id) ?? null;
        next = finishLiveReply(state, { status, messageId, timings: frame.timings ?? null, now });
    } else {
        // The reply ended while we could not see it: the stored copy is the truth.
        effects.push({ type: 'fetch-conversation' });
    }
    next = { ...next, status: info(status === 'stopped' ? PAGE_WORDS.stopped : '') };
    if (state.live?.own) effects.push({ type: 'focus-composer' });
    effects.push({ type: 'refresh-list' });
    return result(next, effects);
}

function errorReceived(state, frame, now) {
    const text = describeErrorFrame(frame);
    const refusedAction = actionRefused(state, frame, text);
    if (refusedAction) return refusedAction;
    const effects = [];
    let next = state;
    if (state.live) {
        const status = state.live.content ? 'interrupted' : 'failed';
        next = finishLiveReply(state, { status, error: text, now });
    } else if (state.pendingTurns.length > 0) {
        // Refused before it started: the message was not stored. Give it back.
        next = { ...state, pendingTurns: state.pendingTurns.slice(1), themePending: false };
        const refused = state.messages.findLast((m) => m.role === 'user' && m.local);
        if (refused) {
            next.messages = state.messages.filter((m) => m !== refused);
            effects.push({ type: 'restore-draft', text: refused.content });
        }
    }
    effects.push({ type: 'focus-composer' });
    return result({ ...next, status: error(text) }, effects);
}

function statusReceived(state, frame) {
    switch (frame.stage) {
        case 'queued':
            return result({ ...state, status: info(describeQueue(frame.position)) });
        case 'thinking':
            if (state.live?.content) return result(state);
            return result({ ...state, status: info(PAGE_WORDS.thinking) });
        case 'theme_pending':
            return result({ ...state, themePending: true });
        default:
            return result(state);
    }
}

function themeUpdated(state, frame) {
    const next = {
        ...state,
        current: state.current && { ...state.current, current_theme: frame.theme },
        themePending: false,
        themeToShow: {
            theme: frame.theme,
            instant: false,
            conversationId: state.current?.id ?? null,
        },
    };
    return result(next, [{ type: 'refresh-list' }]);
}

function themeFailed(state) {
    const note = { type: 'notify', text: PAGE_WORDS.noNewTheme };
    return result({ ...state, themePending: false }, [note]);
}

const FRAME_RULES = {
    start: replyStarted,
    chunk: chunkReceived,
    end: replyEnded,
    error: errorReceived,
    status: statusReceived,
    theme_update: themeUpdated,
    theme_error: themeFailed,
};
