// page_state.js without a browser: frames and REST answers in, state and effects out.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
    connectionChanged,
    connectionOpened,
    conversationDeleted,
    conversationGone,
    conversationListFailed,
    conversationListLoaded,
    conversationLoaded,
    conversationLoadFailed,
    conversationSelected,
    frameReceived,
    initialState,
    isBusy,
    resumeCheckDue,
    statusShown,
    turnSent,
} from '../src/page_state.js';

const ID = 'c1';
const NOW = '2026-11-22T10:15:30.123Z';

const THEME = {
    id: 'sunny', name: 'Sunny Beach', icon: '🏖️',
    primaryColor: '#f59e0b', secondaryColor: '#0ea5e9', backgroundColor: '#ffffff',
    textColor: '#3b2f1e', accentColor: '#ef4444', gradientStart: '#fde68a',
    gradientEnd: '#bae6fd', messageUserBg: '#f59e0b', messageAssistantBg: '#fffbeb',
    borderColor: '#fcd34d', shadowColor: 'rgba(245, 158, 11, 0.25)',
};

// ---------------------------------------------------------------- what the server says

function conversation(messages = [], fields = {}) {
    return {
        id: ID, title: 'Beach plans', custom_context: '', user_message_count: 0,
        created_at: NOW, updated_at: NOW, current_theme: null, messages, ...fields,
    };
}

function stored(id, role, content, status = 'complete') {
    return { id, role, content, status, timestamp: NOW };
}

const start = (replyId, requestId, extra = {}) => {
    const request = requestId ? { request_id: requestId } : {};
    return { type: 'start', reply_id: replyId, ...request, ...extra };
};
const chunk = (content) => ({ type: 'chunk', content });
const end = (messageId, status = 'complete', extra = {}) =>
    ({ type: 'end', message_id: messageId, status, ...extra });
const status = (stage, extra = {}) => ({ type: 'status', stage, ...extra });
const errorFrame = (code, message = 'said by the server') => ({ type: 'error', code, message });

// ---------------------------------------------------------------- running the rules

/** Applies steps in order; each returns {state, effects}. Keeps every effect, in order. */
function run(state, ...steps) {
    const effects = [];
    for (const step of steps) {
        const out = step(state);
        state = out.state;
        effects.push(...out.effects);
    }
    return { state, effects };
}

/** Steps that apply server frames of the open conversation. */
const frames = (...fs) => fs.map((f) => (s) => frameReceived(s, ID, f, NOW));
/** Applies server frames to `state`. */
const receive = (state, ...fs) => run(state, ...frames(...fs));
const types = (effects) => effects.map((e) => e.type);
const summary = (messages) => messages.map((m) => [m.id, m.status, m.content]);

/** A conversation chosen, answered by REST and connected: the page as a user sees it. */
function opened(messages = [], fields = {}) {
    return run(
        initialState(),
        (s) => conversationSelected(s, ID),
        (s) => conversationLoaded(s, ID, conversation(messages, fields)),
        (s) => connectionChanged(s, ID, { connection: 'open' }),
    ).state;
}

/** The user sent `text` as request `requestId`. */
function sent(state, text = 'hello', requestId = 'r1') {
    return turnSent(state, { text, requestId, now: NOW }).state;
}

// ---------------------------------------------------------------- tests

describe('choosing and loading a conversation', () => {
    test('the first answer shows it without animation and opens the socket', () => {
        const messages = [stored(1, 'user', 'hi'), stored(2, 'assistant', 'hello')];
        const { state, effects } = run(
            initialState(),
            (s) => conversationSelected(s, ID),
            (s) => conversationLoaded(s, ID, conversation(messages, { current_theme: THEME })),
        );
        assert.deepEqual(types(effects), ['close-socket', 'scroll-to-bottom', 'open-socket']);
        assert.equal(state.loading, false);
        assert.equal(state.current.title, 'Beach plans');
        assert.equal(state.current.loaded, true);
        assert.deepEqual(
            state.messages.map((m) => [m.key, m.id, m.role, m.content]),
            [['m1', '1', 'user', 'hi'], ['m2', '2', 'assistant', 'hello']],
        );
        assert.deepEqual(state.themeToShow, { theme: THEME, instant: true, conversationId: ID });
    });

    test('a later answer animates the theme and opens nothing', () => {
        const again = conversation([], { current_theme: THEME });
        const { state, effects } = conversationLoaded(opened(), ID, again);
        assert.deepEqual(types(effects), ['scroll-to-bottom']);
        assert.equal(state.themeToShow.instant, false);
    });

    test('keeps the previous colours while the next conversation loads', () => {
        const first = opened([], { current_theme: THEME });
        const { state } = conversationSelected(first, 'c2');
        assert.equal(state.themeToShow, first.themeToShow);
        assert.equal(state.loading, true);
        assert.deepEqual(state.messages, []);
    });

    test('an answer for a conversation no longer open is ignored', () => {
        const state = conversationSelected(opened(), 'c2').state;
        const out = conversationLoaded(state, ID, conversation([stored(1, 'user', 'old')]));
        assert.equal(out.state, state);
        assert.deepEqual(out.effects, []);
    });

    test('a failed first load says why and still connects', () => {
        const loading = conversationSelected(initialState(), ID).state;
        const failure = { status: 0, message: 'Cannot reach the server.', offline: true };
        const { state, effects } = conversationLoadFailed(loading, ID, failure);
        assert.deepEqual(state.status, { text: 'Cannot reach the server.', kind: 'error' });
        assert.equal(state.banner, 'The server cannot be reached.');
        assert.deepEqual(types(effects), ['open-socket']);
    });

    test('a failed refresh changes nothing', () => {
        const shown = opened();
        assert.equal(conversationLoadFailed(shown, ID, { status: 500, message: 'x' }).state, shown);
    });

    test('the start page: no conversation, default colours', () => {
        const { state, effects } = conversationSelected(opened([], { current_theme: THEME }), null);
        assert.equal(state.current, null);
        assert.equal(state.themeToShow.theme, null);
        assert.deepEqual(types(effects), ['close-socket']);
    });
});

describe('the conversation list', () => {
    test('an answer replaces the list and clears an earlier error', () => {
        const failure = { message: 'nope', offline: true };
        const failed = conversationListFailed(initialState(), failure).state;
        assert.equal(failed.listError, 'nope');
        assert.equal(failed.banner, 'The server cannot be reached.');
        assert.equal(failed.listLoaded, true);
        const list = [{ id: 'a', title: 'A' }];
        const { state } = conversationListLoaded(failed, list);
        assert.equal(state.conversations, list);
        assert.equal(state.listError, '');
    });
});

describe('a conversation deleted elsewhere', () => {
    const leaving = ['close-socket', 'set-url', 'notify', 'refresh-list'];

    test('a 404 while opening: the start page and "does not exist"', () => {
        const loading = conversationSelected(initialState(), ID).state;
        const notFound = { status: 404, message: 'gone' };
        const { state, effects } = conversationLoadFailed(loading, ID, notFound);
        assert.equal(state.current, null);
        assert.deepEqual(types(effects), leaving);
        assert.deepEqual(effects[1], { type: 'set-url', id: null, push: false });
        assert.equal(effects[2].text, 'That conversation does not exist any more.');
    });

    test('a 404 on a refresh, or the socket saying so: the start page and "deleted"', () => {
        const ways = {
            'GET answered 404': (s) => conversationLoadFailed(s, ID, { status: 404 }),
            'the socket said not found': (s) => conversationGone(s, ID),
        };
        for (const [how, leave] of Object.entries(ways)) {
            const page = sent(opened([stored(1, 'user', 'hi')]));
            const busy = receive(page, start(3, 'r1'), chunk('Hel'));
            const { state, effects } = leave(busy.state);
            assert.equal(state.current, null, how);
            assert.equal(state.live, null, how);
            assert.deepEqual(state.messages, [], how);
            assert.equal(isBusy(state), false, how);
            assert.equal(state.themeToShow.theme, null, how);
            assert.deepEqual(types(effects), leaving, how);
            assert.equal(effects[2].text, 'This conversation was deleted.', how);
        }
    });

    test('news about a conversation no longer open changes nothing', () => {
        const state = opened();
        assert.equal(conversationGone(state, 'other').state, state);
        assert.equal(conversationLoadFailed(state, 'other', { status: 404 }).state, state);
    });

    test('deleted here: the URL entry is pushed and the note says so', () => {
        const { state, effects } = conversationDeleted(opened(), ID);
        assert.equal(state.current, null);
        assert.deepEqual(effects, [
            { type: 'close-socket' },
            { type: 'set-url', id: null, push: true },
            { type: 'notify', text: 'Conversation deleted.' },
        ]);
    });
});

describe('a turn of this tab', () => {
    test('sent, started, streamed and ended', () => {
        let { state, effects } = turnSent(opened(), { text: 'hello', requestId: 'r1', now: NOW });
        assert.deepEqual(types(effects), ['scroll-to-bottom']);
        assert.equal(state.status.text, 'Sending…');
        assert.equal(isBusy(state), true);

        const started = start(2, 'r1', { message_id: 1 });
        ({ state, effects } = receive(state,
            started, status('theme_pending'), chunk('Hel'), chunk('lo!')));
        assert.deepEqual(types(effects), ['measure-first-token'], 'no refetch for an own turn');
        assert.deepEqual(state.pendingTurns, []);
        assert.equal(state.live.content, 'Hello!');
        assert.equal(state.live.key, 'm2');
        assert.equal(state.status.text, '');
        assert.equal(state.themePending, true);

        const timings = { ttft_ms: 5, total_ms: 9 };
        ({ state, effects } = receive(state, end(2, 'complete', { timings })));
        assert.deepEqual(types(effects), ['focus-composer', 'refresh-list']);
        assert.equal(state.live, null);
        assert.equal(isBusy(state), false);
        const { key, id, content, tokens, timestamp } = state.messages.at(-1);
        assert.deepEqual(
            { key, id, content, tokens, timestamp },
            { key: 'm2', id: '2', content: 'Hello!', tokens: 2, timestamp: NOW },
        );
        assert.deepEqual(state.messages.at(-1).timings, timings);
        assert.equal(state.themePending, true, 'the theme may still come after the reply');
    });

    test('a start with a queue position says so until the first chunk', () => {
        const { state } = receive(sent(opened()), start(2, 'r1', { queue_position: 2 }));
        assert.equal(state.status.text, 'Waiting for the model — position 2 in line.');
        assert.equal(receive(state, chunk('x')).state.status.text, '');
    });

    test('a start without request_id is the oldest pending turn', () => {
        const state = sent(sent(opened(), 'one', 'r1'), 'two', 'r2');
        const { state: next, effects } = receive(state, start(5));
        assert.deepEqual(next.pendingTurns, ['r2']);
        assert.equal(next.live.own, true);
        assert.deepEqual(effects, []);
    });
});

describe('status frames', () => {
    test('queued shows the place in line; thinking only before any text', () => {
        let { state } = receive(sent(opened()), status('queued', { position: 1 }));
        const nextInLine = 'Waiting for the model — you are next in line.';
        assert.deepEqual(state.status, { text: nextInLine, kind: 'info' });
        ({ state } = receive(state, status('queued', { position: 3 })));
        assert.equal(state.status.text, 'Waiting for the model — position 3 in line.');
        ({ state } = receive(state, start(2, 'r1'), status('thinking')));
        assert.equal(state.status.text, 'The model is thinking…');
        ({ state } = receive(state, chunk('a'), status('thinking')));
        assert.equal(state.status.text, '');
    });

    test('an unknown stage or frame type changes nothing', () => {
        const state = opened();
        assert.equal(receive(state, status('dreaming')).state, state);
        assert.equal(receive(state, { type: 'gossip' }).state, state);
    });
});

describe('resume: the page opens while a reply streams', () => {
    const storedMidReply = () => [
        stored(1, 'user', 'keep going'),
        stored(2, 'assistant', '', 'streaming'),
    ];

    test('start plus one chunk with the text so far replace the stored placeholder', () => {
        let { state, effects } = receive(opened(storedMidReply()),
            start(2, null, { message_id: 1 }), chunk('token0 token1 '));
        assert.deepEqual(types(effects), ['fetch-conversation'], 'not our turn: fetch it');
        assert.equal(state.live.messageId, '2');
        assert.equal(state.live.own, false);
        assert.equal(state.live.content, 'token0 token1 ');
        assert.equal(isBusy(state), true);

        // The fetched copy still says streaming; the live reply stands in for it.
        ({ state } = conversationLoaded(state, ID, conversation(storedMidReply())));
        assert.equal(state.live.content, 'token0 token1 ');

        ({ state, effects } = receive(state, chunk('token2'), end(2)));
        assert.deepEqual(summary(state.messages),
            [['1', 'complete', 'keep going'], ['2', 'complete', 'token0 token1 token2']]);
        const estimate = Math.round('token0 token1 token2'.length / 4);
        assert.equal(state.messages[1].tokens, estimate, 'resumed: tokens estimated from the text');
        assert.ok(!types(effects).includes('focus-composer'), 'not our turn');
    });

    test('the same reply started again after a reconnect starts its text over', () => {
        const { state } = receive(sent(opened()),
            start(2, 'r1'), chunk('abc'), start(2, 'r1'), chunk('abcdef'));
        assert.equal(state.live.content, 'abcdef');
        assert.equal(state.live.restarts, 1);
        assert.equal(state.live.resumed, true);
    });

    test('an empty first chunk keeps the reply thinking', () => {
        const { state } = receive(opened(), start(2), chunk(''));
        assert.equal(state.live.content, '');
        assert.equal(state.live.chunks, 0);
    });

    test('a chunk without a start still shows', () => {
        const { state } = receive(opened(), chunk('stray'));
        assert.equal(state.live.content, 'stray');
        assert.equal(state.live.messageId, null);
        assert.equal(state.live.key, 'live1');
    });

    test('no start after connecting: a reply stored as streaming is fetched again', () => {
        const page = opened(storedMidReply());
        assert.deepEqual(types(resumeCheckDue(page, ID).effects), ['fetch-conversation']);
        assert.deepEqual(resumeCheckDue(opened([stored(1, 'user', 'q')]), ID).effects, []);
        assert.deepEqual(resumeCheckDue(receive(page, start(2)).state, ID).effects, []);
    });

    test('a reconnect fetches what happened meanwhile; the first connect does not', () => {
        const reconnected = connectionOpened(opened(), ID, { reconnect: true });
        assert.deepEqual(types(reconnected.effects), ['fetch-conversation']);
        assert.deepEqual(connectionOpened(opened(), ID, { reconnect: false }).effects, []);
    });

    test('an end for a reply never seen fetches the stored copy', () => {
        const { state, effects } = receive(opened(), end(9));
        assert.deepEqual(types(effects), ['fetch-conversation', 'refresh-list']);
        assert.equal(state.live, null);
    });
});

describe('two tabs of one conversation', () => {
    test('a turn the other tab started streams here and fetches its message', () => {
        const mine = sent(opened(), 'mine', 'r-here');
        const theirs = start(2, 'r-other', { message_id: 1 });
        let { state, effects } = receive(mine, theirs, chunk('for both'));
        assert.deepEqual(types(effects), ['fetch-conversation']);
        assert.equal(state.live.own, false);
        assert.deepEqual(state.pendingTurns, ['r-here'], 'our own turn still waits');

        ({ state, effects } = receive(state, end(2)));
        assert.equal(isBusy(state), true, 'our own turn is next');
        assert.ok(!types(effects).includes('focus-composer'));

        ({ state, effects } = receive(state, start(4, 'r-here')));
        assert.equal(state.live.own, true);
        assert.deepEqual(effects, []);
    });

    test('a tab that sent nothing follows start, chunks and end, locked meanwhile', () => {
        let { state } = receive(opened(), start(2, 'r-other'), chunk('a'));
        assert.equal(isBusy(state), true, 'the composer waits too');
        ({ state } = receive(state, chunk('b'), end(2)));
        assert.deepEqual(summary(state.messages), [['2', 'complete', 'ab']]);
        assert.equal(isBusy(state), false);
    });

    test('a new reply while another is live interrupts the older one', () => {
        const { state } = receive(opened(), start(2), chunk('half'), start(4));
        assert.deepEqual(summary(state.messages), [['2', 'interrupted', 'half']]);
        assert.equal(state.live.messageId, '4');
    });
});

describe('cancel', () => {
    test('end with status stopped keeps the text and says so', () => {
        let { state } = receive(sent(opened()), start(2, 'r1'), chunk('token0 token1'));
        ({ state } = statusShown(state, 'Stopping…'));
        assert.equal(state.status.text, 'Stopping…');
        ({ state } = receive(state, end(2, 'stopped', { request_id: 'r1' })));
        assert.deepEqual(summary(state.messages).at(-1), ['2', 'stopped', 'token0 token1']);
        const stopped = 'Stopped. What was written so far is kept.';
        assert.deepEqual(state.status, { text: stopped, kind: 'info' });
        assert.equal(isBusy(state), false);
    });

    test('stopped before any text: nothing is added', () => {
        const { state } = receive(sent(opened()), start(2, 'r1'), end(2, 'stopped'));
        assert.deepEqual(state.messages.map((m) => m.role), ['user']);
    });
});

describe('error frames', () => {
    /** A turn of this tab that started, maybe wrote `text`, then failed with `code`. */
    function failedTurn(code, text) {
        const written = text ? [chunk(text)] : [];
        return receive(sent(opened()), start(2, 'r1'), ...written, errorFrame(code));
    }

    test('llm_unavailable before any text: a failed reply with the sentence', () => {
        const { state, effects } = failedTurn('llm_unavailable');
        const reply = state.messages.at(-1);
        assert.equal(reply.status, 'failed');
        assert.match(reply.error, /not reachable/);
        assert.deepEqual(state.status, { text: reply.error, kind: 'error' });
        assert.equal(isBusy(state), false);
        assert.ok(types(effects).includes('focus-composer'));
    });

    test('llm_error midway: the text so far is kept as interrupted', () => {
        const { state } = failedTurn('llm_error', 'half a th');
        const reply = state.messages.at(-1);
        assert.deepEqual([reply.status, reply.content], ['interrupted', 'half a th']);
        assert.match(reply.error, /ran into a problem/);
    });

    test('internal: the reply could not be saved', () => {
        const { state } = failedTurn('internal', 'written');
        assert.match(state.status.text, /went wrong on the server/);
        assert.equal(state.messages.at(-1).status, 'interrupted');
    });

    const refusals = {
        bad_request: /could not accept that message\. \(said by the server\)/,
        busy: /waiting already/,
    };
    for (const [code, sentence] of Object.entries(refusals)) {
        test(`${code} before start: the message was not stored and goes back`, () => {
            const { state, effects } = receive(sent(opened(), 'try this'), errorFrame(code));
            assert.deepEqual(state.messages, []);
            assert.deepEqual(state.pendingTurns, []);
            assert.equal(state.themePending, false);
            assert.match(state.status.text, sentence);
            assert.deepEqual(effects, [
                { type: 'restore-draft', text: 'try this' },
                { type: 'focus-composer' },
            ]);
        });
    }

    test('an error with nothing sent or live only shows the sentence', () => {
        const { state, effects } = receive(opened(), { type: 'error', message: 'Odd.' });
        assert.deepEqual(state.status, { text: 'Odd.', kind: 'error' });
        assert.deepEqual(state.messages, []);
        assert.deepEqual(effects, [{ type: 'focus-composer' }]);
    });
});

describe('theme frames', () => {
    test('theme_pending, then theme_update: the colours change with animation', () => {
        let { state, effects } = receive(opened(), status('theme_pending'));
        assert.equal(state.themePending, true);
        const update = { type: 'theme_update', theme: THEME, cached: false };
        ({ state, effects } = receive(state, update));
        assert.equal(state.themePending, false);
        assert.equal(state.current.current_theme, THEME);
        assert.deepEqual(state.themeToShow, { theme: THEME, instant: false, conversationId: ID });
        assert.deepEqual(types(effects), ['refresh-list']);
    });

    test('theme_error: the old theme stays, with a note', () => {
        const page = opened([], { current_theme: THEME });
        const { state, effects } = receive(page,
            status('theme_pending'), { type: 'theme_error', message: 'no' });
        assert.equal(state.themePending, false);
        assert.equal(state.themeToShow, page.themeToShow);
        const note = 'No new colours this time — the current theme stays.';
        assert.deepEqual(effects, [{ type: 'notify', text: note }]);
    });

    test('a start alone does not claim a theme is coming', () => {
        assert.equal(receive(opened(), start(2)).state.themePending, false);
    });
});

describe('the connection', () => {
    test('offline: the banner counts down; unanswered turns and theme_pending end', () => {
        const waiting = receive(sent(opened()), status('theme_pending')).state;
        const offline = { connection: 'offline', retryInMs: 2400 };
        const { state } = connectionChanged(waiting, ID, offline);
        assert.equal(state.banner, 'Offline — reconnecting in 2 s.');
        assert.deepEqual(state.pendingTurns, []);
        assert.match(state.status.text, /connection dropped before the server answered/);
        assert.equal(state.themePending, false);
        const connecting = connectionChanged(state, ID, { connection: 'connecting' }).state;
        assert.equal(connecting.banner, 'Offline — reconnecting…');
        assert.equal(connectionChanged(connecting, ID, { connection: 'open' }).state.banner, '');
    });

    test('a live reply survives the drop (its socket brings it back)', () => {
        const live = receive(sent(opened()), start(2, 'r1')).state;
        const { state } = connectionChanged(live, ID, { connection: 'offline', retryInMs: 500 });
        assert.ok(state.live);
        assert.equal(state.status, live.status);
    });

    test('connecting without a banner shows none', () => {
        const { state } = connectionChanged(opened(), ID, { connection: 'connecting' });
        assert.equal(state.banner, '');
    });

    test('events of a socket of another conversation are ignored', () => {
        const state = opened();
        const offline = { connection: 'offline', retryInMs: 1 };
        assert.equal(connectionChanged(state, 'old', offline).state, state);
        assert.equal(frameReceived(state, 'old', chunk('x')).state, state);
    });
});

test('the input state is never changed in place', () => {
    const before = sent(opened([stored(1, 'user', 'q')]));
    const snapshot = JSON.stringify(before);
    receive(before, start(2, 'r1'), chunk('a'), { type: 'theme_update', theme: THEME }, end(2));
    receive(before, errorFrame('busy'));
    connectionChanged(before, ID, { connection: 'offline', retryInMs: 1 });
    conversationGone(before, ID);
    assert.equal(JSON.stringify(before), snapshot);
});
