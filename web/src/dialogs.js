// The two dialogs: create or edit a conversation (title, context, an optional context file
// checked before anything is sent), and confirm a deletion. They talk to the REST API
// themselves and tell main.js what happened.

import { api } from './api.js';
import { checkContextFile } from './files.js';
import { byId } from './views/dom.js';

const FILE_HINT = 'Optional: a .txt, .md or .json file up to 1 MB, added to the context.';
const FILE_FAILED_NOTE_MS = 8000;

/**
 * `current()` is the open conversation (or null); `notify(text, options)` shows a note;
 * `onSaved(id, {edited})` runs after a save, `onDeleted(id)` after a deletion.
 */
export function createDialogs({ current, notify, onSaved, onDeleted }) {
    const dialog = byId('conversation-dialog');
    const form = byId('conversation-form');
    const heading = byId('conversation-dialog-title');
    const titleField = byId('field-title');
    const contextField = byId('field-context');
    const fileField = byId('field-file');
    const fileInfo = byId('file-info');
    const failure = byId('dialog-error');
    const save = byId('dialog-save');
    const confirm = byId('confirm-dialog');
    const confirmText = byId('confirm-text');
    let editing = false;
    let checkedFile = null;

    function openConversationDialog(mode) {
        const conversation = current();
        editing = mode === 'edit' && Boolean(conversation);
        checkedFile = null;
        form.reset();
        failure.hidden = true;
        fileInfo.textContent = FILE_HINT;
        fileInfo.dataset.kind = 'hint';
        heading.textContent = editing ? 'Edit conversation' : 'New conversation';
        save.textContent = editing ? 'Save' : 'Create';
        if (editing) {
            titleField.value = conversation.title ?? '';
            contextField.value = conversation.custom_context ?? '';
        }
        save.disabled = false;
        dialog.showModal();
        titleField.focus();
        titleField.select();
    }

    async function onFileChosen() {
        checkedFile = null;
        const file = fileField.files?.[0];
        if (!file) {
            fileInfo.textContent = '';
            return;
        }
        const checked = await checkContextFile(file);
        if (checked.ok) {
            checkedFile = checked.file;
            const kb = Math.max(1, Math.round(file.size / 1000));
            fileInfo.textContent = `${file.name} (${kb} kB) will be added to the context.`;
            fileInfo.dataset.kind = 'ok';
        } else {
            fileInfo.textContent = checked.error;
            fileInfo.dataset.kind = 'error';
        }
    }

    function fail(message) {
        failure.textContent = message;
        failure.hidden = false;
        save.disabled = false;
    }

    /** Saves the edit, or creates a conversation; resolves to `{id, edited}`. */
    async function saveConversation(title, context) {
        const conversation = current();
        if (editing && conversation) {
            await api.updateConversation(conversation.id, { title, custom_context: context });
            return { id: conversation.id, edited: true };
        }
        const created = await api.createConversation(title, context.trim() ? context : '');
        return { id: created.id, edited: false };
    }

    async function submit(event) {
        event.preventDefault();
        failure.hidden = true;
        const title = titleField.value.trim() || 'New conversation';
        const file = fileField.files?.[0];
        if (file) {
            const checked = await checkContextFile(file);
            if (!checked.ok) return fail(checked.error);
            checkedFile = checked.file;
        }
        save.disabled = true;
        let saved;
        try {
            saved = await saveConversation(title, contextField.value);
        } catch (err) {
            return fail(err.message);
        }
        const { id, edited } = saved;
        let uploadError = null;
        if (file && checkedFile) {
            try {
                await api.uploadContextFile(id, checkedFile);
            } catch (err) {
                uploadError = err;
            }
        }
        dialog.close();
        await onSaved(id, { edited });
        if (uploadError) {
            const why = uploadError.message;
            notify(`The conversation was saved, but the file was not added: ${why}`, {
                ms: FILE_FAILED_NOTE_MS,
            });
        } else if (file) {
            notify(`${file.name} was added to the context.`);
        }
        return undefined;
    }

    function confirmDelete() {
        const conversation = current();
        if (!conversation) return;
        const name = conversation.title || 'Untitled';
        confirmText.textContent =
            `Delete “${name}”? Its messages and theme are deleted too. This cannot be undone.`;
        confirm.showModal();
        byId('confirm-no').focus();
    }

    async function deleteConfirmed() {
        const id = current()?.id;
        confirm.close();
        if (!id) return;
        try {
            await api.deleteConversation(id);
        } catch (err) {
            // Already gone is what we wanted.
            if (err.status !== 404) {
                notify(`Could not delete: ${err.message}`);
                return;
            }
        }
        await onDeleted(id);
    }

    byId('new-conversation').addEventListener('click', () => openConversationDialog('create'));
    byId('welcome-new').addEventListener('click', () => openConversationDialog('create'));
    byId('edit-conversation').addEventListener('click', () => openConversationDialog('edit'));
    byId('delete-conversation').addEventListener('click', confirmDelete);
    byId('confirm-yes').addEventListener('click', deleteConfirmed);
    byId('confirm-no').addEventListener('click', () => confirm.close());
    byId('dialog-cancel').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', submit);
    fileField.addEventListener('change', onFileChosen);

    return {
        /** True while either dialog is open (Esc belongs to it). */
        get open() {
            return dialog.open || confirm.open;
        },
        /** Signed out: whatever was being edited goes. */
        close() {
            if (dialog.open) dialog.close();
            if (confirm.open) confirm.close();
            form.reset();
        },
    };
}
