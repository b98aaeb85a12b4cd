// Steps the browser tests of the chat share: waiting, opening a conversation, sending a
// message, reading the message log, recording the socket's frames. Every wait is bounded by
// WAIT_MS (harness.mjs) and ends as soon as its condition holds.

import { WAIT_MS } from './harness.mjs';

export async function waitFor(check, { timeout = WAIT_MS, interval = 50, message = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
        try {
            last = await check();
            if (last) return last;
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) {
            const said = last instanceof Error ? last.message : JSON.stringify(last);
            throw new Error(`timed out waiting for ${message} (last: ${said})`);
        }
        await new Promise((r) => setTimeout(r, interval));
    }
}

function parse(payload) {
    try {
        return JSON.parse(String(payload));
    } catch {
        return { raw: String(payload) };
    }
}

/** Records the WebSocket frames a page sends and receives. */
export function recordFrames(page) {
    const frames = { sent: [], received: [] };
    page.on('websocket', (ws) => {
        ws.on('framesent', (f) => frames.sent.push(parse(f.payload)));
        ws.on('framereceived', (f) => frames.received.push(parse(f.payload)));
    });
    return frames;
}

export async function openConversation(page, id) {
    await page.goto(`/?c=${id}`);
    await page.waitForSelector('html[data-ready="true"]');
}

/** The socket is open: Send is enabled (or a reply already runs). */
export async function waitForConnected(page) {
    await page.waitForFunction(() => !document.getElementById('send').disabled
        || document.getElementById('composer').dataset.running === 'true');
}

export async function send(page, text) {
    await waitForConnected(page);
    await page.fill('#composer-input', text);
    await page.press('#composer-input', 'Enter');
}

/** The reply is finished: the last one is not live and the composer is free. */
export async function waitForReplyEnd(page) {
    await page.waitForFunction(() => {
        const all = document.querySelectorAll('#messages .msg-assistant');
        const last = all[all.length - 1];
        return last && !last.classList.contains('live')
            && document.getElementById('composer').dataset.running === 'false';
    });
}

/** The texts of the log's messages: `{user: [...], assistant: [...]}`, live reply excluded. */
export async function messageTexts(page) {
    return page.evaluate(() => {
        const texts = (selector) => [...document.querySelectorAll(selector)]
            .map((n) => n.querySelector('.msg-body')?.innerText.trim() ?? '');
        return {
            user: texts('#messages .msg-user'),
            assistant: texts('#messages .msg-assistant:not(.live)'),
        };
    });
}

/** Sends `text` and waits for its reply to end (sending locks the composer at once). */
export async function turn(page, text) {
    await send(page, text);
    await waitForReplyEnd(page);
}
