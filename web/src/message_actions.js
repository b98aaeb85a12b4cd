// The wiring of regenerate and edit (PROTOCOL.md v2, "Conversation actions"): the buttons of
// views/message_tools.js send their frames on the conversation's socket and hand what was
// done to actions_state.js. What a `start` then changes is decided there too, for this tab
// and every other one, through the page's one frame handler.

import {
    editClosed,
    editOpened,
    editSent,
    regenerableKey,
    regenerateSent,
} from './actions_state.js';
import { createMessageTools } from './views/message_tools.js';

/** The `message_id` as the server sent it: a number when it looks like one. */
function wireId(id) {
    return /^\d+$/.test(String(id)) ? Number(id) : id;
}

/**
 * `state()` is the page's state, `dispatch(outcome)` applies a rule's outcome, and
 * `sendTurnFrame(frame)` sends a turn's frame with a new `request_id` and returns that id
 * (or null when it could not be sent; the status line then says why). Returns the tools view.
 */
export function createMessageActions({ state, dispatch, sendTurnFrame }) {
    const tools = createMessageTools({
        onRegenerate() {
            if (!regenerableKey(state())) return;
            const requestId = sendTurnFrame({ type: 'regenerate' });
            if (requestId) dispatch(regenerateSent(state(), { requestId }));
        },
        onEdit(messageId) {
            dispatch(editOpened(state(), messageId));
            tools.focusEditor();
        },
        onCancel(messageId) {
            dispatch(editClosed(state()));
            tools.focusEditButton(messageId);
        },
        onSave(messageId, text) {
            if (!text.trim() || state().editing?.messageId !== messageId) return;
            const frame = { type: 'edit', message_id: wireId(messageId), message: text };
            const requestId = sendTurnFrame(frame);
            if (requestId) dispatch(editSent(state(), { messageId, text, requestId }));
        },
    });
    return tools;
}
