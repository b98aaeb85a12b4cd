// The reply streaming now, as data: begun by `start` (or a stray chunk), grown by chunks,
// and moved into the message list when it ends. Pure functions of the page's state, used by
// page_state.js.

/** A new live reply; `own` when this tab sent the message it answers. */
export function newLiveReply(state, { messageId, requestId, own }) {
    const local = messageId == null;
    const live = {
        key: local ? `live${state.nextLocalKey}` : `m${messageId}`,
        messageId,
        requestId,
        own, // this tab sent the message
        resumed: !own, // the text did not all arrive chunk by chunk here
        content: '',
        chunks: 0,
        firstChunkSeen: false,
        restarts: 0, // the same reply's `start` again (a reconnect): its text comes anew
    };
    return { ...state, live, nextLocalKey: state.nextLocalKey + (local ? 1 : 0) };
}

/** `chunk` text appended; `firstChunkSeen` stays true across a restart of the same reply. */
export function growLiveReply(live, text) {
    return { ...live, content: live.content + text, chunks: live.chunks + 1, firstChunkSeen: true };
}

/** The same reply's `start` again (we reconnected): its text so far comes in the next chunk. */
export function restartLiveReply(live) {
    return { ...live, content: '', chunks: 0, resumed: true, restarts: live.restarts + 1 };
}

/** Which pending turn a `start` answers: by `request_id`, else the oldest; `claimed` is its id. */
export function claimTurn(pendingTurns, requestId) {
    const index = requestId ? pendingTurns.indexOf(requestId) : -1;
    const own = index >= 0 || (!requestId && pendingTurns.length > 0);
    if (!own) return { own, pendingTurns, claimed: null };
    const at = index >= 0 ? index : 0;
    return { own, pendingTurns: pendingTurns.filter((_, i) => i !== at), claimed: pendingTurns[at] };
}

/** Chunks seen, or characters / 4 when chunks were merged or the reply was resumed. */
function estimateTokens(live) {
    return live.resumed ? Math.round(live.content.length / 4) : Math.max(live.chunks, 1);
}

/** Moves the live reply into the message list. */
export function finishLiveReply(
    state,
    { status, messageId = null, timings = null, error: failure = null, now },
) {
    const live = state.live;
    const id = messageId ?? live.messageId;
    const message = {
        key: id != null ? `m${id}` : live.key,
        id: id ?? undefined,
        role: 'assistant',
        content: live.content,
        status,
        timestamp: now,
        timings,
        tokens: estimateTokens(live),
        error: failure,
    };
    let messages = id != null ? state.messages.filter((m) => m.id !== id) : state.messages;
    if (message.content || failure) messages = [...messages, message];
    return { ...state, live: null, messages };
}
