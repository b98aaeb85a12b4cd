// Regenerate and edit (PROTOCOL.md v2, "Conversation actions") as rules on the page's state,
// pure like page_state.js, which calls them. What the user asked for goes in; so does every
// `start` of an action, from this tab or from any other tab on the conversation, so that all
// of them show the same messages once the server has replaced or cut them.
//
// The state fields these rules own:
//   editing: {messageId, draft} | null        the user message open in the inline editor
//   pendingActions: [{requestId, kind, messageId, text}]   actions sent that have no `start` yet
// (their request ids are in `pendingTurns` too, so the composer waits as for a message).

import { PAGE_WORDS } from './words.js';

function result(state, effects = []) {
    return { state, effects };
}

/** Message ids compare as strings, whatever JSON type the server used. */
export function idOf(value) {
    return value == null ? undefined : String(value);
}

function busy(state) {
    return Boolean(state.live) || state.pendingTurns.length > 0;
}

const sending = { text: PAGE_WORDS.sending, kind: 'info' };

// ---------------------------------------------------------------- what may be done now

/** The key of the reply Regenerate belongs on (the last message, a reply), or null. */
export function regenerableKey(state) {
    if (!state.current?.loaded || state.connection !== 'open' || busy(state)) return null;
    const last = state.messages.at(-1);
    if (last?.role !== 'assistant') return null;
    return state.messages.some((m) => m.role === 'user') ? last.key : null;
}

/** Whether user messages may be edited now (not while a reply runs or waits). */
export function editAllowed(state) {
    return Boolean(state.current?.loaded) && state.connection === 'open' && !busy(state);
}

// ---------------------------------------------------------------- the user's actions

function withPending(state, action) {
    return {
        ...state,
        pendingTurns: [...state.pendingTurns, action.requestId],
        pendingActions: [...state.pendingActions, action],
        editing: null,
        status: sending,
    };
}

/** `{"type":"regenerate"}` went out with `requestId`. The old reply stays until `start`. */
export function regenerateSent(state, { requestId }) {
    const lastUser = state.messages.findLast((m) => m.role === 'user');
    const action = { requestId, kind: 'regenerate', messageId: lastUser?.id, text: null };
    return result(withPending(state, action));
}

/** Edit on user message `messageId`: the inline editor opens with its text. */
export function editOpened(state, messageId) {
    const id = idOf(messageId);
    const message = state.messages.find((m) => m.role === 'user' && m.id === id);
    if (!message || !editAllowed(state)) return result(state);
    return result({ ...state, editing: { messageId: id, draft: message.content } });
}

/** Cancel (or Esc) in the editor. */
export function editClosed(state) {
    return state.editing ? result({ ...state, editing: null }) : result(state);
}

/** `{"type":"edit"}` went out with `requestId`. The old text stays until `start`. */
export function editSent(state, { messageId, text, requestId }) {
    const action = { requestId, kind: 'edit', messageId: idOf(messageId), text };
    return result(withPending(state, action));
}

// ---------------------------------------------------------------- the server's answers

/**
 * What a `start` says was done: from its own fields (`action`, `message_id`, `content`),
 * which every tab receives, or else from what this tab sent. Null for a plain turn.
 */
export function actionOfStart(frame, sent) {
    const kind = typeof frame.action === 'string' ? frame.action : sent?.kind;
    if (kind !== 'regenerate' && kind !== 'edit') return null;
    const messageId = idOf(frame.message_id) ?? sent?.messageId;
    const said = typeof frame.content === 'string' ? frame.content : sent?.text;
    return { kind, messageId, content: kind === 'edit' ? said : undefined };
}

/**
 * The messages as the server has them when it sends the action's `start`: everything after
 * the answered user message is gone, and an edited one has its new text. Unchanged when the
 * message is not here (then the stored copy, fetched, is the truth).
 */
export function applyAction(messages, { kind, messageId, content }) {
    let at = messages.findIndex((m) => m.role === 'user' && m.id === messageId);
    if (at < 0 && kind === 'regenerate' && messageId == null) {
        at = messages.findLastIndex((m) => m.role === 'user');
    }
    if (at < 0) return messages;
    const kept = messages.slice(0, at + 1);
    if (kind === 'edit' && typeof content === 'string') kept[at] = { ...kept[at], content };
    return kept;
}

/**
 * Called by page_state.js for every `start`, after it claimed the pending turn
 * `claimedRequestId` (null when it was not this tab's). Also gives this tab's own new user
 * message the id the server stored it under, so that it can be edited at once.
 */
export function actionStarted(state, frame, claimedRequestId) {
    const sent = claimedRequestId
        ? state.pendingActions.find((a) => a.requestId === claimedRequestId)
        : undefined;
    const pendingActions = sent ? state.pendingActions.filter((a) => a !== sent) : state.pendingActions;
    const action = actionOfStart(frame, sent);
    let messages = state.messages;
    if (action) {
        messages = applyAction(messages, action);
    } else if (claimedRequestId && frame.message_id != null) {
        const id = idOf(frame.message_id);
        messages = messages.map((m) => (m.requestId === claimedRequestId ? { ...m, id } : m));
    }
    const editing = state.editing && messages.some((m) => m.id === state.editing.messageId)
        ? state.editing
        : null;
    return { ...state, pendingActions, messages, editing };
}

/**
 * An `error` before any `start`: when it refuses one of this tab's actions, the action is
 * dropped and an edit's text goes back into its editor. Null when it refused something else.
 */
export function actionRefused(state, frame, text) {
    if (state.live || state.pendingTurns.length === 0) return null;
    const requestId = state.pendingTurns.includes(frame.request_id)
        ? frame.request_id
        : state.pendingTurns[0];
    const sent = state.pendingActions.find((a) => a.requestId === requestId);
    if (!sent) return null;
    const next = {
        ...state,
        pendingTurns: state.pendingTurns.filter((r) => r !== requestId),
        pendingActions: state.pendingActions.filter((a) => a !== sent),
        themePending: false,
        status: { text, kind: 'error' },
    };
    if (sent.kind === 'edit') next.editing = { messageId: sent.messageId, draft: sent.text };
    return result(next);
}

/** The connection dropped before any `start`: unsent edits go back into their editor. */
export function actionsDropped(state) {
    const edit = state.pendingActions.findLast((a) => a.kind === 'edit');
    const editing = edit ? { messageId: edit.messageId, draft: edit.text } : state.editing;
    return { pendingActions: [], editing };
}
