// Small DOM helpers the views share: elements, Copy buttons, code blocks with a header.

export function byId(id) {
    return document.getElementById(id);
}

export function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
}

/** The clipboard API, or the old selection trick where it is refused. */
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        const area = el('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.className = 'offscreen';
        document.body.append(area);
        area.select();
        let ok = false;
        try {
            ok = document.execCommand('copy');
        } catch {
            ok = false;
        }
        area.remove();
        return ok;
    }
}

const COPIED_LABEL_MS = 1500;

/** A "Copy" button that copies `getText()` and says for a moment whether it worked. */
export function copyButton(label, getText) {
    const button = el('button', 'copy-btn', 'Copy');
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.addEventListener('click', async () => {
        const ok = await copyText(getText());
        button.textContent = ok ? 'Copied' : 'Copy failed';
        button.classList.toggle('copied', ok);
        setTimeout(() => {
            button.textContent = 'Copy';
            button.classList.remove('copied');
        }, COPIED_LABEL_MS);
    });
    return button;
}

/** Wraps every <pre> in `body` with a header naming its language and a Copy button. */
export function decorateCodeBlocks(body) {
    for (const pre of body.querySelectorAll('pre')) {
        const code = pre.querySelector('code');
        const wrap = el('div', 'code-block');
        const head = el('div', 'code-head');
        const lang = [...(code?.classList ?? [])].find((c) => c.startsWith('language-'));
        head.append(el('span', 'code-lang', lang ? lang.slice(9) : 'code'));
        head.append(copyButton('Copy code', () => code?.textContent ?? pre.textContent));
        pre.replaceWith(wrap);
        wrap.append(head, pre);
        pre.tabIndex = 0; // long lines scroll sideways: reachable by keyboard
    }
}

/** Whether a modal dialog is open (Esc belongs to it). */
export function dialogOpen() {
    return Boolean(document.querySelector('dialog[open]'));
}

/** Whether the page is laid out for a phone (the sidebar is a drawer). */
export function phoneLayout() {
    return window.matchMedia('(max-width: 760px)').matches;
}
