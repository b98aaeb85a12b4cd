// The context-file rules of PROTOCOL.md, checked before anything is sent.

export const MAX_CONTEXT_FILE_BYTES = 1_000_000;
export const CONTEXT_FILE_TYPES = Object.freeze({
    '.txt': 'text/plain',
    '.md': 'text/markdown',
    '.json': 'application/json',
});
const ACCEPTED_BROWSER_TYPES = new Set(['', 'text/plain', 'text/markdown', 'text/x-markdown',
    'application/json', 'application/octet-stream']);

function extensionOf(name) {
    const dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

function formatBytes(n) {
    if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
    if (n >= 1000) return `${Math.round(n / 1000)} kB`;
    return `${n} bytes`;
}

/**
 * Checks a File against the rules. Resolves to `{ok: true, file}` with a File whose type is
 * the protocol's MIME type for its extension, or `{ok: false, error}` with a sentence.
 */
export async function checkContextFile(file) {
    if (!file) return { ok: false, error: 'Choose a file first.' };
    const ext = extensionOf(file.name);
    const mime = CONTEXT_FILE_TYPES[ext];
    if (!mime) {
        return { ok: false, error: `“${file.name}” is not a .txt, .md or .json file.` };
    }
    if (!ACCEPTED_BROWSER_TYPES.has(file.type) && !file.type.startsWith('text/')) {
        return { ok: false, error: `“${file.name}” does not look like a text file.` };
    }
    if (file.size > MAX_CONTEXT_FILE_BYTES) {
        return {
            ok: false,
            error: `“${file.name}” is ${formatBytes(file.size)}; the limit is 1 MB (1,000,000 bytes).`,
        };
    }
    if (file.size === 0) return { ok: false, error: `“${file.name}” is empty.` };
    const bytes = await file.arrayBuffer();
    try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        return { ok: false, error: `“${file.name}” is not UTF-8 text.` };
    }
    return { ok: true, file: new File([bytes], file.name, { type: mime }) };
}
