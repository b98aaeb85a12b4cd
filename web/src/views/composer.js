// The composer: the message box, Send and Stop, locked while a reply runs, and where focus
// goes when it unlocks.

import { isBusy } from '../page_state.js';
import { byId, phoneLayout } from './dom.js';

/** The message box grows with its text up to this share of the window's height. */
const MAX_HEIGHT_SHARE = 0.4;

function placeholderFor({ open, running, connected }) {
    if (!open) return 'Open or start a conversation to chat.';
    if (running) return 'Wait for the reply, or press Stop (Esc).';
    if (!connected) return 'Offline — you can write, and send once reconnected.';
    if (phoneLayout()) return 'Message';
    return 'Message (Enter sends, Shift+Enter adds a line)';
}

function dialogOpen() {
    return Boolean(document.querySelector('dialog[open]'));
}

export function createComposerView() {
    const form = byId('composer');
    const input = byId('composer-input');
    const send = byId('send');
    const stop = byId('stop');

    /** `refocus`: the user may type the next message now (their reply ended, or failed). */
    function render(state, { refocus = false } = {}) {
        const open = Boolean(state.current);
        const connected = open && state.connection === 'open';
        const running = isBusy(state);
        const hadFocus = document.activeElement === input;
        input.disabled = !open || running;
        send.disabled = !connected || running;
        stop.hidden = !running;
        send.hidden = running;
        form.dataset.running = running ? 'true' : 'false';
        input.placeholder = placeholderFor({ open, running, connected });
        if (!running && open && (refocus || hadFocus) && !dialogOpen()) input.focus();
        if (running && hadFocus) stop.focus();
    }

    function autosize() {
        input.style.setProperty('height', 'auto');
        const tallest = Math.round(window.innerHeight * MAX_HEIGHT_SHARE);
        const height = Math.min(input.scrollHeight, tallest);
        input.style.setProperty('height', `${height}px`);
    }

    return {
        render,
        autosize,
        input,
        get text() {
            return input.value;
        },
        clear() {
            input.value = '';
            autosize();
        },
        /** A refused message comes back, unless the user already typed something else. */
        restoreDraft(text) {
            if (!input.value.trim()) input.value = text;
        },
    };
}
