// Regenerate and edit without a browser: what the user asks, what each `start` changes, in
// this tab and in another one on the same conversation.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
    actionOfStart,
    applyAction,
    editAllowed,
    editClosed,
    editOpened,
    editSent,
    regenerableKey,
    regenerateSent,
} from '../src/actions_state.js';
import {
    connectionChanged,
    conversationLoaded,
    conversationSelected,
    conversationUpdated,
    frameReceived,
    initialState,
    isBusy,
    turnSent,
} from '../src/page_state.js';

const ID = 'c1';
const NOW = '2026-11-22T10:15:30.123Z';

function stored(id, role, content, status = 'complete') {
    return { id, role, content, status, timestamp: NOW };
}

const HISTORY = [
    stored(1, 'user', 'first question'),
    stored(2, 'assistant', 'first answer'),
    stored(3, 'user', 'second question'),
    stored(4, 'assistant', 'second answer'),
];

function opened(messages = HISTORY, fields = {}) {
    const conversation = {
        id: ID, title: 'Actions', custom_context: '', created_at: NOW, updated_at: NOW,
        user_message_count: 2, current_theme: null, model: null, messages, ...fields,
    };
    let state = initialState();
    state = conversationSelected(state, ID).state;
    state = conversationLoaded(state, ID, conversation).state;
    return connectionChanged(state, ID, { connection: 'open' }).state;
}

const receive = (state, ...frames) => {
    const effects = [];
    for (const frame of frames) {
        const out = frameReceived(state, ID, frame, NOW);
        state = out.state;
        effects.push(...out.effects.map((e) => e.type));
    }
    return { state, effects };
};
const summary = (messages) => messages.map((m) => [m.id, m.role, m.content]);

describe('regenerate', () => {
    test('is offered on the last reply only while nothing runs and the socket is open', () => {
        const state = opened();
        assert.equal(regenerableKey(state), 'm4');
        assert.equal(regenerableKey({ ...state, connection: 'offline' }), null);
        assert.equal(regenerableKey(opened(HISTORY.slice(0, 3))), null, 'last message is a question');
        assert.equal(regenerableKey(opened([])), null);
        const waiting = regenerateSent(state, { requestId: 'g1' }).state;
        assert.equal(isBusy(waiting), true);
        assert.equal(regenerableKey(waiting), null);
    });

    test('the old reply stays until start, then the new one streams in its place', () => {
        let state = regenerateSent(opened(), { requestId: 'g1' }).state;
        assert.deepEqual(summary(state.messages), summary(opened().messages));
        assert.equal(state.status.text, 'Sending…');
        // A server that echoes nothing about the action: this tab still knows what it sent.
        const out = receive(state, { type: 'start', message_id: 3, reply_id: 5, request_id: 'g1' });
        state = out.state;
        assert.deepEqual(summary(state.messages), [
            ['1', 'user', 'first question'], ['2', 'assistant', 'first answer'],
            ['3', 'user', 'second question'],
        ]);
        assert.deepEqual(state.pendingActions, []);
        assert.equal(state.live.messageId, '5');
        assert.ok(!out.effects.includes('fetch-conversation'), 'its own action needs no GET');
        state = receive(state, { type: 'chunk', content: 'a new answer' },
            { type: 'end', message_id: 5, status: 'complete' }).state;
        assert.deepEqual(summary(state.messages).at(-1), ['5', 'assistant', 'a new answer']);
        assert.equal(state.messages.length, 4);
    });

    test('another tab learns of it from the start frame', () => {
        const other = opened();
        const frame = { type: 'start', action: 'regenerate', message_id: 3, reply_id: 5 };
        const { state, effects } = receive(other, frame);
        assert.deepEqual(summary(state.messages).map((m) => m[0]), ['1', '2', '3']);
        assert.equal(state.live.messageId, '5');
        assert.ok(effects.includes('fetch-conversation'), 'and asks for the stored copy');
    });

    test('a refusal before start gives the reply back its place and unlocks the composer', () => {
        let state = regenerateSent(opened(), { requestId: 'g1' }).state;
        const frame = { type: 'error', code: 'bad_request', message: 'No user message yet', request_id: 'g1' };
        state = receive(state, frame).state;
        assert.equal(isBusy(state), false);
        assert.deepEqual(state.pendingActions, []);
        assert.equal(state.messages.length, 4);
        assert.equal(state.status.kind, 'error');
        assert.match(state.status.text, /No user message yet/);
    });
});

describe('edit', () => {
    test('opens and closes the editor on a stored user message only', () => {
        const state = opened();
        assert.deepEqual(editOpened(state, 3).state.editing, { messageId: '3', draft: 'second question' });
        assert.equal(editOpened(state, 4).state.editing, null, 'not a reply');
        assert.equal(editOpened(state, 99).state.editing, null, 'not a message');
        assert.equal(editOpened({ ...state, connection: 'offline' }, 3).state.editing, null);
        assert.equal(editClosed(editOpened(state, 3).state).state.editing, null);
        assert.equal(editAllowed(turnSent(state, { text: 'x', requestId: 'r', now: NOW }).state), false);
    });

    test('start shows the new text, cuts every later message, then the reply streams', () => {
        let state = editOpened(opened(), 1).state;
        state = editSent(state, { messageId: '1', text: 'a better question', requestId: 'e1' }).state;
        assert.equal(state.editing, null);
        assert.equal(state.messages[0].content, 'first question', 'unchanged until start');
        state = receive(state, { type: 'start', message_id: 1, reply_id: 7, request_id: 'e1' }).state;
        assert.deepEqual(summary(state.messages), [['1', 'user', 'a better question']]);
        state = receive(state, { type: 'chunk', content: 'answer' }, { type: 'end', message_id: 7 }).state;
        assert.deepEqual(summary(state.messages), [['1', 'user', 'a better question'], ['7', 'assistant', 'answer']]);
    });

    test('another tab takes the new text from start', () => {
        const frame = { type: 'start', action: 'edit', message_id: 3, reply_id: 9, content: 'changed' };
        const { state } = receive(editOpened(opened(), 3).state, frame);
        assert.deepEqual(summary(state.messages).slice(2), [['3', 'user', 'changed']]);
        // Its own editor on that message closes only if the message went away.
        assert.deepEqual(state.editing, { messageId: '3', draft: 'second question' });
        const cut = receive(editOpened(opened(), 3).state, { ...frame, message_id: 1 }).state;
        assert.equal(cut.editing, null);
    });

    test('a refused edit reopens the editor with the text the user wrote', () => {
        let state = editSent(opened(), { messageId: '3', text: 'my words', requestId: 'e1' }).state;
        state = receive(state, { type: 'error', code: 'bad_request', message: 'Not a user message' }).state;
        assert.deepEqual(state.editing, { messageId: '3', draft: 'my words' });
        assert.equal(isBusy(state), false);
        assert.equal(state.messages[2].content, 'second question');
    });

    test('a dropped connection before start gives the edit back too', () => {
        let state = editSent(opened(), { messageId: '3', text: 'my words', requestId: 'e1' }).state;
        state = connectionChanged(state, ID, { connection: 'offline', retryInMs: 1000 }).state;
        assert.deepEqual(state.editing, { messageId: '3', draft: 'my words' });
        assert.deepEqual(state.pendingActions, []);
        assert.equal(isBusy(state), false);
    });
});

describe('plain turns', () => {
    test('this tab’s new message takes its stored id at start, so it can be edited', () => {
        let state = turnSent(opened(), { text: 'third', requestId: 'r1', now: NOW }).state;
        state = receive(state, { type: 'start', message_id: 5, reply_id: 6, request_id: 'r1' }).state;
        assert.equal(state.messages.at(-1).id, '5');
        assert.equal(state.messages.length, 5, 'nothing was cut');
    });

    test('a start without action fields changes no message of another tab', () => {
        const { state } = receive(opened(), { type: 'start', message_id: 5, reply_id: 6 });
        assert.equal(state.messages.length, 4);
    });
});

describe('the helpers', () => {
    test('actionOfStart prefers the frame and falls back to what was sent', () => {
        assert.equal(actionOfStart({ type: 'start' }, undefined), null);
        assert.deepEqual(actionOfStart({ action: 'edit', message_id: 2, content: 'x' }),
            { kind: 'edit', messageId: '2', content: 'x' });
        assert.deepEqual(actionOfStart({ message_id: 2 }, { kind: 'edit', messageId: '2', text: 'y' }),
            { kind: 'edit', messageId: '2', content: 'y' });
        assert.equal(actionOfStart({ action: 'fly' }), null);
    });

    test('applyAction leaves the list alone when the message is not in it', () => {
        const messages = opened().messages;
        assert.equal(applyAction(messages, { kind: 'edit', messageId: '42', content: 'x' }), messages);
        const cut = applyAction(messages, { kind: 'regenerate', messageId: undefined });
        assert.equal(cut.length, 3);
    });

    test('a PUT answer updates the conversation’s fields, not its messages', () => {
        const state = opened();
        const answer = { id: ID, title: 'Actions', model: 'qwen2.5:0.5b', messages: [] };
        const next = conversationUpdated(state, ID, answer).state;
        assert.equal(next.current.model, 'qwen2.5:0.5b');
        assert.equal(next.messages, state.messages);
        assert.equal(conversationUpdated(state, 'other', answer).state, state);
    });
});
