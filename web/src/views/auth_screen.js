// The screens before the chat: the sign-in form, and the first account's form from the
// setup link. Which one shows, its error and its busy state come from account_state.js;
// the forms hand what was typed to `onSignIn` and `onSetup`.

import { byId } from './dom.js';

export function createAuthScreenView({ onSignIn, onSetup }) {
    const root = document.documentElement;
    const app = byId('app');
    const screen = byId('auth-screen');
    const signIn = {
        form: byId('sign-in-form'),
        username: byId('sign-in-username'),
        password: byId('sign-in-password'),
        error: byId('sign-in-error'),
        submit: byId('sign-in-submit'),
    };
    const notice = byId('sign-in-notice');
    const setup = {
        form: byId('setup-form'),
        username: byId('setup-username'),
        password: byId('setup-password'),
        repeat: byId('setup-repeat'),
        error: byId('setup-error'),
        submit: byId('setup-submit'),
    };
    let shown = null;

    function showError(fields, text) {
        fields.error.textContent = text;
        fields.error.hidden = !text;
        const invalid = text ? 'true' : 'false';
        fields.password.setAttribute('aria-invalid', invalid);
    }

    /** Passwords are not kept in the DOM longer than the form is needed. */
    function forgetPasswords() {
        for (const field of [signIn.password, setup.password, setup.repeat]) field.value = '';
    }

    function render(state) {
        root.dataset.screen = state.screen;
        const outside = state.screen === 'sign-in' || state.screen === 'setup';
        screen.hidden = !outside;
        app.hidden = outside;
        signIn.form.hidden = state.screen !== 'sign-in';
        setup.form.hidden = state.screen !== 'setup';
        if (!outside) {
            if (shown) forgetPasswords();
            shown = null;
            return;
        }
        const fields = state.screen === 'setup' ? setup : signIn;
        const failedNow = state.form.error && state.form !== shown?.form && !state.form.busy;
        notice.textContent = state.notice;
        notice.hidden = !state.notice;
        showError(fields, state.form.error);
        const waiting = state.form.retryUntil > 0;
        fields.submit.disabled = state.form.busy || waiting;
        fields.form.setAttribute('aria-busy', state.form.busy ? 'true' : 'false');
        if (failedNow && !waiting && shown?.screen === state.screen) {
            fields.password.focus();
            fields.password.select();
        }
        if (shown?.screen !== state.screen) forgetPasswords();
        shown = state;
    }

    /** The first empty field of the shown form takes the focus. */
    function focusForm() {
        const fields = setup.form.hidden ? signIn : setup;
        const order = [fields.username, fields.password, fields.repeat].filter(Boolean);
        (order.find((field) => !field.value) ?? order[0]).focus();
    }

    signIn.form.addEventListener('submit', (event) => {
        event.preventDefault();
        onSignIn(signIn.username.value.trim(), signIn.password.value);
    });
    setup.form.addEventListener('submit', (event) => {
        event.preventDefault();
        onSetup(setup.username.value.trim(), setup.password.value, setup.repeat.value);
    });

    return { render, focusForm };
}
