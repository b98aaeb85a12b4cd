// The buttons under a message for the conversation actions (PROTOCOL.md v2): Edit under the
// user's stored messages, Regenerate under the last reply, and the inline editor that Edit
// opens (a labelled text box, Save and Cancel; Esc cancels, Ctrl+Enter saves). The buttons
// are made with their message; sync() only shows, hides and enables them, so that a message
// is not drawn again when a reply starts or ends.

import { editAllowed, regenerableKey } from '../actions_state.js';
import { el } from './dom.js';

function actionButton(text, action, label) {
    const button = el('button', 'copy-btn msg-action', text);
    button.type = 'button';
    button.dataset.action = action;
    button.setAttribute('aria-label', label);
    return button;
}

/**
 * Callbacks: `onRegenerate()`, `onEdit(messageId)`, `onCancel(messageId)`,
 * `onSave(messageId, text)`. `attach(log)` listens on the message log once.
 */
export function createMessageTools({ onRegenerate, onEdit, onCancel, onSave }) {
    let log = null;
    let synced = {};

    /** Adds the message's action buttons to its meta line. */
    function decorate(meta, m) {
        if (m.role === 'user' && m.id != null) {
            const edit = actionButton('Edit', 'edit', 'Edit your message');
            edit.dataset.messageId = m.id;
            meta.append(edit);
        } else if (m.role === 'assistant') {
            const again = actionButton('↻ Regenerate', 'regenerate', 'Regenerate this reply');
            again.dataset.key = m.key;
            again.hidden = true; // sync() shows it on the last reply
            meta.append(again);
        }
    }

    /** The inline editor in place of the message's text. */
    function editor(m, draft) {
        const form = el('form', 'msg-editor');
        form.dataset.messageId = m.id;
        const fieldId = `edit-${m.key}`;
        const label = el('label', 'visually-hidden', 'Edit your message');
        label.htmlFor = fieldId;
        const input = el('textarea', 'msg-editor-input');
        input.id = fieldId;
        input.rows = Math.min(12, Math.max(2, draft.split('\n').length + 1));
        input.value = draft;
        const hint = el('span', 'msg-editor-hint', 'Saving deletes every later message and asks again.');
        hint.id = `${fieldId}-hint`;
        input.setAttribute('aria-describedby', hint.id);
        const save = el('button', 'btn btn-quiet msg-editor-save', 'Save');
        save.type = 'submit';
        const cancel = el('button', 'btn btn-quiet msg-editor-cancel', 'Cancel');
        cancel.type = 'button';
        const row = el('div', 'msg-editor-actions');
        row.append(hint, cancel, save);
        form.append(label, input, row);
        return form;
    }

    /** Regenerate on the last reply only; Edit enabled only while nothing runs. */
    function sync(state) {
        if (!log) return;
        const key = regenerableKey(state);
        const allowed = editAllowed(state);
        // Called at every render (every chunk): the buttons change only with these.
        const next = { key, allowed, messages: state.messages, editing: state.editing };
        if (Object.keys(next).every((k) => next[k] === synced[k])) return;
        synced = next;
        for (const button of log.querySelectorAll('button[data-action="regenerate"]')) {
            button.hidden = button.dataset.key !== key;
        }
        for (const button of log.querySelectorAll('button[data-action="edit"]')) {
            button.disabled = !allowed;
        }
    }

    function focusEditor() {
        const input = log?.querySelector('.msg-editor-input');
        if (!input) return;
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
    }

    function focusEditButton(messageId) {
        const selector = `button[data-action="edit"][data-message-id="${CSS.escape(String(messageId))}"]`;
        log?.querySelector(selector)?.focus();
    }

    function attach(target) {
        log = target;
        log.addEventListener('click', (event) => {
            const button = event.target.closest('button');
            if (!button || !log.contains(button)) return;
            if (button.dataset.action === 'regenerate') onRegenerate();
            else if (button.dataset.action === 'edit') onEdit(button.dataset.messageId);
            else if (button.classList.contains('msg-editor-cancel')) {
                onCancel(button.closest('form').dataset.messageId);
            }
        });
        log.addEventListener('submit', (event) => {
            const form = event.target.closest('form.msg-editor');
            if (!form) return;
            event.preventDefault();
            onSave(form.dataset.messageId, form.querySelector('textarea').value);
        });
        log.addEventListener('keydown', (event) => {
            const form = event.target.closest?.('form.msg-editor');
            if (!form) return;
            if (event.key === 'Escape') {
                event.stopPropagation(); // Esc here is not "stop the reply"
                onCancel(form.dataset.messageId);
            } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                form.requestSubmit();
            }
        });
    }

    return { decorate, editor, sync, attach, focusEditor, focusEditButton };
}
