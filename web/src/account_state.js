// Who is signed in, and which screen the page shows: the accounts half of PROTOCOL.md v2
// as rules. Answers of `/api/auth/*`, the API's 401s, the socket's closes and the user's
// actions go in; a new state and a list of effects come out. No DOM, no fetch, no timers:
// account.js does the I/O and performs the effects. The state is never changed in place.
//
// Screens: 'loading' (asking /api/auth/status), 'chat' (today's page; in mode `none` the
// only one), 'sign-in', 'setup' (the first account, from the `#setup=TOKEN` link).
//
// Effects, performed by account.js in order:
//   {type: 'start-chat'}          load the conversations and open the one in the URL
//   {type: 'stop-chat', clearUrl} close the socket, forget every conversation shown
//   {type: 'close-dialogs'}       close the account dialogs (the secret goes with them)
//   {type: 'clear-hash'}          take `#setup=…` out of the address bar
//   {type: 'retry-timer', ms}     call retryWaitOver() after `ms`
//   {type: 'notify', text}        a passing note on the chat page
//   {type: 'focus-form'}          the shown form's first empty field takes the focus

import { ACCOUNT_WORDS, describeWait } from './words.js';

/** The routes whose 401 is an answer to the form, not "your session is gone". */
const LOGIN_PATH = '/api/auth/login';
const PASSWORD_PATH = '/api/auth/password';
/** What the server says when a request carries no valid credentials. */
export const SIGN_IN_FIRST = 'Sign in first';
/** WebSocket close code and reason of a revoked session. */
export const POLICY_VIOLATION = 1008;
const SIGNED_OUT_REASON = 'signed out';
/** A setup token longer than this is no token (the server's are ~43 characters). */
const MAX_TOKEN_LENGTH = 512;

const NO_FORM = Object.freeze({ error: '', busy: false, retryUntil: 0 });

export function initialAccountState() {
    return {
        screen: 'loading',
        mode: 'unknown', // 'none' | 'accounts' | 'unknown' (the status route failed)
        user: null, // User of PROTOCOL.md: {id, username, role, created_at}
        setupRequired: false,
        setupToken: null, // from `#setup=TOKEN`, only while the setup form is shown
        form: NO_FORM, // the sign-in or setup form: {error, busy, retryUntil}
        notice: '', // a line above the sign-in form: why it is shown
        secret: null, // {keyId, name, secret}: a new API key's secret, until dismissed
        signingOut: false, // the user asked to sign out; the server's answer is on its way
        signedOutByUser: false, // the sign-in form is there because the user signed out
    };
}

function result(state, effects = []) {
    return { state, effects };
}

/** The setup token of a `#setup=TOKEN` hash, or null. */
export function parseSetupHash(hash) {
    if (typeof hash !== 'string' || !hash.startsWith('#')) return null;
    // Not URLSearchParams: a `+` of a base64 token is a plus, not a space.
    const field = hash.slice(1).split('&').find((part) => part.startsWith('setup='));
    let token;
    try {
        token = decodeURIComponent(field?.slice('setup='.length) ?? '').trim();
    } catch {
        return null;
    }
    if (!token || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) return null;
    return token;
}

/**
 * Seconds to wait from a `Retry-After` header: a number of seconds or an HTTP date.
 * 0 when there is none or it cannot be read.
 */
export function parseRetryAfter(value, now = Date.now()) {
    if (value == null) return 0;
    const text = String(value).trim();
    if (/^\d+$/.test(text)) return Number(text);
    const at = Date.parse(text);
    if (!Number.isFinite(at)) return 0;
    return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The error of a new password and its repetition, or '' when they may be sent. */
export function checkNewPassword(password, repeat) {
    if (!password) return ACCOUNT_WORDS.passwordMissing;
    if (password !== repeat) return ACCOUNT_WORDS.passwordsDiffer;
    return '';
}

export function isAdmin(state) {
    return state.user?.role === 'admin';
}

// ---------------------------------------------------------------- where the page starts

/**
 * `GET /api/auth/status` answered at start: `{ok: true, data}` or an ApiError-like
 * `{ok: false, status, offline}`. `hash` is location.hash. A server without the route
 * (404) speaks v1: mode `none`. Any other failure shows today's page, whose own requests
 * say what is wrong (and a 401 among them brings the sign-in form).
 */
export function statusAnswered(state, answer, hash = '') {
    // Asked again from the sign-in form (a setup link pasted into it): a failure changes nothing.
    if (state.screen !== 'loading' && !answer.ok) return result(state);
    const data = answer.ok ? answer.data : null;
    if (data?.mode !== 'accounts') {
        const mode = answer.ok || answer.status === 404 ? 'none' : 'unknown';
        return result({ ...state, screen: 'chat', mode }, [{ type: 'start-chat' }]);
    }
    const token = parseSetupHash(hash);
    const base = { ...state, mode: 'accounts', setupRequired: Boolean(data.setup_required) };
    const user = validUser(data.user);
    if (user) {
        const effects = token ? [{ type: 'clear-hash' }] : [];
        return signedIn(base, user, effects);
    }
    if (base.setupRequired && token) {
        const next = { ...base, screen: 'setup', setupToken: token, form: NO_FORM, notice: '' };
        return result(next, [{ type: 'focus-form' }]);
    }
    let notice = '';
    if (base.setupRequired) notice = ACCOUNT_WORDS.setupNeedsLink;
    else if (token) notice = ACCOUNT_WORDS.setupLinkUsed;
    const effects = token ? [{ type: 'clear-hash' }, { type: 'focus-form' }] : [{ type: 'focus-form' }];
    return result({ ...base, screen: 'sign-in', form: NO_FORM, notice, user: null }, effects);
}

/**
 * `GET /api/auth/status` asked again while the chat is shown (the socket cannot connect:
 * an upgrade refused with 401 looks like any dropped connection to a browser).
 */
export function sessionChecked(state, answer) {
    if (state.screen !== 'chat' || !answer.ok) return result(state);
    const data = answer.data;
    if (data?.mode === 'accounts' && !validUser(data.user)) {
        return signedOut(state, ACCOUNT_WORDS.sessionEnded);
    }
    return result(state);
}

function validUser(user) {
    if (!user || typeof user !== 'object' || user.id == null) return null;
    if (typeof user.username !== 'string') return null;
    return { ...user, role: user.role === 'admin' ? 'admin' : 'user' };
}

// ---------------------------------------------------------------- signing in and out

function signedIn(state, user, effects = []) {
    const next = {
        ...state,
        mode: 'accounts',
        screen: 'chat',
        user,
        setupRequired: false,
        setupToken: null,
        form: NO_FORM,
        notice: '',
        signedOutByUser: false,
    };
    return result(next, [...effects, { type: 'start-chat' }]);
}

/**
 * The one way out: the session is gone (a 401, a 1008 close, the user's own sign-out).
 * Everything of the signed-in user is forgotten. `notice` says why, '' when they asked.
 */
export function signedOut(state, notice = '') {
    if (state.screen === 'sign-in' || state.screen === 'setup') {
        // What the old session still had on its way (a 401, another socket's 1008) after the
        // user's own sign-out is no news.
        if (state.signedOutByUser) return result(state);
        return result(state.notice || !notice ? state : { ...state, notice });
    }
    // The server closes our sockets (1008) as it revokes the session, often before it answers
    // the sign-out itself: while the user's own sign-out runs, every way out is that one.
    const asked = state.signingOut;
    const next = {
        ...state,
        mode: 'accounts',
        screen: 'sign-in',
        user: null,
        setupToken: null,
        form: NO_FORM,
        notice: asked ? '' : notice,
        secret: null,
        signingOut: false,
        signedOutByUser: asked,
    };
    const effects = [];
    if (state.screen === 'chat') {
        effects.push({ type: 'close-dialogs' }, { type: 'stop-chat', clearUrl: asked || !notice });
    }
    effects.push({ type: 'focus-form' });
    return result(next, effects);
}

/** The sign-in or setup form was sent. */
export function formSent(state) {
    return result({ ...state, form: { ...state.form, busy: true, error: '' } });
}

/** The form cannot be sent as it is (passwords differ, …). */
export function formRefused(state, error) {
    return result({ ...state, form: { ...state.form, busy: false, error } });
}

/**
 * `POST /api/auth/login` answered: `{ok: true, data: {user}}`, or `{ok: false, status,
 * message, offline, retryAfterS}`. `now` in milliseconds.
 */
export function signInAnswered(state, answer, now = Date.now()) {
    if (state.screen !== 'sign-in') return result(state);
    if (answer.ok) {
        const user = validUser(answer.data?.user);
        if (user) return signedIn(state, user);
        return formRefused(state, ACCOUNT_WORDS.strangeAnswer);
    }
    if (answer.status === 429) {
        const seconds = Math.max(1, answer.retryAfterS || 0);
        const error = ACCOUNT_WORDS.tooManyAttempts(describeWait(seconds));
        const form = { error, busy: false, retryUntil: now + seconds * 1000 };
        return result({ ...state, form }, [{ type: 'retry-timer', ms: seconds * 1000 }]);
    }
    if (answer.status === 401) {
        return formRefused(state, answer.message || ACCOUNT_WORDS.wrongPassword);
    }
    return formRefused(state, answer.message || ACCOUNT_WORDS.strangeAnswer);
}

/** The wait asked for by a 429 is over: the form may be sent again. */
export function retryWaitOver(state, now = Date.now()) {
    if (!state.form.retryUntil || now < state.form.retryUntil) return result(state);
    return result({ ...state, form: { ...state.form, retryUntil: 0, error: '' } });
}

/** `POST /api/auth/setup` answered (same shapes as signInAnswered). */
export function setupAnswered(state, answer) {
    if (state.screen !== 'setup') return result(state);
    if (answer.ok) {
        const user = validUser(answer.data?.user);
        if (user) return signedIn(state, user, [{ type: 'clear-hash' }]);
        return formRefused(state, ACCOUNT_WORDS.strangeAnswer);
    }
    if (answer.status === 409) {
        // Someone made the first account already: this link is spent.
        const next = {
            ...state,
            screen: 'sign-in',
            setupRequired: false,
            setupToken: null,
            form: NO_FORM,
            notice: ACCOUNT_WORDS.setupLinkUsed,
        };
        return result(next, [{ type: 'clear-hash' }, { type: 'focus-form' }]);
    }
    if (answer.status === 403) {
        const said = answer.message ? `${answer.message} ` : '';
        return formRefused(state, `${said}${ACCOUNT_WORDS.setupTokenRefused}`);
    }
    return formRefused(state, answer.message || ACCOUNT_WORDS.strangeAnswer);
}

/** The user asked to sign out: `POST /api/auth/logout` is on its way. */
export function signOutSent(state) {
    if (state.screen !== 'chat') return result(state);
    return result({ ...state, signingOut: true });
}

/** `POST /api/auth/logout` answered. A 401 means the session was gone already: also out. */
export function signOutAnswered(state, answer) {
    if (answer.ok || answer.status === 401) return signedOut(state, '');
    const text = ACCOUNT_WORDS.signOutFailed(answer.message || ACCOUNT_WORDS.strangeAnswer);
    return result({ ...state, signingOut: false }, [{ type: 'notify', text }]);
}

// ---------------------------------------------------------------- the session ends elsewhere

/**
 * Whether an API answer says the session is gone: a 401 from any route but the login
 * (where it means a wrong password) and the password change's own refusal of a wrong
 * current password (anything there but "Sign in first").
 */
export function isSignedOutAnswer({ path = '', status, error = '' }) {
    if (status !== 401) return false;
    const route = String(path).split('?')[0];
    if (route === LOGIN_PATH) return false;
    if (route === PASSWORD_PATH) return error === SIGN_IN_FIRST;
    return true;
}

/** Every API answer passes here: `{path, status, error}`. */
export function apiAnswered(state, answer) {
    if (!isSignedOutAnswer(answer)) return result(state);
    return signedOut(state, ACCOUNT_WORDS.sessionEnded);
}

/** A conversation's WebSocket closed with `code` and `reason`. */
export function socketClosed(state, { code, reason = '' }) {
    const revoked =
        code === POLICY_VIOLATION && String(reason).trim().toLowerCase() === SIGNED_OUT_REASON;
    if (!revoked) return result(state);
    return signedOut(state, ACCOUNT_WORDS.sessionEnded);
}

// ---------------------------------------------------------------- the signed-in user's own changes

/** `PUT /api/auth/password` succeeded. */
export function passwordChanged(state, user) {
    const next = { ...state, user: validUser(user) ?? state.user };
    return result(next, [{ type: 'notify', text: ACCOUNT_WORDS.passwordChanged }]);
}

/** An admin changed a user (`PUT /api/users/{id}`): our own role may have changed. */
export function userChanged(state, user) {
    const changed = validUser(user);
    if (!changed || !state.user || String(changed.id) !== String(state.user.id)) {
        return result(state);
    }
    return result({ ...state, user: { ...state.user, ...changed } });
}

/** An admin deleted a user; deleting oneself ends the session. */
export function userDeleted(state, id) {
    if (!state.user || String(id) !== String(state.user.id)) return result(state);
    return signedOut(state, ACCOUNT_WORDS.accountDeleted);
}

// ---------------------------------------------------------------- API key secrets

/** `POST /api/keys` answered `{key, secret}`: the secret is kept until dismissed. */
export function keyCreated(state, { key, secret }) {
    if (state.screen !== 'chat' || typeof secret !== 'string' || !secret) return result(state);
    const shown = { keyId: key?.id ?? null, name: String(key?.name ?? ''), secret };
    return result({ ...state, secret: shown });
}

/** The user is done with the secret (Done, closing the keys page, signing out). */
export function secretDismissed(state) {
    return state.secret ? result({ ...state, secret: null }) : result(state);
}
