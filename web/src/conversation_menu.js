// The header's More menu (PROTOCOL.md v2): export the open conversation as JSON or Markdown
// (plain download links to `GET /api/conversations/{id}/export`, so the browser saves the
// server's attachment as it is), and import a JSON export (a file picker; its text is posted
// to `/api/conversations/import` as it is, and the new conversation opens). Opening and
// closing is views/disclosure_menu.js.

import { api } from './api.js';
import { disclosureMenu } from './views/disclosure_menu.js';
import { byId } from './views/dom.js';

/** A failed import's sentence stays this long. */
const IMPORT_FAILED_NOTE_MS = 10000;

/**
 * `notify(text, options)` shows a note; `onImported(id, conversation)` opens the new
 * conversation (and refreshes the list).
 */
export function createConversationMenu({ notify, onImported }) {
    const box = byId('more');
    const button = byId('more-button');
    const menu = byId('more-menu');
    const exportJson = byId('export-json');
    const exportMarkdown = byId('export-markdown');
    const importButton = byId('import-button');
    const fileField = byId('import-file');
    const { setOpen } = disclosureMenu(box, button, menu);
    let shownId;

    /** The export links follow the open conversation; without one only Import shows. */
    function render(state) {
        const id = state.current?.loaded ? state.current.id : null;
        if (id === shownId) return;
        shownId = id;
        for (const [link, format] of [[exportJson, 'json'], [exportMarkdown, 'markdown']]) {
            link.hidden = !id;
            if (id) link.href = api.exportUrl(id, format);
            else link.removeAttribute('href');
        }
    }

    async function importFile(file) {
        let text;
        try {
            text = await file.text();
        } catch {
            notify(`Could not read ${file.name}.`, { ms: IMPORT_FAILED_NOTE_MS });
            return;
        }
        let answer;
        try {
            answer = await api.importConversation(text);
        } catch (err) {
            notify(`Could not import ${file.name}: ${err.message}`, { ms: IMPORT_FAILED_NOTE_MS });
            return;
        }
        const id = answer.conversation_id ?? answer.conversation?.id;
        if (id == null) return;
        await onImported(String(id), answer.conversation);
        notify(`Imported “${answer.conversation?.title || file.name}”.`);
    }

    for (const link of [exportJson, exportMarkdown]) {
        link.addEventListener('click', () => setOpen(false, { focusButton: true }));
    }
    importButton.addEventListener('click', () => {
        setOpen(false, { focusButton: true });
        fileField.click();
    });
    fileField.addEventListener('change', async () => {
        const file = fileField.files?.[0];
        if (!file) return;
        try {
            await importFile(file);
        } finally {
            fileField.value = ''; // the same file again is a new choice
        }
    });

    return { render, close: () => setOpen(false) };
}
