import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContextFile, MAX_CONTEXT_FILE_BYTES } from '../src/files.js';

test('accepts .txt, .md and .json up to 1,000,000 bytes, with the protocol MIME type', async () => {
    for (const [name, mime] of [['a.txt', 'text/plain'], ['b.MD', 'text/markdown'], ['c.json', 'application/json']]) {
        const result = await checkContextFile(new File(['hello'], name, { type: '' }));
        assert.ok(result.ok, name);
        assert.equal(result.file.type, mime);
    }
    const exact = await checkContextFile(new File([new Uint8Array(MAX_CONTEXT_FILE_BYTES).fill(97)], 'max.txt'));
    assert.ok(exact.ok);
});

test('refuses other types, oversized, empty and non-UTF-8 files', async () => {
    const cases = [
        [new File(['x'], 'a.pdf'), /not a \.txt/],
        [new File(['x'], 'noext'), /not a \.txt/],
        [new File(['x'], 'a.txt', { type: 'image/png' }), /does not look like a text/],
        [new File([new Uint8Array(MAX_CONTEXT_FILE_BYTES + 1).fill(97)], 'big.md'), /limit is 1 MB/],
        [new File([], 'empty.txt'), /empty/],
        [new File([new Uint8Array([0x63, 0xe9])], 'latin1.txt'), /UTF-8/],
    ];
    for (const [file, pattern] of cases) {
        const result = await checkContextFile(file);
        assert.equal(result.ok, false, file.name);
        assert.match(result.error, pattern);
    }
    assert.equal((await checkContextFile(null)).ok, false);
});
