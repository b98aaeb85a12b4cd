// The page's controls for the conversation actions (PROTOCOL.md v2, "Conversation actions")
// in headless Chromium against the real server and the mock Ollama: regenerate, edit,
// search, export and import, the model picker.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
    messageTexts,
    openConversation,
    recordFrames,
    turn,
    waitFor,
    waitForReplyEnd,
} from './chat_helpers.mjs';
import { launchBrowser, openPage, outputDir, Stack, WAIT_MS } from './harness.mjs';

const TEST_TIMEOUT = 6 * WAIT_MS;

let stack;
let browser;

function assertClean(record, what) {
    assert.deepEqual(record.foreign, [], `${what}: requests left the server's origin`);
    assert.deepEqual(record.errors, [], `${what}: uncaught errors in the page`);
}

/** Waits until the page shows exactly these user and assistant texts. */
async function waitForTexts(page, want, message) {
    let got;
    await waitFor(async () => {
        got = await messageTexts(page);
        return JSON.stringify(got) === JSON.stringify(want);
    }, { message }).catch((err) => {
        throw new Error(`${err.message}; page shows ${JSON.stringify(got)}`);
    });
}

describe('conversation actions on the page', { timeout: 15 * 60_000 }, () => {
    before(async () => {
        stack = new Stack();
        await stack.start();
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await stack?.stop();
    });

    it('regenerates the last reply, in this tab and in another one', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Regenerate');
        const { context, page, record } = await openPage(browser, stack);
        const frames = recordFrames(page);
        await openConversation(page, id);
        // `stamped` replies are clock readings: a second answer cannot equal the first.
        const question = '[[mock reply=stamped tokens=6 ttft_ms=1200 interval_ms=10]] again please';
        await turn(page, question);
        const first = (await messageTexts(page)).assistant;
        assert.equal(first.length, 1);
        const other = await openPage(browser, stack);
        await openConversation(other.page, id);
        await waitForTexts(other.page, { user: [question], assistant: first }, 'the second tab');

        const regenerate = page.locator('#messages .msg-assistant button[data-action="regenerate"]');
        await regenerate.waitFor({ state: 'visible' });
        assert.equal(await page.locator('button[data-action="regenerate"]:visible').count(), 1);
        await regenerate.press('Enter');
        // At `start` the old reply is gone and the new one streams in its place.
        await page.waitForSelector('#messages .msg-assistant.live');
        assert.deepEqual((await messageTexts(page)).assistant, [], 'the old reply left at start');
        assert.equal(await page.locator('button[data-action="regenerate"]:visible').count(), 0,
            'no Regenerate while a reply streams');
        await waitForReplyEnd(page);
        const second = (await messageTexts(page)).assistant;
        assert.equal(second.length, 1);
        assert.notEqual(second[0], first[0]);
        assert.ok(frames.sent.some((f) => f.type === 'regenerate'), 'the frame went out');
        const stored = await stack.conversation(id);
        assert.deepEqual(stored.messages.map((m) => m.role), ['user', 'assistant']);
        assert.equal(stored.messages[1].content.trim(), second[0]);
        await waitForTexts(other.page, { user: [question], assistant: second }, 'the second tab');
        assertClean(record, 'regenerate');
        assertClean(other.record, 'regenerate, second tab');
        await other.context.close();
        await context.close();
    });

    it('edits a message: later ones go, the new answer comes', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Edit');
        const { context, page, record } = await openPage(browser, stack);
        const frames = recordFrames(page);
        await openConversation(page, id);
        await turn(page, '[[mock reply=echo]] alpha one');
        await turn(page, '[[mock reply=echo]] beta two');
        await waitForTexts(page, {
            user: ['[[mock reply=echo]] alpha one', '[[mock reply=echo]] beta two'],
            assistant: ['alpha one', 'beta two'],
        }, 'two turns');

        const edit = page.locator('#messages .msg-user').first().locator('button[data-action="edit"]');
        // Cancel (Esc) leaves everything as it was and gives the focus back to Edit.
        await edit.click();
        await page.locator('.msg-editor-input').press('Escape');
        await page.waitForSelector('.msg-editor', { state: 'detached' });
        assert.equal(await edit.evaluate((b) => b === document.activeElement), true);
        assert.equal((await messageTexts(page)).user.length, 2);

        await edit.press('Enter');
        const box = page.getByRole('textbox', { name: 'Edit your message' });
        assert.equal(await box.inputValue(), '[[mock reply=echo]] alpha one');
        await box.fill('[[mock reply=echo]] gamma three');
        await page.getByRole('button', { name: 'Save' }).click();
        await waitForReplyEnd(page);
        await waitForTexts(page, {
            user: ['[[mock reply=echo]] gamma three'],
            assistant: ['gamma three'],
        }, 'the edited conversation');
        const sent = frames.sent.find((f) => f.type === 'edit');
        assert.equal(sent.message, '[[mock reply=echo]] gamma three');
        assert.equal(typeof sent.message_id, 'number');
        const stored = await stack.conversation(id);
        assert.deepEqual(stored.messages.map((m) => m.content.trim()),
            ['[[mock reply=echo]] gamma three', 'gamma three']);
        assertClean(record, 'edit');
        await context.close();
    });

    it('finds a conversation by a word in a message; Enter opens it', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Sailing log');
        await stack.createConversation('Nothing to see');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        await turn(page, '[[mock reply=echo]] We reached <b>Zanzibar</b> harbour at dawn');
        for (let i = 0; i < 6; i += 1) await turn(page, `[[mock reply=echo]] filler ${i}`);
        await page.goto('/');
        await page.waitForSelector('html[data-ready="true"]');

        await page.getByLabel('Search conversations').fill('zanzibar');
        const result = page.locator('#search-results a.search-result');
        await result.first().waitFor();
        assert.equal(await result.count(), 1);
        assert.equal(await result.getAttribute('data-id'), id);
        assert.equal(await page.isVisible('#conversation-list'), false, 'results replace the list');
        // The snippet is text: the <b> of the message is shown, not obeyed.
        assert.equal(await result.locator('b').count(), 0);
        assert.match(await result.locator('.search-snippet').innerText(), /<b>Zanzibar<\/b>/);
        assert.match(await result.locator('mark').first().innerText(), /^zanzibar$/i);

        // Esc clears; the list comes back.
        await page.keyboard.press('Escape');
        await page.waitForSelector('#conversation-list', { state: 'visible' });
        assert.equal(await page.inputValue('#search-input'), '');

        await page.getByLabel('Search conversations').fill('Zanzibar harbour');
        await result.first().waitFor();
        await page.keyboard.press('ArrowDown');
        assert.equal(await result.first().evaluate((a) => a === document.activeElement), true);
        await page.keyboard.press('Enter');
        await page.waitForFunction((cid) => new URLSearchParams(location.search).get('c') === cid, id);
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'Sailing log');
        const matched = await result.first().getAttribute('data-message-id');
        if (matched) {
            const found = page.locator(`#messages .msg[data-message-id="${matched}"]`);
            await found.waitFor();
            assert.equal(await found.isVisible(), true);
            const inView = await found.evaluate((n) => {
                const box = n.getBoundingClientRect();
                const log = document.getElementById('messages').getBoundingClientRect();
                return box.bottom > log.top && box.top < log.bottom;
            });
            assert.equal(inView, true, 'scrolled to the matched message');
        }

        // A query the server refuses shows its sentence.
        const long = 'x'.repeat(5000);
        const refused = await stack.api('GET', `/api/conversations?q=${long}`);
        if (refused.status === 400) {
            await page.getByLabel('Search conversations').fill(long);
            await page.waitForFunction((said) => document.getElementById('search-status').textContent === said,
                refused.data.error);
        } else {
            t.diagnostic(`a ${long.length}-character query answered ${refused.status}: not refused`);
        }
        assertClean(record, 'search');
        await context.close();
    });

    it('exports as JSON and Markdown, and imports the JSON as a new conversation', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Export me', 'Be brief.');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        await turn(page, '[[mock reply=echo]] keep this for later');

        const download = async (link) => {
            await page.click('#more-button');
            const [file] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
            const path = join(outputDir, `export-${Date.now()}-${file.suggestedFilename()}`);
            await file.saveAs(path);
            return path;
        };
        const jsonPath = await download('#export-json');
        const exported = JSON.parse(readFileSync(jsonPath, 'utf8'));
        assert.equal(exported.format, 'moodring.conversation');
        assert.equal(exported.conversation.title, 'Export me');
        const markdown = readFileSync(await download('#export-markdown'), 'utf8');
        assert.match(markdown, /keep this for later/);

        await page.click('#more-button');
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#import-button')]);
        await chooser.setFiles(jsonPath);
        await page.waitForFunction((old) => {
            const c = new URLSearchParams(location.search).get('c');
            return c && c !== old;
        }, id);
        const newId = await page.evaluate(() => new URLSearchParams(location.search).get('c'));
        await page.waitForSelector(`#conversation-list a[data-id="${newId}"]`);
        const original = await stack.conversation(id);
        const copy = await stack.conversation(newId);
        const shape = (c) => c.messages.map((m) => [m.role, m.content]);
        assert.deepEqual(shape(copy), shape(original));
        assert.equal(copy.title, original.title);
        assert.deepEqual((await messageTexts(page)).assistant, ['keep this for later']);

        // A file the server refuses: its sentence shows.
        const bad = join(outputDir, 'not-an-export.json');
        writeFileSync(bad, '{"format": "something else"}');
        const refused = await stack.api('POST', '/api/conversations/import', { format: 'something else' });
        assert.equal(refused.status, 400);
        await page.click('#more-button');
        const [again] = await Promise.all([page.waitForEvent('filechooser'), page.click('#import-button')]);
        await again.setFiles(bad);
        await page.waitForFunction((said) => document.getElementById('notice').textContent.includes(said),
            refused.data.error);
        assertClean(record, 'export and import');
        await context.close();
    });

    it('sends the model picker\'s choice and uses it', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Model');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        const picker = page.getByLabel('Model for this conversation');
        await page.waitForFunction(() => {
            const select = document.getElementById('model-picker');
            return !select.disabled && [...select.options].some((o) => o.value === 'qwen2.5:0.5b');
        });
        assert.equal(await picker.inputValue(), '', 'the server default at first');
        const models = (await stack.api('GET', '/api/models')).data;
        assert.match(await picker.locator('option').first().innerText(), new RegExp(models.chat_model.replace(/[.:]/g, '\\$&')));

        await picker.selectOption('qwen2.5:0.5b');
        await waitFor(async () => (await stack.conversation(id)).model === 'qwen2.5:0.5b', { message: 'the stored model' });
        await turn(page, '[[mock id=picked-model reply=echo]] which model?');
        const requests = (await (await fetch(`${stack.mockUrl}/mock/requests`)).json()).requests;
        const chat = requests.filter((r) => r.label === 'picked-model' && r.path === '/api/chat');
        assert.ok(chat.length >= 1, 'the mock saw the turn');
        assert.equal(chat.at(-1).model, 'qwen2.5:0.5b');
        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        await page.waitForFunction(() => document.getElementById('model-picker').value === 'qwen2.5:0.5b');

        await picker.selectOption('');
        await waitFor(async () => (await stack.conversation(id)).model === null, { message: 'back to the default' });
        assertClean(record, 'model');
        await context.close();
    });
});
