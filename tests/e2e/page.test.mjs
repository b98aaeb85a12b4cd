// The moodring page in headless Chromium against the real server and the mock Ollama.
// Tests run in order on one server; each opens its own browser context.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
    hexToRgb,
    launchBrowser,
    openPage,
    outputDir,
    parseRgb,
    sameColour,
    Stack,
    WAIT_MS,
} from './harness.mjs';
import { waitFor, waitForConnected, waitForReplyEnd } from './chat_helpers.mjs';

// Every wait is bounded by WAIT_MS (see harness.mjs) and ends as soon as its condition holds;
// a test may take a few such waits.
const TEST_TIMEOUT = 4 * WAIT_MS;
const metrics = {};

let stack;
let browser;
let noWebSocket = null; // null when /ws/ works, else why it does not

/** Skips a test that needs the WebSocket endpoint when the server does not have it yet. */
function needsWebSocket(t) {
    if (noWebSocket) {
        t.skip(`needs /ws/: ${noWebSocket}`);
        return true;
    }
    return false;
}

/** Records the WebSocket frames a page sends and receives. */
function recordFrames(page) {
    const frames = { sent: [], received: [] };
    page.on('websocket', (ws) => {
        ws.on('framesent', (f) => frames.sent.push(parse(f.payload)));
        ws.on('framereceived', (f) => frames.received.push(parse(f.payload)));
    });
    return frames;
}

function parse(payload) {
    try {
        return JSON.parse(String(payload));
    } catch {
        return { raw: String(payload) };
    }
}

async function openConversation(page, id) {
    await page.goto(`/?c=${id}`);
    await page.waitForSelector('html[data-ready="true"]');
}

async function send(page, text) {
    await waitForConnected(page);
    await page.fill('#composer-input', text);
    await page.press('#composer-input', 'Enter');
}

async function lastAssistant(page) {
    return page.evaluate(() => {
        const all = document.querySelectorAll('#messages .msg-assistant');
        const last = all[all.length - 1];
        if (!last) return null;
        return {
            status: last.dataset.status,
            live: last.classList.contains('live'),
            text: last.querySelector('.msg-body')?.innerText ?? '',
            count: all.length,
        };
    });
}

async function computedColours(page) {
    return page.evaluate(() => {
        const style = (sel, prop) => {
            const node = document.querySelector(sel);
            return node ? getComputedStyle(node).getPropertyValue(prop) : null;
        };
        return {
            primary: style('#new-conversation', 'background-color'),
            text: style('body', 'color'),
            userBubble: style('#messages .msg-user .msg-bubble', 'background-color'),
            assistantBubble: style('#messages .msg-assistant .msg-bubble', 'background-color'),
            border: style('#messages .msg-assistant .msg-bubble', 'border-top-color'),
            rootPrimary: getComputedStyle(document.documentElement).getPropertyValue('--primary').trim(),
        };
    });
}

/** Waits until the page's computed colours are the theme's (the change is animated). */
async function waitForThemeColours(page, theme) {
    const want = {
        primary: hexToRgb(theme.primaryColor),
        text: hexToRgb(theme.textColor),
        userBubble: hexToRgb(theme.messageUserBg),
        assistantBubble: hexToRgb(theme.messageAssistantBg),
        border: hexToRgb(theme.borderColor),
    };
    let got;
    await waitFor(async () => {
        got = await computedColours(page);
        return Object.entries(want).every(([k, v]) => sameColour(parseRgb(got[k]), v));
    }, { message: `theme colours ${JSON.stringify(want)}` }).catch((err) => {
        throw new Error(`${err.message}; page shows ${JSON.stringify(got)}`);
    });
    return got;
}

function assertClean(record, what) {
    assert.deepEqual(record.foreign, [], `${what}: requests left the server's origin`);
    assert.deepEqual(record.errors, [], `${what}: uncaught errors in the page`);
}

describe('moodring page', { timeout: 15 * 60_000 }, () => {
    before(async () => {
        stack = new Stack(); // assigned first, so after() stops whatever start() began
        await stack.start();
        browser = await launchBrowser();
        noWebSocket = await stack.websocketUnavailable();
        if (noWebSocket) console.log(`# WebSocket tests will be skipped: ${noWebSocket}`);
    });

    after(async () => {
        await browser?.close();
        await stack?.stop();
        writeFileSync(join(outputDir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    });

    it('lists conversations newest first and measures the first render', { timeout: TEST_TIMEOUT }, async (t) => {
        await stack.createConversation('Older conversation');
        await new Promise((r) => setTimeout(r, 20));
        await stack.createConversation('Newer conversation');
        const { context, page, record } = await openPage(browser, stack);
        const loads = [];
        for (let i = 0; i < 5; i += 1) {
            await page.goto('/');
            await page.waitForSelector('html[data-ready="true"]');
            loads.push(await page.evaluate(() => {
                const mark = performance.getEntriesByName('moodring:list-rendered')[0];
                const nav = performance.getEntriesByType('navigation')[0];
                return { listRendered: mark.startTime, domContentLoaded: nav.domContentLoadedEventEnd };
            }));
        }
        const titles = await page.$$eval('#conversation-list .conversation-title', (n) => n.map((x) => x.textContent));
        assert.ok(titles.indexOf('Newer conversation') < titles.indexOf('Older conversation'), `order: ${titles}`);
        assert.equal(await page.isVisible('#welcome'), true);
        const sorted = loads.map((l) => l.listRendered).sort((a, b) => a - b);
        metrics.page_load_ms = {
            navigation_to_list_rendered_median: Math.round(sorted[2] * 10) / 10,
            navigation_to_list_rendered_all: sorted.map((x) => Math.round(x * 10) / 10),
            dom_content_loaded_median: Math.round(loads.map((l) => l.domContentLoaded).sort((a, b) => a - b)[2] * 10) / 10,
        };
        t.diagnostic(`navigation to first render of the list: ${JSON.stringify(metrics.page_load_ms)}`);
        assertClean(record, 'load');
        assert.deepEqual(record.console, [], 'console errors (a CSP violation shows here)');
        await context.close();
    });

    it('creates a conversation with a context file, checking the file first', { timeout: TEST_TIMEOUT }, async () => {
        const { context, page, record } = await openPage(browser, stack);
        await page.goto('/');
        await page.waitForSelector('html[data-ready="true"]');
        const before = (await stack.api('GET', '/api/conversations')).data.conversations.length;

        await page.click('#new-conversation');
        await page.waitForSelector('#conversation-dialog[open]');
        // Refused before anything is sent: too big, wrong type, not UTF-8.
        await page.setInputFiles('#field-file', { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1_000_001, 'a') });
        await page.waitForFunction(() => document.getElementById('file-info').dataset.kind === 'error');
        assert.match(await page.textContent('#file-info'), /1 MB/);
        await page.setInputFiles('#field-file', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
        await page.waitForFunction(() => /not a \.txt/.test(document.getElementById('file-info').textContent));
        await page.setInputFiles('#field-file', { name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
        await page.waitForFunction(() => /UTF-8/.test(document.getElementById('file-info').textContent));
        await page.fill('#field-title', 'Should not exist');
        await page.click('#dialog-save');
        await page.waitForSelector('#dialog-error:not([hidden])');
        assert.equal((await stack.api('GET', '/api/conversations')).data.conversations.length, before);
        assert.ok(!record.requests.some((u) => u.includes('/files')), 'no upload was attempted');

        // A good one. Exactly 1,000,000 bytes would pass too; keep it small here.
        await page.setInputFiles('#field-file', { name: 'notes.md', mimeType: '', buffer: Buffer.from('# Launch notes\nThe launch is on Friday. Café ☕.\n') });
        await page.waitForFunction(() => document.getElementById('file-info').dataset.kind === 'ok');
        await page.fill('#field-title', 'Launch planning');
        await page.fill('#field-context', 'Answer briefly.');
        await page.click('#dialog-save');
        await page.waitForFunction(() => new URLSearchParams(location.search).get('c'));
        const id = await page.evaluate(() => new URLSearchParams(location.search).get('c'));
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'Launch planning');
        const conversation = await stack.conversation(id);
        assert.equal(conversation.title, 'Launch planning');
        assert.match(conversation.custom_context, /^Answer briefly\./);
        assert.match(conversation.custom_context, /\[File: notes\.md\]\n# Launch notes\nThe launch is on Friday\. Café ☕\./);
        const current = await page.getAttribute('#conversation-list a[aria-current="page"]', 'data-id');
        assert.equal(current, id);
        assertClean(record, 'create');
        await context.close();
    });

    it('renames a conversation and edits its context; the URL opens it after a reload', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Draft title', 'Old context');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        await page.click('#edit-conversation');
        await page.waitForSelector('#conversation-dialog[open]');
        assert.equal(await page.inputValue('#field-title'), 'Draft title');
        assert.equal(await page.inputValue('#field-context'), 'Old context');
        await page.fill('#field-title', 'Final title');
        await page.fill('#field-context', 'New context: speak like a pirate.');
        await page.click('#dialog-save');
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'Final title');
        await page.waitForSelector(`#conversation-list a[data-id="${id}"] >> text=Final title`);
        const conversation = await stack.conversation(id);
        assert.equal(conversation.title, 'Final title');
        assert.equal(conversation.custom_context, 'New context: speak like a pirate.');

        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        assert.equal(await page.textContent('#chat-title'), 'Final title');
        // A shared link opens it in another browser context too.
        const other = await openPage(browser, stack);
        await openConversation(other.page, id);
        assert.equal(await other.page.textContent('#chat-title'), 'Final title');
        // An unknown id falls back to the start page with a note.
        await other.page.goto('/?c=no-such-conversation');
        await other.page.waitForSelector('html[data-ready="true"]');
        await other.page.waitForSelector('#notice:not([hidden])');
        assert.equal(await other.page.isVisible('#welcome'), true);
        await other.context.close();
        assertClean(record, 'edit');
        await context.close();
    });

    it('deletes a conversation only after confirmation', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('To be deleted');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        await page.click('#delete-conversation');
        await page.waitForSelector('#confirm-dialog[open]');
        assert.match(await page.textContent('#confirm-text'), /To be deleted/);
        await page.click('#confirm-no');
        await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
        assert.ok(await stack.conversation(id), 'still there after Cancel');
        await page.click('#delete-conversation');
        await page.keyboard.press('Tab'); // focus starts on Cancel; Delete is next
        await page.keyboard.press('Enter');
        await page.waitForFunction((cid) => !document.querySelector(`#conversation-list a[data-id="${cid}"]`), id);
        assert.equal(await stack.conversation(id), null);
        assert.equal(await page.evaluate(() => location.search), '');
        assert.equal(await page.isVisible('#welcome'), true);
        assertClean(record, 'delete');
        await context.close();
    });

    it('streams a reply and keeps it after a reload', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Streaming');
        const { context, page, record } = await openPage(browser, stack);
        const frames = recordFrames(page);
        await openConversation(page, id);
        const text = '[[mock reply=text tokens=240 ttft_ms=1500 interval_ms=15]] Tell me something cheerful!';
        await send(page, text);
        // Composer locked, Stop offered, thinking shown until the first chunk.
        await page.waitForSelector('#stop:visible');
        assert.equal(await page.isDisabled('#composer-input'), true);
        await page.waitForSelector('#messages .msg-assistant.live .thinking:visible');
        // Text streams in with a cursor.
        await page.waitForSelector('#messages .msg-assistant.live .msg-body .cursor');
        const partial = (await lastAssistant(page)).text.length;
        await waitForReplyEnd(page);
        const done = await lastAssistant(page);
        assert.equal(done.status, 'complete');
        assert.ok(done.text.length > partial, 'more text arrived after the first render');
        assert.equal(await page.isDisabled('#composer-input'), false);
        assert.equal(await page.isVisible('#stop'), false);
        const userBubbles = await page.$$eval('#messages .msg-user .msg-body', (n) => n.map((x) => x.innerText.trim()));
        assert.deepEqual(userBubbles, [text]);
        // The sidebar catches up with the new messages.
        await page.waitForSelector(`#conversation-list a[data-id="${id}"] >> text=2 messages`);
        const end = frames.received.find((f) => f.type === 'end');
        if (end?.timings) {
            assert.match(await page.textContent('#messages .msg-assistant .msg-timings'), /first token .* tokens\/s/);
        } else {
            t.diagnostic('the server sent no end.timings: the timings line is not checked');
        }
        // Reload: the messages come back from GET /api/conversations/{id}.
        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        await page.waitForSelector('#messages .msg-assistant');
        assert.equal((await lastAssistant(page)).text.trim(), done.text.trim());
        assert.equal(await page.$$eval('#messages .msg', (n) => n.length), 2);
        assertClean(record, 'stream');
        await context.close();
    });

    it('changes the theme live and keeps it after a reload', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Beach day');
        const { context, page, record } = await openPage(browser, stack);
        const frames = recordFrames(page);
        await openConversation(page, id);
        const defaultPrimary = (await computedColours(page)).primary;
        await send(page, '[[mock reply=theme ttft_ms=1500 interval_ms=3]] A sunny, cheerful day at the beach!');
        await page.waitForSelector('#theme-pending:visible');
        await waitForReplyEnd(page);
        // The theme may come before, during or after the reply.
        const themeFrame = () => frames.received.find((f) => f.type === 'theme_update' || f.type === 'theme_error');
        await waitFor(themeFrame, { message: 'a theme frame' }).catch(() => null);
        if (!themeFrame()) {
            t.skip(`the server sent no theme_update or theme_error within ${WAIT_MS / 1000} s: no theme push on this server yet`);
            await context.close();
            return;
        }
        assert.equal(themeFrame().type, 'theme_update', `theme frame: ${JSON.stringify(themeFrame())}`);
        const stored = (await stack.conversation(id)).current_theme;
        assert.ok(stored, 'the server stored the theme');
        const colours = await waitForThemeColours(page, stored);
        assert.notEqual(colours.primary, defaultPrimary, 'the primary colour changed');
        await page.waitForSelector('#theme-pending', { state: 'hidden' });
        assert.ok((await page.textContent('#theme-name')).includes(stored.name.slice(0, 10)));
        await page.screenshot({ path: join(outputDir, 'themed-conversation.png') });

        // Reload: the theme comes back with GET /api/conversations/{id}, before any frame.
        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        await waitForThemeColours(page, stored);
        // The same at phone width.
        const phone = await openPage(browser, stack, { viewport: { width: 390, height: 844 } });
        await openConversation(phone.page, id);
        await waitForThemeColours(phone.page, stored);
        await phone.page.screenshot({ path: join(outputDir, 'themed-conversation-phone.png') });
        await phone.context.close();
        assertClean(record, 'theme');
        await context.close();
    });

    it('shows the first token quickly against the mock', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Speed');
        const { context, page } = await openPage(browser, stack);
        await openConversation(page, id);
        const samples = [];
        for (let i = 0; i < 5; i += 1) {
            await send(page, `[[mock reply=text tokens=20 interval_ms=5]] quick ${i}`);
            await waitForReplyEnd(page);
            samples.push(await page.evaluate(() => performance.getEntriesByName('moodring:first-token')[0]?.duration));
        }
        assert.ok(samples.every((s) => Number.isFinite(s)), `first-token measures: ${samples}`);
        const sorted = [...samples].sort((a, b) => a - b);
        metrics.first_token_ms = {
            send_to_first_chunk_median: Math.round(sorted[2] * 10) / 10,
            all: sorted.map((x) => Math.round(x * 10) / 10),
            note: 'Enter pressed -> first chunk handled by the page, mock_ollama with no ttft delay',
        };
        t.diagnostic(`send to first token: ${JSON.stringify(metrics.first_token_ms)}`);
        await context.close();
    });

    it('renders Markdown with highlighted code, tables and lists, and copies code', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Markdown');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        await waitForConnected(page);
        const markdown = [
            '[[mock reply=echo interval_ms=2]] ## Plan',
            '',
            '- **first** item',
            '- second with `code`',
            '',
            '| name | value |',
            '|------|------:|',
            '| a | 1 |',
            '| b | 2 |',
            '',
            '```python',
            'def greet(name):',
            '    return f"hello {name}"',
            '```',
        ].join('\n');
        // Shift+Enter adds lines, Enter sends.
        await page.click('#composer-input');
        const lines = markdown.split('\n');
        for (let i = 0; i < lines.length; i += 1) {
            await page.keyboard.insertText(lines[i]);
            if (i < lines.length - 1) await page.keyboard.press('Shift+Enter');
        }
        assert.equal(await page.inputValue('#composer-input'), markdown);
        await page.keyboard.press('Enter');
        await waitForReplyEnd(page);
        const reply = page.locator('#messages .msg-assistant').last();
        assert.equal(await reply.locator('h2').textContent(), 'Plan');
        assert.equal(await reply.locator('ul > li').count(), 2);
        assert.equal(await reply.locator('table td').count(), 4);
        assert.ok(await reply.locator('pre code.language-python .hljs-keyword').count() >= 1, 'python highlighted');
        await reply.locator('.code-block .copy-btn').click();
        await page.waitForFunction(() => document.querySelector('.code-block .copy-btn.copied'));
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert.equal(copied, 'def greet(name):\n    return f"hello {name}"');
        await page.screenshot({ path: join(outputDir, 'markdown-conversation.png') });
        assertClean(record, 'markdown');
        await context.close();
    });

    it('keeps hostile text inert: no script runs, nothing loads from elsewhere', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Hostile');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        const hostile = [
            '[[mock reply=echo interval_ms=2]] Look <img src=x onerror="window.__pwned=1">',
            '<script>window.__pwned=2</script>',
            '[click me](javascript:window.__pwned=3) and <a href="javascript:window.__pwned=4">raw link</a>',
            '![remote](http://127.0.0.1:9/tracker.png) <iframe src="http://127.0.0.1:9/frame"></iframe>',
            '<style>body{display:none}</style> <svg onload="window.__pwned=5"></svg>',
            '[safe link](http://127.0.0.1:9/page)',
        ].join('\n');
        await send(page, hostile);
        await waitForReplyEnd(page);
        await page.reload(); // and once more from the stored copy
        await page.waitForSelector('#messages .msg-assistant');
        for (const link of await page.$$('#messages a:not([href])')) await link.click();
        await page.waitForTimeout(300);
        const findings = await page.evaluate(() => ({
            pwned: window.__pwned,
            scripts: document.querySelectorAll('#messages script').length,
            images: [...document.querySelectorAll('#messages img')].map((i) => i.getAttribute('src')),
            frames: document.querySelectorAll('#messages iframe, #messages svg, #messages style').length,
            handlers: [...document.querySelectorAll('#messages *')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
            jsLinks: [...document.querySelectorAll('#messages a[href]')].filter((a) => !/^(https?:|mailto:)/.test(a.getAttribute('href'))).length,
            links: [...document.querySelectorAll('#messages a[href]')].map((a) => a.getAttribute('rel')),
            text: document.querySelector('#messages .msg-assistant .msg-body').innerText,
            bodyVisible: getComputedStyle(document.body).display !== 'none',
        }));
        assert.equal(findings.pwned, undefined, 'no script ran');
        assert.equal(findings.scripts, 0);
        assert.deepEqual(findings.images, []);
        assert.equal(findings.frames, 0);
        assert.equal(findings.handlers, 0);
        assert.equal(findings.jsLinks, 0);
        assert.ok(findings.links.length >= 2, 'the safe links are kept (user and reply)');
        for (const rel of findings.links) {
            assert.match(rel, /noopener/);
            assert.match(rel, /noreferrer/);
        }
        assert.match(findings.text, /<script>window\.__pwned=2<\/script>/, 'raw HTML is shown as text');
        assert.match(findings.text, /image not loaded/);
        assert.ok(findings.bodyVisible);
        assertClean(record, 'hostile');
        await context.close();
    });

    it('stops a reply mid-way with the Stop button', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Stop me');
        const { context, page, record } = await openPage(browser, stack);
        const frames = recordFrames(page);
        await openConversation(page, id);
        await send(page, '[[mock reply=counter tokens=400 interval_ms=40]] count slowly');
        await waitFor(async () => /token5\b/.test((await lastAssistant(page))?.text ?? ''), { message: 'token5' });
        await page.click('#stop');
        assert.ok(frames.sent.some((f) => f.type === 'cancel'), 'sent {"type":"cancel"}');
        await waitForReplyEnd(page);
        const stopped = await lastAssistant(page);
        assert.equal(stopped.status, 'stopped');
        assert.ok(!/token399/.test(stopped.text));
        await page.waitForTimeout(500);
        assert.equal((await lastAssistant(page)).text, stopped.text, 'no text after the stop');
        assert.equal(await page.isDisabled('#composer-input'), false);
        assert.match(await page.textContent('#status-line'), /Stopped/);
        await page.reload();
        await page.waitForSelector('#messages .msg-assistant');
        const stored = await lastAssistant(page);
        assert.equal(stored.status, 'stopped');
        assert.match(stored.text, /^token0 token1 token2/);
        assert.equal(await page.textContent('#messages .msg-assistant .msg-status'), 'stopped');
        assertClean(record, 'stop');
        await context.close();
    });

    it('resumes a reply in progress after a reload', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Resume');
        const { context, page, record } = await openPage(browser, stack);
        await openConversation(page, id);
        const tokens = 200; // 10 s: it must outlast a reload on a loaded machine
        await send(page, `[[mock reply=counter tokens=${tokens} interval_ms=50]] keep going`);
        await waitFor(async () => /token8\b/.test((await lastAssistant(page))?.text ?? ''), { message: 'token8' });
        await page.reload();
        // The server sends start + the text so far, then the rest live.
        await page.waitForSelector('#messages .msg-assistant.live .cursor');
        const resumed = await lastAssistant(page);
        assert.match(resumed.text, /^token0 token1/, 'the text so far came back');
        assert.equal(await page.$$eval('#messages .msg-user', (n) => n.length), 1, 'the question shows once while the reply resumes');
        assert.equal(await page.$$eval('#messages .msg-placeholder', (n) => n.length), 0, 'the stored placeholder gives way to the live reply');
        assert.ok(!resumed.text.includes(`token${tokens - 1}`), 'caught it before the end');
        await waitForReplyEnd(page);
        const expected = Array.from({ length: tokens }, (_, i) => `token${i}`).join(' ');
        const done = await lastAssistant(page);
        assert.equal(done.text.trim(), expected, 'each token once, in order');
        assert.equal(await page.$$eval('#messages .msg-user', (n) => n.length), 1);
        assert.equal(done.count, 1);
        assertClean(record, 'resume');
        await context.close();
    });

    it('streams to every tab open on the conversation', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Two tabs');
        const a = await openPage(browser, stack);
        const b = await openPage(browser, stack);
        await openConversation(a.page, id);
        await openConversation(b.page, id);
        await waitForConnected(b.page);
        const tokens = 120; // 3 s: long enough for the other tab to be seen streaming
        await send(a.page, `[[mock reply=counter tokens=${tokens} interval_ms=25]] both of you`);
        await b.page.waitForSelector('#messages .msg-assistant.live');
        assert.equal(await b.page.isDisabled('#composer-input'), true, 'the other tab waits too');
        await waitForReplyEnd(a.page);
        await waitForReplyEnd(b.page);
        const expected = Array.from({ length: tokens }, (_, i) => `token${i}`).join(' ');
        assert.equal((await lastAssistant(a.page)).text.trim(), expected);
        assert.equal((await lastAssistant(b.page)).text.trim(), expected);
        await b.page.waitForFunction(() => document.querySelectorAll('#messages .msg-user').length === 1);
        assert.match(await b.page.textContent('#messages .msg-user .msg-body'), /both of you/);
        assertClean(a.record, 'tab A');
        assertClean(b.record, 'tab B');
        await a.context.close();
        await b.context.close();
    });

    it('follows the reply until the reader scrolls up', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Scrolling');
        const { context, page } = await openPage(browser, stack, { viewport: { width: 900, height: 500 } });
        await openConversation(page, id);
        await send(page, '[[mock reply=counter tokens=3000 interval_ms=15]] a long one'); // stopped below
        const gap = () => page.evaluate(() => {
            const m = document.getElementById('messages');
            return m.scrollHeight - m.scrollTop - m.clientHeight;
        });
        await waitFor(async () => /token150\b/.test((await lastAssistant(page))?.text ?? ''), { message: 'token150' });
        assert.ok((await gap()) < 48, 'pinned to the bottom while streaming');
        await page.mouse.move(450, 250);
        await page.mouse.wheel(0, -400);
        await waitFor(async () => (await gap()) > 100, { message: 'scrolled up' });
        const top = await page.evaluate(() => document.getElementById('messages').scrollTop);
        await page.waitForTimeout(600);
        assert.equal(await page.evaluate(() => document.getElementById('messages').scrollTop), top, 'stays where the reader is');
        await page.waitForSelector('#jump-latest:visible');
        await page.click('#jump-latest');
        assert.ok((await gap()) < 48);
        await page.click('#stop');
        await waitForReplyEnd(page);
        await context.close();
    });

    it('shows the place in line while the model is busy', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        // A server of its own that lets one request reach the model at a time.
        const narrow = new Stack({ serverArgs: ['--llm.max_in_flight', '1'] });
        try {
            await narrow.start();
            const first = await narrow.createConversation('First');
            const second = await narrow.createConversation('Second');
            const a = await openPage(browser, narrow);
            const b = await openPage(browser, narrow);
            await openConversation(a.page, first);
            await openConversation(b.page, second);
            await send(a.page, '[[mock reply=counter tokens=3000 interval_ms=20]] long'); // stopped below
            await waitFor(async () => /token3\b/.test((await lastAssistant(a.page))?.text ?? ''), { message: 'token3' });
            await send(b.page, '[[mock reply=counter tokens=5 interval_ms=5]] short');
            const queued = await waitFor(async () => {
                const line = await b.page.textContent('#status-line');
                return /Waiting for the model/.test(line) ? line : false;
            }, { message: 'a queue status' }).catch(() => null);
            if (!queued) {
                t.skip('the server sent no queued status with --llm.max_in_flight 1');
            } else {
                assert.match(queued, /next in line|position \d+/);
                await a.page.click('#stop');
                await waitForReplyEnd(b.page);
                assert.equal((await lastAssistant(b.page)).text.trim(), 'token0 token1 token2 token3 token4');
                assert.equal(await b.page.textContent('#status-line'), '');
            }
            await a.context.close();
            await b.context.close();
        } finally {
            await narrow.stop();
        }
    });

    it('works at phone width and from the keyboard', { timeout: TEST_TIMEOUT }, async () => {
        const id = await stack.createConversation('Phone');
        const { context, page, record } = await openPage(browser, stack, { viewport: { width: 390, height: 844 } });
        await page.goto('/');
        await page.waitForSelector('html[data-ready="true"]');
        assert.equal(await page.isVisible('#conversation-list'), false, 'sidebar starts closed');
        await page.click('#toggle-sidebar');
        await page.waitForSelector('#conversation-list', { state: 'visible' });
        await page.click(`#conversation-list a[data-id="${id}"]`);
        await page.waitForFunction(() => document.getElementById('app').dataset.sidebar === 'closed');
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'Phone');
        const layout = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            composer: document.getElementById('composer').getBoundingClientRect().toJSON(),
        }));
        assert.ok(layout.scrollWidth <= 390, `no sideways scrolling (${layout.scrollWidth})`);
        assert.ok(layout.composer.right <= 390 && layout.composer.bottom <= 844, 'composer on screen');

        // Keyboard, from a fresh load: the first Tab reaches the skip link, which leads to
        // the message box.
        await page.goto(`/?c=${id}`);
        await page.waitForSelector('html[data-ready="true"]');
        await page.waitForFunction(() => !document.getElementById('composer-input').disabled);
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement.id === 'composer-input');
        // Every control has a name.
        const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, textarea, a[href]')]
            .filter((n) => n.offsetParent !== null)
            .filter((n) => !(n.getAttribute('aria-label') || n.textContent.trim() || (n.id && document.querySelector(`label[for="${n.id}"]`))))
            .map((n) => n.outerHTML.slice(0, 80)));
        assert.deepEqual(unnamed, []);
        assertClean(record, 'phone');
        await context.close();
    });

    it('says when it is offline and reconnects when the server is back', { timeout: TEST_TIMEOUT }, async (t) => {
        if (needsWebSocket(t)) return;
        const id = await stack.createConversation('Offline');
        const { context, page } = await openPage(browser, stack);
        await openConversation(page, id);
        await waitForConnected(page);
        await stack.stopServer();
        await page.waitForSelector('#offline-banner:visible');
        assert.match(await page.textContent('#offline-banner'), /Offline/);
        assert.equal(await page.isDisabled('#send'), true);
        await stack.startServer();
        await page.waitForSelector('#offline-banner', { state: 'hidden' });
        await send(page, '[[mock reply=text tokens=5 interval_ms=5]] back again');
        await waitForReplyEnd(page);
        assert.equal((await lastAssistant(page)).status, 'complete');
        await context.close();
    });
});
