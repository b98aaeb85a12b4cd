// The wiring of accounts: asks /api/auth/status at start, sends the sign-in, setup and
// sign-out requests, hears every API answer and every socket close, and hands what happened
// to account_state.js; draws its state with the views and performs its effects. The chat
// itself stays in main.js, which this starts and stops through `chat`.

import { createConfirm, createPasswordDialog } from './account_dialogs.js';
import {
    apiAnswered,
    checkNewPassword,
    formRefused,
    formSent,
    initialAccountState,
    keyCreated,
    parseSetupHash,
    passwordChanged,
    retryWaitOver,
    secretDismissed,
    sessionChecked,
    setupAnswered,
    signInAnswered,
    signOutAnswered,
    signOutSent,
    socketClosed,
    statusAnswered,
    userChanged,
    userDeleted,
} from './account_state.js';
import { api, observeAnswers } from './api.js';
import { createKeysPage } from './keys_page.js';
import { createUsersPage } from './users_page.js';
import { createAccountMenuView } from './views/account_menu.js';
import { createAuthScreenView } from './views/auth_screen.js';

/** A connection that keeps failing asks whether the session still holds at most this often. */
const SESSION_CHECK_MIN_MS = 5000;

/** An ApiError (or anything thrown) as the `{ok: false, …}` answer account_state.js reads. */
function failure(err) {
    return {
        ok: false,
        status: err?.status ?? 0,
        message: err?.message ?? '',
        offline: Boolean(err?.offline),
        retryAfterS: err?.retryAfterS ?? 0,
    };
}

/**
 * `chat.start()` loads today's page (resolves when it is ready), `chat.stop({clearUrl})`
 * forgets it, `chat.notify(text)` shows a passing note.
 */
export function createAccount(chat) {
    let state = initialAccountState();
    let lastSessionCheck = 0;

    const confirmAction = createConfirm();
    const authScreen = createAuthScreenView({ onSignIn: signIn, onSetup: setUp });
    const menu = createAccountMenuView({
        onPassword: () => passwordDialog.open(),
        onKeys: () => keysPage.open(),
        onUsers: () => usersPage.open(),
        onSignOut: signOut,
    });
    const passwordDialog = createPasswordDialog({
        user: () => state.user,
        onChanged: (user) => dispatch(passwordChanged(state, user)),
    });
    const keysPage = createKeysPage({
        onCreated: (answer) => dispatch(keyCreated(state, answer)),
        onDismissed: () => dispatch(secretDismissed(state)),
        confirmAction,
    });
    const usersPage = createUsersPage({
        self: () => state.user,
        onUserChanged: (user) => dispatch(userChanged(state, user)),
        onUserDeleted: (id) => dispatch(userDeleted(state, id)),
        confirmAction,
    });

    function render() {
        authScreen.render(state);
        menu.render(state);
        keysPage.renderSecret(state.secret);
    }

    function closeDialogs() {
        for (const page of [passwordDialog, keysPage, usersPage]) page.close();
        for (const open of document.querySelectorAll('dialog[open]')) open.close();
    }

    const EFFECTS = {
        'start-chat': () => chat.start(),
        'stop-chat': ({ clearUrl }) => chat.stop({ clearUrl }),
        'close-dialogs': closeDialogs,
        'clear-hash': () => {
            const url = new URL(location.href);
            url.hash = '';
            history.replaceState(history.state, '', url.href.replace(/#$/, ''));
        },
        'retry-timer': ({ ms }) => setTimeout(() => dispatch(retryWaitOver(state)), ms),
        notify: ({ text }) => chat.notify(text),
        'focus-form': () => authScreen.focusForm(),
    };

    function dispatch(outcome) {
        if (outcome.state === state && !outcome.effects.length) return;
        state = outcome.state;
        render();
        for (const effect of outcome.effects) EFFECTS[effect.type](effect);
    }

    async function signIn(username, password) {
        if (state.form.busy || state.form.retryUntil) return;
        if (!username || !password) {
            dispatch(formRefused(state, 'Enter your username and password.'));
            return;
        }
        dispatch(formSent(state));
        try {
            const data = await api.signIn(username, password);
            dispatch(signInAnswered(state, { ok: true, data }));
        } catch (err) {
            dispatch(signInAnswered(state, failure(err)));
        }
    }

    async function setUp(username, password, repeat) {
        if (state.form.busy || !state.setupToken) return;
        const refused = username ? checkNewPassword(password, repeat) : 'Choose a username.';
        if (refused) {
            dispatch(formRefused(state, refused));
            return;
        }
        dispatch(formSent(state));
        try {
            const data = await api.setUp(state.setupToken, username, password);
            dispatch(setupAnswered(state, { ok: true, data }));
        } catch (err) {
            dispatch(setupAnswered(state, failure(err)));
        }
    }

    async function signOut() {
        dispatch(signOutSent(state));
        try {
            await api.signOut();
            dispatch(signOutAnswered(state, { ok: true }));
        } catch (err) {
            dispatch(signOutAnswered(state, failure(err)));
        }
    }

    /** Asks the server which screen to show, and shows it. */
    async function askStatus() {
        let answer;
        try {
            answer = { ok: true, data: await api.authStatus() };
        } catch (err) {
            answer = failure(err);
        }
        dispatch(statusAnswered(state, answer, location.hash));
    }

    // Every answer of the REST API: a 401 anywhere is the one way back to the sign-in form.
    observeAnswers((answer) => dispatch(apiAnswered(state, answer)));
    // The setup link opened in a tab that shows the sign-in form already: no reload happens.
    window.addEventListener('hashchange', () => {
        if (state.screen === 'sign-in' && parseSetupHash(location.hash)) askStatus();
    });

    return {
        /** Whether today's chat page is on screen (in mode `none`, always after start). */
        get chatShown() {
            return state.screen === 'chat';
        },
        start: askStatus,
        /** A conversation's socket closed: 1008 "signed out" ends the session. */
        socketClosed(close) {
            dispatch(socketClosed(state, close));
        },
        /**
         * A conversation's socket could not connect. A browser cannot see the 401 of a
         * refused upgrade, so the page asks whether it is still signed in.
         */
        async connectionLost() {
            if (state.mode !== 'accounts' || state.screen !== 'chat') return;
            const now = Date.now();
            if (now - lastSessionCheck < SESSION_CHECK_MIN_MS) return;
            lastSessionCheck = now;
            try {
                dispatch(sessionChecked(state, { ok: true, data: await api.authStatus() }));
            } catch {
                // Offline: the socket's banner says so already.
            }
        },
    };
}
