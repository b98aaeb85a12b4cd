// Markdown -> safe HTML. marked parses, highlight.js colours code, DOMPurify has the last word.
//
// Neither the user's text nor the model's can run script or load anything: raw HTML in the
// Markdown is shown as text, images load only from data: URLs, links keep to http(s) and
// mailto and open with rel="noopener noreferrer".

import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked } from 'marked';

const LANGUAGES = {
    bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php,
    plaintext, python, ruby, rust, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);

// Code blocks without a language are guessed among these (cheap, common in chats).
const AUTO_LANGUAGES = ['python', 'javascript', 'typescript', 'cpp', 'bash', 'json', 'sql',
    'rust', 'go', 'java', 'xml', 'css', 'yaml'];

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

function languageOf(info) {
    const name = (info || '').trim().split(/\s+/)[0].toLowerCase();
    return /^[a-z0-9_+#-]{1,30}$/.test(name) ? name : '';
}

function highlight(code, lang, { auto }) {
    if (lang && hljs.getLanguage(lang)) {
        return { html: hljs.highlight(code, { language: lang, ignoreIllegals: true }).value, lang };
    }
    if (auto && code.length < 20000) {
        const guess = hljs.highlightAuto(code, AUTO_LANGUAGES);
        if (guess.relevance >= 5) return { html: guess.value, lang: guess.language };
    }
    return { html: escapeHtml(code), lang };
}

function makeMarked(options) {
    const md = new Marked({ gfm: true, breaks: true, async: false });
    md.use({
        renderer: {
            // Raw HTML is text in a chat: the user typed it or the model wrote it, and
            // either way it is shown, never interpreted.
            html(token) {
                return escapeHtml(token.text ?? token.raw ?? '');
            },
            code(token) {
                const lang = languageOf(token.lang);
                const out = highlight(token.text ?? '', lang, options);
                const cls = out.lang ? ` language-${out.lang}` : '';
                return `<pre><code class="hljs${cls}">${out.html}</code></pre>\n`;
            },
        },
    });
    return md;
}

// Streaming renders skip the language guess (it is the slow part); the final one does it.
const streamingMarked = makeMarked({ auto: false });
const finalMarked = makeMarked({ auto: true });

const ALLOWED_TAGS = ['a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3',
    'h4', 'h5', 'h6', 'hr', 'i', 'img', 'input', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong',
    'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'class', 'align', 'start', 'type',
    'checked', 'disabled'];
const SAFE_LINK = /^(?:https?:|mailto:)/i;
const SAFE_IMAGE = /^data:image\/(?:png|gif|jpeg|webp);base64,[a-z0-9+/=\s]+$/i;
const SAFE_CLASS = /^(?:hljs(?:-[a-z0-9_-]+)?|language-[a-z0-9_+#-]+|[a-z]+_)$/i;

const purifier = DOMPurify(window);
purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.hasAttribute('class')) {
        const kept = node.getAttribute('class').split(/\s+/).filter((c) => SAFE_CLASS.test(c));
        if (kept.length) node.setAttribute('class', kept.join(' '));
        else node.removeAttribute('class');
    }
    switch (node.nodeName) {
        case 'A': {
            const href = (node.getAttribute('href') || '').trim();
            if (!SAFE_LINK.test(href)) {
                node.removeAttribute('href');
            } else {
                node.setAttribute('target', '_blank');
                node.setAttribute('rel', 'noopener noreferrer');
                node.setAttribute('referrerpolicy', 'no-referrer');
            }
            break;
        }
        case 'IMG': {
            const src = (node.getAttribute('src') || '').trim();
            if (!SAFE_IMAGE.test(src)) {
                // A remote image would be a request to somebody else's server: show a note.
                const note = node.ownerDocument.createElement('span');
                note.className = 'blocked-image';
                const alt = node.getAttribute('alt');
                note.textContent = `[image not loaded${alt ? `: ${alt}` : ''}]`;
                node.replaceWith(note);
            }
            break;
        }
        case 'INPUT':
            // Only GFM task-list boxes, which nobody can tick.
            node.setAttribute('type', 'checkbox');
            node.setAttribute('disabled', '');
            break;
        default:
            break;
    }
});

const PURIFY_CONFIG = {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [...ALLOWED_ATTR, 'target', 'rel', 'referrerpolicy'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/(?:png|gif|jpeg|webp);base64,)/i,
    RETURN_DOM_FRAGMENT: true,
};

/**
 * Renders Markdown to a sanitized DocumentFragment. `streaming` trades the language guess of
 * unlabelled code blocks for speed.
 */
export function renderMarkdown(text, { streaming = false } = {}) {
    const md = streaming ? streamingMarked : finalMarked;
    const html = md.parse(String(text ?? ''));
    return purifier.sanitize(html, PURIFY_CONFIG);
}

/**
 * Renders a growing Markdown text into `container`, block by block: top-level blocks whose
 * source did not change keep their DOM; the changed tail is parsed, sanitized and replaced.
 * `decorate(fragment)` runs on each new block before it is inserted.
 */
export class StreamingMarkdown {
    constructor(container, decorate = () => {}) {
        this.container = container;
        this.decorate = decorate;
        this.blocks = []; // {raw, nodes}
    }

    update(text) {
        const tokens = streamingMarked.lexer(String(text ?? ''));
        let keep = 0;
        while (keep < this.blocks.length && keep < tokens.length - 1 && this.blocks[keep].raw === tokens[keep].raw) {
            keep += 1;
        }
        for (const block of this.blocks.splice(keep)) for (const node of block.nodes) node.remove();
        for (const stray of this.container.querySelectorAll('.cursor')) stray.remove();
        for (let i = keep; i < tokens.length; i += 1) {
            const one = [tokens[i]];
            one.links = tokens.links;
            const fragment = purifier.sanitize(streamingMarked.parser(one), PURIFY_CONFIG);
            this.decorate(fragment);
            const nodes = [...fragment.childNodes];
            this.container.append(fragment);
            this.blocks.push({ raw: tokens[i].raw, nodes });
        }
    }
}
