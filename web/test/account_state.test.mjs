// account_state.js without a browser: /api/auth answers, 401s and socket closes in, the
// screen, the user and effects out.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
    apiAnswered,
    checkNewPassword,
    formRefused,
    formSent,
    initialAccountState,
    isAdmin,
    isSignedOutAnswer,
    keyCreated,
    parseRetryAfter,
    parseSetupHash,
    passwordChanged,
    retryWaitOver,
    secretDismissed,
    sessionChecked,
    setupAnswered,
    signInAnswered,
    signOutAnswered,
    signOutSent,
    signedOut,
    socketClosed,
    statusAnswered,
    userChanged,
    userDeleted,
} from '../src/account_state.js';
import { ACCOUNT_WORDS } from '../src/words.js';

const ADMIN = { id: 1, username: 'ada', role: 'admin', created_at: '2026-12-01T10:00:00.000Z' };
const USER = { id: 2, username: 'bob', role: 'user', created_at: '2026-12-01T11:00:00.000Z' };
const TOKEN = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0';

const types = (effects) => effects.map((e) => e.type);
const ok = (data) => ({ ok: true, data });
const failed = (status, message = '', extra = {}) => ({ ok: false, status, message, ...extra });
const status = (fields) => ok({ mode: 'accounts', user: null, setup_required: false, ...fields });

/** The page on the chat screen, signed in as `user`. */
function signedInAs(user = USER) {
    return statusAnswered(initialAccountState(), status({ user })).state;
}

/** The page on the sign-in form. */
function atSignIn() {
    return statusAnswered(initialAccountState(), status({})).state;
}

function atSetup() {
    return statusAnswered(initialAccountState(), status({ setup_required: true }), `#setup=${TOKEN}`).state;
}

describe('which screen the status answer shows', () => {
    test('mode none is today\'s page, and the setup hash is left alone', () => {
        const { state, effects } = statusAnswered(
            initialAccountState(),
            ok({ mode: 'none', user: null, setup_required: false }),
            `#setup=${TOKEN}`,
        );
        assert.equal(state.screen, 'chat');
        assert.equal(state.mode, 'none');
        assert.equal(state.user, null);
        assert.deepEqual(types(effects), ['start-chat']);
    });

    test('a server without the route (404) speaks v1: mode none', () => {
        const { state, effects } = statusAnswered(initialAccountState(), failed(404, 'Not found'));
        assert.equal(state.screen, 'chat');
        assert.equal(state.mode, 'none');
        assert.deepEqual(types(effects), ['start-chat']);
    });

    test('a server that cannot be reached gets today\'s page, mode unknown', () => {
        const offline = { ok: false, status: 0, offline: true, message: 'Cannot reach' };
        const { state, effects } = statusAnswered(initialAccountState(), offline);
        assert.equal(state.screen, 'chat');
        assert.equal(state.mode, 'unknown');
        assert.deepEqual(types(effects), ['start-chat']);
    });

    test('an answer that is not a status object is treated as mode none', () => {
        const { state } = statusAnswered(initialAccountState(), ok({}));
        assert.equal(state.screen, 'chat');
        assert.equal(state.mode, 'none');
    });

    test('accounts with a user: the chat page, signed in', () => {
        const { state, effects } = statusAnswered(initialAccountState(), status({ user: ADMIN }));
        assert.equal(state.screen, 'chat');
        assert.equal(state.mode, 'accounts');
        assert.equal(state.user.username, 'ada');
        assert.equal(isAdmin(state), true);
        assert.deepEqual(types(effects), ['start-chat']);
    });

    test('accounts without a user: the sign-in form, focused', () => {
        const { state, effects } = statusAnswered(initialAccountState(), status({}));
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.user, null);
        assert.equal(state.notice, '');
        assert.deepEqual(types(effects), ['focus-form']);
    });

    test('setup required and the link\'s token: the first-account form', () => {
        const { state, effects } = statusAnswered(
            initialAccountState(),
            status({ setup_required: true }),
            `#setup=${TOKEN}`,
        );
        assert.equal(state.screen, 'setup');
        assert.equal(state.setupToken, TOKEN);
        assert.deepEqual(types(effects), ['focus-form']);
    });

    test('setup required without a token: the sign-in form says where the link is', () => {
        const { state } = statusAnswered(initialAccountState(), status({ setup_required: true }), '');
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.notice, ACCOUNT_WORDS.setupNeedsLink);
    });

    test('a spent setup link: sign-in, the hash taken away', () => {
        const { state, effects } = statusAnswered(initialAccountState(), status({}), `#setup=${TOKEN}`);
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.notice, ACCOUNT_WORDS.setupLinkUsed);
        assert.deepEqual(types(effects), ['clear-hash', 'focus-form']);
    });

    test('signed in already with a setup link: the chat, the hash taken away', () => {
        const { state, effects } = statusAnswered(initialAccountState(), status({ user: USER }), `#setup=${TOKEN}`);
        assert.equal(state.screen, 'chat');
        assert.equal(isAdmin(state), false);
        assert.deepEqual(types(effects), ['clear-hash', 'start-chat']);
    });

    test('the setup link pasted into the sign-in tab: the setup form; a failed ask changes nothing', () => {
        const signIn = statusAnswered(initialAccountState(), status({ setup_required: true })).state;
        assert.equal(signIn.screen, 'sign-in');
        assert.equal(statusAnswered(signIn, failed(0, 'offline'), `#setup=${TOKEN}`).state, signIn);
        const { state } = statusAnswered(signIn, status({ setup_required: true }), `#setup=${TOKEN}`);
        assert.equal(state.screen, 'setup');
        assert.equal(state.notice, '');
    });

    test('an unknown role is no admin', () => {
        const { state } = statusAnswered(initialAccountState(), status({ user: { ...USER, role: 'root' } }));
        assert.equal(state.user.role, 'user');
        assert.equal(isAdmin(state), false);
    });
});

describe('the setup hash', () => {
    test('reads the token of #setup=TOKEN', () => {
        assert.equal(parseSetupHash(`#setup=${TOKEN}`), TOKEN);
        assert.equal(parseSetupHash('#setup=abc-_~.123'), 'abc-_~.123');
        assert.equal(parseSetupHash('#other=1&setup=xyz'), 'xyz');
        assert.equal(parseSetupHash('#setup=a%2Bb'), 'a+b');
        assert.equal(parseSetupHash('#setup=ab+/cd=='), 'ab+/cd==', 'base64 as it is');
    });

    test('anything else is no token', () => {
        for (const hash of ['', '#', '#setup=', '#setup', '#nothing=1', 'setup=abc', '#setup=a b',
            '#setup=%E0%A4%A', '#xsetup=abc',
            `#setup=${'x'.repeat(513)}`, null, undefined, 42]) {
            assert.equal(parseSetupHash(hash), null, `hash ${String(hash).slice(0, 20)}`);
        }
    });
});

describe('signing in', () => {
    test('a right password: the chat, signed in', () => {
        const sending = formSent(atSignIn()).state;
        assert.equal(sending.form.busy, true);
        const { state, effects } = signInAnswered(sending, ok({ user: USER }));
        assert.equal(state.screen, 'chat');
        assert.equal(state.user.username, 'bob');
        assert.equal(state.form.busy, false);
        assert.deepEqual(types(effects), ['start-chat']);
    });

    test('a wrong password shows the server\'s sentence, or ours without one', () => {
        const sending = formSent(atSignIn()).state;
        const said = signInAnswered(sending, failed(401, 'Wrong username or password')).state;
        assert.equal(said.screen, 'sign-in');
        assert.equal(said.form.error, 'Wrong username or password');
        assert.equal(said.form.busy, false);
        const silent = signInAnswered(sending, failed(401)).state;
        assert.equal(silent.form.error, ACCOUNT_WORDS.wrongPassword);
    });

    test('429 shows how long to wait and holds the form until then', () => {
        const now = 1_000_000;
        const sending = formSent(atSignIn()).state;
        const { state, effects } = signInAnswered(sending, failed(429, 'Too many', { retryAfterS: 90 }), now);
        assert.equal(state.form.error, 'Too many failed sign-ins. Try again in 2 min.');
        assert.equal(state.form.retryUntil, now + 90_000);
        assert.deepEqual(effects, [{ type: 'retry-timer', ms: 90_000 }]);
        assert.equal(retryWaitOver(state, now + 89_000).state, state, 'too early: unchanged');
        const over = retryWaitOver(state, now + 90_000).state;
        assert.equal(over.form.retryUntil, 0);
        assert.equal(over.form.error, '');
    });

    test('429 without Retry-After still says a wait', () => {
        const { state } = signInAnswered(formSent(atSignIn()).state, failed(429), 0);
        assert.equal(state.form.error, 'Too many failed sign-ins. Try again in 1 s.');
    });

    test('a dropped network and a rule broken show their sentence', () => {
        const offline = signInAnswered(atSignIn(), { ok: false, status: 0, offline: true, message: 'Cannot reach the moodring server.' });
        assert.equal(offline.state.form.error, 'Cannot reach the moodring server.');
        const rule = signInAnswered(atSignIn(), failed(400, 'The username is missing.'));
        assert.equal(rule.state.form.error, 'The username is missing.');
    });

    test('an answer without a user is not a sign-in', () => {
        const { state } = signInAnswered(atSignIn(), ok({}));
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.form.error, ACCOUNT_WORDS.strangeAnswer);
    });

    test('a late answer after leaving the form changes nothing', () => {
        const chat = signedInAs(USER);
        assert.equal(signInAnswered(chat, failed(401, 'Wrong')).state, chat);
    });

    test('Retry-After: seconds or an HTTP date', () => {
        const now = Date.parse('2026-12-02T12:00:00Z');
        assert.equal(parseRetryAfter('120', now), 120);
        assert.equal(parseRetryAfter(' 5 ', now), 5);
        assert.equal(parseRetryAfter('Wed, 02 Dec 2026 12:01:30 GMT', now), 90);
        assert.equal(parseRetryAfter('Wed, 02 Dec 2026 11:00:00 GMT', now), 0);
        assert.equal(parseRetryAfter(null, now), 0);
        assert.equal(parseRetryAfter('soon', now), 0);
        assert.equal(parseRetryAfter('-3', now), 0);
    });
});

describe('the first account', () => {
    test('passwords are checked before anything is sent', () => {
        assert.equal(checkNewPassword('', ''), ACCOUNT_WORDS.passwordMissing);
        assert.equal(checkNewPassword('long enough 1', 'long enough 2'), ACCOUNT_WORDS.passwordsDiffer);
        assert.equal(checkNewPassword('long enough 1', 'long enough 1'), '');
        const refused = formRefused(atSetup(), ACCOUNT_WORDS.passwordsDiffer).state;
        assert.equal(refused.screen, 'setup');
        assert.equal(refused.form.error, ACCOUNT_WORDS.passwordsDiffer);
    });

    test('201: signed in, the hash removed', () => {
        const { state, effects } = setupAnswered(formSent(atSetup()).state, ok({ user: ADMIN }));
        assert.equal(state.screen, 'chat');
        assert.equal(state.user.role, 'admin');
        assert.equal(state.setupToken, null);
        assert.equal(state.setupRequired, false);
        assert.deepEqual(types(effects), ['clear-hash', 'start-chat']);
    });

    test('403: a wrong token says so and stays', () => {
        const { state } = setupAnswered(formSent(atSetup()).state, failed(403, 'Wrong setup token.'));
        assert.equal(state.screen, 'setup');
        assert.match(state.form.error, /^Wrong setup token\. Check that you opened the whole link/);
        assert.equal(state.form.busy, false);
    });

    test('409: an account exists already, so the sign-in form', () => {
        const { state, effects } = setupAnswered(formSent(atSetup()).state, failed(409, 'A user exists already'));
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.setupToken, null);
        assert.equal(state.notice, ACCOUNT_WORDS.setupLinkUsed);
        assert.deepEqual(types(effects), ['clear-hash', 'focus-form']);
    });

    test('400: the rule the server names', () => {
        const { state } = setupAnswered(atSetup(), failed(400, 'Passwords have at least 10 characters.'));
        assert.equal(state.form.error, 'Passwords have at least 10 characters.');
    });
});

describe('signed out, from anywhere', () => {
    test('a 401 from any route but the login signs out and forgets the user', () => {
        const chat = keyCreated(signedInAs(ADMIN), { key: { id: 7, name: 'ci' }, secret: 'mr_secret' }).state;
        for (const path of ['/api/conversations', '/api/conversations/abc/files', '/api/keys',
            '/api/users/3', '/api/auth/logout', '/api/models?x=1']) {
            const { state, effects } = apiAnswered(chat, { path, status: 401, error: 'Sign in first' });
            assert.equal(state.screen, 'sign-in', path);
            assert.equal(state.user, null);
            assert.equal(state.secret, null, 'the secret goes too');
            assert.equal(state.notice, ACCOUNT_WORDS.sessionEnded);
            assert.deepEqual(effects, [
                { type: 'close-dialogs' },
                { type: 'stop-chat', clearUrl: false },
                { type: 'focus-form' },
            ]);
        }
    });

    test('the login\'s 401 and the password change\'s own refusal are answers to a form', () => {
        assert.equal(isSignedOutAnswer({ path: '/api/auth/login', status: 401, error: 'Wrong username or password' }), false);
        assert.equal(isSignedOutAnswer({ path: '/api/auth/password', status: 401, error: 'The current password is wrong' }), false);
        assert.equal(isSignedOutAnswer({ path: '/api/auth/password', status: 401, error: 'Sign in first' }), true);
        assert.equal(isSignedOutAnswer({ path: '/api/conversations', status: 403, error: 'Admins only' }), false);
        assert.equal(isSignedOutAnswer({ path: '/api/conversations', status: 200 }), false);
        const chat = signedInAs(USER);
        assert.equal(apiAnswered(chat, { path: '/api/auth/login', status: 401 }).state, chat);
        assert.equal(apiAnswered(chat, { path: '/api/users', status: 403, error: 'Admins only' }).state, chat);
    });

    test('a WebSocket closed with 1008 "signed out" signs out', () => {
        const { state, effects } = socketClosed(signedInAs(USER), { code: 1008, reason: 'signed out' });
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.user, null);
        assert.deepEqual(types(effects), ['close-dialogs', 'stop-chat', 'focus-form']);
    });

    test('other closes are drops the socket reconnects from', () => {
        const chat = signedInAs(USER);
        for (const close of [{ code: 1006, reason: '' }, { code: 1001, reason: 'going away' },
            { code: 1008, reason: 'origin' }, { code: 1000, reason: 'signed out' }]) {
            assert.equal(socketClosed(chat, close).state, chat, JSON.stringify(close));
        }
    });

    test('a 401 in mode unknown brings the sign-in form too (the status route had failed)', () => {
        const unknown = statusAnswered(initialAccountState(), failed(503)).state;
        const { state, effects } = apiAnswered(unknown, { path: '/api/conversations', status: 401, error: 'Sign in first' });
        assert.equal(state.mode, 'accounts');
        assert.equal(state.screen, 'sign-in');
        assert.deepEqual(types(effects), ['close-dialogs', 'stop-chat', 'focus-form']);
    });

    test('several 401s at once sign out once', () => {
        const first = apiAnswered(signedInAs(USER), { path: '/api/conversations', status: 401 });
        const second = apiAnswered(first.state, { path: '/api/conversations/x', status: 401 });
        assert.equal(second.state, first.state);
        assert.deepEqual(second.effects, []);
    });

    test('a 401 while the setup form is shown keeps the form', () => {
        const setup = atSetup();
        const { state, effects } = apiAnswered(setup, { path: '/api/conversations', status: 401 });
        assert.equal(state.screen, 'setup');
        assert.equal(state.setupToken, TOKEN);
        assert.deepEqual(effects, []);
    });

    test('the user\'s own sign-out: no notice, the URL cleared', () => {
        const { state, effects } = signOutAnswered(signedInAs(USER), { ok: true, data: {} });
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.notice, '');
        assert.deepEqual(effects, [
            { type: 'close-dialogs' },
            { type: 'stop-chat', clearUrl: true },
            { type: 'focus-form' },
        ]);
        assert.equal(signOutAnswered(signedInAs(USER), failed(401, 'Sign in first')).state.screen, 'sign-in');
    });

    test('the user\'s own sign-out whose 1008 comes before its answer: still no notice', () => {
        const sending = signOutSent(signedInAs(USER)).state;
        assert.equal(sending.screen, 'chat');
        const closed = socketClosed(sending, { code: 1008, reason: 'signed out' });
        assert.equal(closed.state.screen, 'sign-in');
        assert.equal(closed.state.notice, '');
        assert.equal(closed.state.signingOut, false);
        assert.deepEqual(closed.effects, [
            { type: 'close-dialogs' },
            { type: 'stop-chat', clearUrl: true },
            { type: 'focus-form' },
        ]);
        const answered = signOutAnswered(closed.state, { ok: true, data: {} });
        assert.equal(answered.state, closed.state);
        assert.deepEqual(answered.effects, []);
    });

    test('what the old session had on its way after the user\'s own sign-out adds no notice', () => {
        const closed = socketClosed(signOutSent(signedInAs(USER)).state, { code: 1008, reason: 'signed out' });
        const late = signedOut(closed.state, ACCOUNT_WORDS.sessionEnded);
        assert.equal(late.state.notice, '', 'a request answered 401 after the socket closed');
        assert.deepEqual(late.effects, []);
        const another = socketClosed(late.state, { code: 1008, reason: 'signed out' });
        assert.equal(another.state.notice, '', 'a second tab socket closed');
    });

    test('a sign-out that did not get through says so and stays', () => {
        const chat = signedInAs(USER);
        const { state, effects } = signOutAnswered(signOutSent(chat).state, { ok: false, status: 0, offline: true, message: 'Cannot reach the server.' });
        assert.deepEqual(state, chat);
        assert.equal(state.signingOut, false, 'a later 1008 is news again');
        assert.deepEqual(effects, [{ type: 'notify', text: 'Could not sign out: Cannot reach the server.' }]);
    });

    test('a status check that finds no user signs out; one that finds the user does not', () => {
        const chat = signedInAs(USER);
        assert.equal(sessionChecked(chat, status({ user: USER })).state, chat);
        assert.equal(sessionChecked(chat, { ok: false, status: 0, offline: true }).state, chat);
        const none = signedInAs(USER);
        assert.equal(sessionChecked(none, ok({ mode: 'none', user: null })).state, none);
        const { state } = sessionChecked(chat, status({ user: null }));
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.notice, ACCOUNT_WORDS.sessionEnded);
    });

    test('signedOut itself is idempotent but adds a reason when there was none', () => {
        const out = signedOut(signedInAs(USER), '').state;
        const again = signedOut(out, 'why');
        assert.equal(again.state.notice, 'why');
        assert.deepEqual(again.effects, []);
    });
});

describe('the signed-in user', () => {
    test('a password change keeps the user and says what happened', () => {
        const { state, effects } = passwordChanged(signedInAs(USER), USER);
        assert.equal(state.user.username, 'bob');
        assert.deepEqual(effects, [{ type: 'notify', text: ACCOUNT_WORDS.passwordChanged }]);
    });

    test('an admin who makes themselves a user loses the users page', () => {
        const admin = signedInAs(ADMIN);
        const { state } = userChanged(admin, { ...ADMIN, role: 'user' });
        assert.equal(isAdmin(state), false);
        assert.equal(userChanged(admin, { ...USER, role: 'admin' }).state, admin, 'someone else');
    });

    test('deleting oneself signs out; deleting another does not', () => {
        const admin = signedInAs(ADMIN);
        assert.equal(userDeleted(admin, USER.id).state, admin);
        const { state } = userDeleted(admin, String(ADMIN.id));
        assert.equal(state.screen, 'sign-in');
        assert.equal(state.notice, ACCOUNT_WORDS.accountDeleted);
    });
});

describe('a new key\'s secret', () => {
    test('kept only until dismissed', () => {
        const chat = signedInAs(USER);
        const shown = keyCreated(chat, { key: { id: 5, name: 'laptop' }, secret: 'mr_abc' }).state;
        assert.deepEqual(shown.secret, { keyId: 5, name: 'laptop', secret: 'mr_abc' });
        const gone = secretDismissed(shown).state;
        assert.equal(gone.secret, null);
        assert.equal(secretDismissed(gone).state, gone, 'dismissing twice changes nothing');
    });

    test('a new key replaces the previous secret', () => {
        let state = keyCreated(signedInAs(USER), { key: { id: 5, name: 'a' }, secret: 'mr_a' }).state;
        state = keyCreated(state, { key: { id: 6, name: 'b' }, secret: 'mr_b' }).state;
        assert.deepEqual(state.secret, { keyId: 6, name: 'b', secret: 'mr_b' });
    });

    test('no secret, or signed out: nothing kept', () => {
        const chat = signedInAs(USER);
        assert.equal(keyCreated(chat, { key: { id: 5 } }).state.secret, null);
        assert.equal(keyCreated(atSignIn(), { key: { id: 5 }, secret: 'mr_x' }).state.secret, null);
    });

    test('never part of anything but the state\'s `secret`', () => {
        const shown = keyCreated(signedInAs(USER), { key: { id: 5, name: 'x' }, secret: 'mr_only_here' }).state;
        const { secret, ...rest } = shown;
        assert.equal(secret.secret, 'mr_only_here');
        assert.ok(!JSON.stringify(rest).includes('mr_only_here'));
    });
});
