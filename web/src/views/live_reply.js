// The reply streaming now: a "Thinking…" indicator until its first text, then its Markdown,
// redrawn at most once per animation frame and less often when a redraw gets expensive.

import { StreamingMarkdown } from '../markdown.js';
import { decorateCodeBlocks, el } from './dom.js';

/** A redraw that took longer than this (ms) spaces the next ones out… */
const CHEAP_RENDER_MS = 6;
/** …to this many times its cost, but never further apart than MAX_RENDER_GAP_MS. */
const RENDER_COST_FACTOR = 4;
const MAX_RENDER_GAP_MS = 250;
const CURSOR_HOSTS = new Set(['P', 'LI', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'CODE', 'DIV', 'H1', 'H2',
    'H3', 'H4', 'H5', 'H6', 'TABLE', 'TBODY', 'TR', 'TD', 'TH']);

function thinkingIndicator() {
    const thinking = el('div', 'thinking');
    thinking.setAttribute('role', 'status');
    thinking.append(el('span', 'dot'), el('span', 'dot'), el('span', 'dot'),
        el('span', 'thinking-text', 'Thinking…'));
    return thinking;
}

/** The DOM of one live reply and its redraw bookkeeping. */
function buildReply(live) {
    const article = el('article', 'msg msg-assistant live');
    article.dataset.status = 'streaming';
    article.setAttribute('aria-label', 'Reply');
    article.setAttribute('aria-busy', 'true');
    const bubble = el('div', 'msg-bubble');
    const thinking = thinkingIndicator();
    const body = el('div', 'msg-body md');
    body.hidden = true;
    bubble.append(thinking, body);
    article.append(bubble);
    return {
        key: live.key,
        restarts: live.restarts,
        content: '',
        article,
        body,
        thinking,
        markdown: new StreamingMarkdown(body, decorateCodeBlocks),
        scheduled: false,
        lastRenderAt: 0,
        minGapMs: 0,
    };
}

/** The blinking cursor goes at the end of the innermost last block. */
function placeCursor(body) {
    let target = body;
    for (;;) {
        const last = target.lastElementChild;
        if (!last || !CURSOR_HOSTS.has(last.nodeName)) break;
        if (last.classList.contains('code-head')) break;
        target = last;
    }
    const cursor = el('span', 'cursor');
    cursor.setAttribute('aria-hidden', 'true');
    target.append(cursor);
}

function revealText(reply) {
    reply.thinking.hidden = true;
    reply.body.hidden = false;
}

/** `onRendered` runs after each redraw (the log follows the text). */
export function createLiveReplyView({ onRendered }) {
    let reply = null;

    function render(target) {
        const started = performance.now();
        if (target.content) revealText(target);
        target.markdown.update(target.content);
        placeCursor(target.body);
        const cost = performance.now() - started;
        target.lastRenderAt = performance.now();
        const spaced = Math.min(cost * RENDER_COST_FACTOR, MAX_RENDER_GAP_MS);
        target.minGapMs = cost > CHEAP_RENDER_MS ? spaced : 0;
        onRendered();
    }

    function scheduleRender(target) {
        if (target.scheduled) return;
        target.scheduled = true;
        const wait = target.lastRenderAt + target.minGapMs - performance.now();
        const onFrame = () => requestAnimationFrame(() => {
            target.scheduled = false;
            if (reply === target) render(target);
        });
        if (wait > 1) setTimeout(onFrame, wait);
        else onFrame();
    }

    /** Follows `state.live`: a new reply gets new DOM, more text a redraw. */
    function sync(live) {
        if (!live) {
            reply = null;
            return;
        }
        if (!reply || reply.key !== live.key) {
            reply = buildReply(live);
        } else if (reply.restarts !== live.restarts) {
            // The same reply again (we reconnected): its text so far comes in the next chunk.
            reply.restarts = live.restarts;
            reply.content = '';
            reply.markdown = new StreamingMarkdown(reply.body, decorateCodeBlocks);
            reply.body.replaceChildren();
        }
        if (reply.content === live.content) return;
        reply.content = live.content;
        if (live.content) revealText(reply);
        scheduleRender(reply);
    }

    return {
        sync,
        /** Redraws now (a hidden tab gets no animation frames). */
        renderNow: () => reply && render(reply),
        get element() {
            return reply?.article ?? null;
        },
    };
}
