// The status line under the composer, passing notes, and the offline banner.

import { byId } from './dom.js';

const NOTE_MS = 4000;

export function createNoticesView() {
    const statusLine = byId('status-line');
    const note = byId('notice');
    const banner = byId('offline-banner');
    const bannerText = byId('offline-text');
    let noteTimer = null;

    function render(state) {
        const { text, kind } = state.status;
        statusLine.textContent = text;
        statusLine.dataset.kind = kind;
        statusLine.hidden = !text;
        if (state.banner) bannerText.textContent = state.banner;
        banner.hidden = !state.banner;
        document.documentElement.dataset.connection = state.banner ? 'offline' : 'online';
    }

    /** A quiet note that goes away by itself. */
    function notify(text, { ms = NOTE_MS } = {}) {
        note.textContent = text;
        note.hidden = false;
        clearTimeout(noteTimer);
        noteTimer = setTimeout(() => {
            note.hidden = true;
            note.textContent = '';
        }, ms);
    }

    return { render, notify };
}
