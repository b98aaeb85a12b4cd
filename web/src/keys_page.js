// The API keys page (a dialog): the signed-in user's keys with when they were made and last
// used, a form to make one, and Delete. A new key's secret comes from account_state.js
// (`secret`), is shown once in a read-only field with a Copy button, and goes when the user
// presses Done or closes the page.

import { api } from './api.js';
import { byId, copyText, el } from './views/dom.js';
import { clockTime, relativeTime } from './words.js';

const COPIED_NOTE_MS = 2500;

/**
 * `onCreated({key, secret})` hands a new key's answer to the account state;
 * `onDismissed()` drops the secret; `confirmAction` asks before a deletion.
 */
export function createKeysPage({ onCreated, onDismissed, confirmAction }) {
    const dialog = byId('keys-dialog');
    const list = byId('keys-list');
    const empty = byId('keys-empty');
    const failure = byId('keys-error');
    const form = byId('key-form');
    const name = byId('key-name');
    const create = byId('key-create');
    const panel = byId('key-secret');
    const panelTitle = byId('key-secret-title');
    const secretField = byId('key-secret-value');
    const copied = byId('key-secret-copied');
    let shownSecret = null;
    let copiedTimer = null;

    function fail(text) {
        failure.textContent = text;
        failure.hidden = !text;
    }

    function keyRow(key) {
        const row = el('tr');
        row.dataset.id = String(key.id);
        row.append(el('td', 'key-name', key.name || 'Unnamed'));
        const created = el('td');
        created.append(el('time', '', clockTime(key.created_at)));
        row.append(created);
        const used = key.last_used_at ? relativeTime(key.last_used_at) : 'never';
        row.append(el('td', 'key-used', used));
        const actions = el('td', 'row-actions');
        const remove = el('button', 'btn btn-quiet btn-danger btn-row', 'Delete');
        remove.type = 'button';
        remove.setAttribute('aria-label', `Delete key ${key.name || 'Unnamed'}`);
        remove.addEventListener('click', () => deleteKey(key));
        actions.append(remove);
        row.append(actions);
        return row;
    }

    async function load() {
        let keys;
        try {
            keys = await api.listKeys();
        } catch (err) {
            fail(`Could not load the keys: ${err.message}`);
            return;
        }
        list.replaceChildren(...keys.map(keyRow));
        empty.hidden = keys.length > 0;
    }

    async function submit(event) {
        event.preventDefault();
        fail('');
        const wanted = name.value.trim();
        if (!wanted) {
            fail('Give the key a name, so you can tell it from the others.');
            name.focus();
            return;
        }
        create.disabled = true;
        try {
            const answer = await api.createKey(wanted);
            form.reset();
            onCreated(answer);
        } catch (err) {
            fail(err.message);
        } finally {
            create.disabled = false;
        }
        await load();
    }

    async function deleteKey(key) {
        const label = key.name || 'Unnamed';
        const yes = await confirmAction({
            title: 'Delete API key',
            text: `Delete the key “${label}”? Programs that use it are shut out at once.`,
        });
        if (!yes) return;
        fail('');
        try {
            await api.deleteKey(key.id);
        } catch (err) {
            if (err.status !== 404) fail(`Could not delete the key: ${err.message}`);
        }
        await load();
        name.focus();
    }

    /** Draws the secret of account_state.js: shown while kept, wiped when dropped. */
    function renderSecret(secret) {
        if (secret === shownSecret) return;
        shownSecret = secret;
        panel.hidden = !secret;
        secretField.value = secret?.secret ?? '';
        copied.textContent = '';
        if (!secret) return;
        panelTitle.textContent = `New key “${secret.name || 'Unnamed'}”`;
        if (dialog.open) {
            secretField.focus();
            secretField.select();
        }
    }

    async function copySecret() {
        const ok = await copyText(secretField.value);
        copied.textContent = ok ? 'Copied to the clipboard.' : 'Could not copy: select the text and copy it yourself.';
        clearTimeout(copiedTimer);
        copiedTimer = setTimeout(() => {
            copied.textContent = '';
        }, COPIED_NOTE_MS);
        if (!ok) secretField.select();
    }

    function open() {
        fail('');
        form.reset();
        list.replaceChildren();
        empty.hidden = true;
        dialog.showModal();
        name.focus();
        load();
    }

    form.addEventListener('submit', submit);
    byId('key-secret-copy').addEventListener('click', copySecret);
    byId('key-secret-done').addEventListener('click', () => {
        onDismissed();
        name.focus();
    });
    byId('keys-close').addEventListener('click', () => dialog.close());
    secretField.addEventListener('focus', () => secretField.select());
    dialog.addEventListener('close', () => onDismissed());

    return {
        open,
        renderSecret,
        close() {
            if (dialog.open) dialog.close();
        },
    };
}
