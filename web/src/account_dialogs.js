// The change-password dialog, and the confirmation the users and keys pages ask before a
// deletion. Like dialogs.js they talk to the REST API themselves.

import { checkNewPassword } from './account_state.js';
import { api } from './api.js';
import { byId } from './views/dom.js';

/**
 * `confirmAction({title, text, yes})` resolves to true when the user confirms. Focus starts
 * on Cancel; Esc cancels.
 */
export function createConfirm() {
    const dialog = byId('account-confirm');
    const title = byId('account-confirm-title');
    const text = byId('account-confirm-text');
    const yes = byId('account-confirm-yes');
    const no = byId('account-confirm-no');
    let settle = null;

    function finish(answer) {
        const done = settle;
        settle = null;
        if (dialog.open) dialog.close();
        done?.(answer);
    }

    yes.addEventListener('click', () => finish(true));
    no.addEventListener('click', () => finish(false));
    dialog.addEventListener('close', () => finish(false));

    return function confirmAction({ title: heading, text: sentence, yes: label = 'Delete' }) {
        finish(false);
        title.textContent = heading;
        text.textContent = sentence;
        yes.textContent = label;
        dialog.showModal();
        no.focus();
        return new Promise((resolve) => {
            settle = resolve;
        });
    };
}

/** `user()` is the signed-in user; `onChanged(user)` runs after the server said yes. */
export function createPasswordDialog({ user, onChanged }) {
    const dialog = byId('password-dialog');
    const form = byId('password-form');
    const username = byId('password-username');
    const current = byId('password-current');
    const fresh = byId('password-new');
    const repeat = byId('password-repeat');
    const failure = byId('password-error');
    const save = byId('password-save');

    function fail(text, field) {
        failure.textContent = text;
        failure.hidden = false;
        save.disabled = false;
        if (field) {
            field.focus();
            field.select();
        }
    }

    function open() {
        form.reset();
        username.value = user()?.username ?? '';
        failure.hidden = true;
        save.disabled = false;
        dialog.showModal();
        current.focus();
    }

    async function submit(event) {
        event.preventDefault();
        failure.hidden = true;
        if (!current.value) return fail('Enter your current password.', current);
        const refused = checkNewPassword(fresh.value, repeat.value);
        if (refused) return fail(refused, fresh);
        save.disabled = true;
        let changed;
        try {
            changed = await api.changePassword(current.value, fresh.value);
        } catch (err) {
            if (!dialog.open) return undefined; // signed out meanwhile: the dialog is gone
            const wrongCurrent = err.status === 401 || err.status === 403;
            return fail(err.message, wrongCurrent ? current : fresh);
        }
        dialog.close();
        onChanged(changed);
        return undefined;
    }

    form.addEventListener('submit', submit);
    byId('password-cancel').addEventListener('click', () => dialog.close());
    // No password stays in the DOM once the dialog is shut, however it was shut.
    dialog.addEventListener('close', () => form.reset());

    return {
        open,
        close() {
            if (dialog.open) dialog.close();
        },
    };
}
