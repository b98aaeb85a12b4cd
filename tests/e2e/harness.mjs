// Starts the real moodring server against the mock Ollama, and headless Chromium through
// playwright-core, for the browser tests. Nothing here reaches beyond 127.0.0.1.
//
//   MOODRING_SERVER_BINARY       the moodring binary (or argv[2] of run.sh)
//   MOODRING_MOCK_OLLAMA_BINARY  the mock_ollama binary (or argv[3] of run.sh)
//   MOODRING_WEB_ROOT            the built page (default: web/dist of this repository)
//   MOODRING_CHROMIUM            the browser (default: /usr/bin/chromium)

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const outputDir = join(here, 'output');

export const config = {
    server: process.env.MOODRING_SERVER_BINARY,
    mock: process.env.MOODRING_MOCK_OLLAMA_BINARY,
    webRoot: process.env.MOODRING_WEB_ROOT || join(repoRoot, 'web', 'dist'),
    chromium: process.env.MOODRING_CHROMIUM || '/usr/bin/chromium',
};

/**
 * The longest any one wait of the browser tests may last: for a server to print its address,
 * a page to load and say it is ready, a reply to end. ctest runs this suite beside the C++
 * suites, two cores between them, where everything is slower but nothing is different; a
 * wait ends as soon as its condition holds, so a generous bound costs nothing when all is
 * well, and a real hang still fails.
 */
export const WAIT_MS = 60_000;

/** The last this many characters of a server's output are kept for waitForServerOutput(). */
const MAX_KEPT_OUTPUT = 1_000_000;

export const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

function requireFile(what, path) {
    if (!path || !existsSync(path)) {
        throw new Error(`${what} not found (${path || 'not set'}); see tests/e2e/README.md`);
    }
}

/** A child process whose first stdout line matches `pattern`; resolves to the match. */
function startProcess(name, bin, args, pattern, { cwd, logDir, timeoutMs = WAIT_MS }) {
    // moodring reads MOODRING_* variables as settings and refuses unknown ones.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOODRING_')));
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    child.stderr.pipe(log);
    // Everything the process says, on either stream, for tests that read it (the setup link).
    const output = { text: '' };
    const keep = (data) => {
        output.text = (output.text + data.toString()).slice(-MAX_KEPT_OUTPUT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return new Promise((resolvePromise, reject) => {
        let buffered = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${name} printed no address within ${timeoutMs} ms`));
        }, timeoutMs);
        const onData = (data) => {
            buffered += data.toString();
            const match = pattern.exec(buffered);
            if (match) {
                clearTimeout(timer);
                child.stdout.off('data', onData);
                child.stdout.pipe(log);
                resolvePromise({ child, match, log, output });
            }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${code ?? signal}) before it was ready; see ${log.path}`));
        });
        child.once('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
    });
}

async function stopProcess(proc) {
    if (!proc) return;
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
        const exited = new Promise((r) => proc.child.once('exit', r));
        proc.child.kill('SIGTERM');
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
    }
    // A grandchild could hold the pipes open; they must not keep the tests alive.
    proc.child.stdout?.destroy();
    proc.child.stderr?.destroy();
}

/**
 * The servers for one test file. `start()` launches the mock and moodring (on port 0 with a
 * temporary database); `startServer()` can start another moodring on the same database and
 * port, after `stopServer()`, to test reconnection.
 */
export class Stack {
    /** `serverArgs`: extra moodring flags, e.g. ['--llm.max_in_flight', '1']. */
    constructor({ serverArgs = [] } = {}) {
        this.serverArgs = serverArgs;
        this.tmp = mkdtempSync(join(tmpdir(), 'moodring-e2e-'));
        mkdirSync(outputDir, { recursive: true });
        this.mock = null;
        this.server = null;
        this.port = 0;
    }

    async start() {
        requireFile('moodring server binary (MOODRING_SERVER_BINARY)', config.server);
        requireFile('mock_ollama binary (MOODRING_MOCK_OLLAMA_BINARY)', config.mock);
        requireFile('built page web/dist/index.html (run npm run build in web/)', join(config.webRoot, 'index.html'));
        this.mock = await startProcess('mock_ollama', config.mock, ['--port', '0'],
            /mock_ollama listening on (http:\/\/[^\s]+)/, { cwd: this.tmp, logDir: outputDir });
        this.mockUrl = this.mock.match[1];
        await this.startServer();
        return this;
    }

    async startServer() {
        this.server = await startProcess('moodring', config.server, [
            '--port', String(this.port),
            '--host', '127.0.0.1',
            '--web-root', config.webRoot,
            '--db', join(this.tmp, 'moodring.db'),
            '--ollama-url', this.mockUrl,
            // The server runs in a temporary directory: its prompts by absolute path.
            '--theme.prompt_file', join(repoRoot, 'prompts', 'theme.txt'),
            '--chat.system_prompt_file', join(repoRoot, 'prompts', 'system.txt'),
            ...this.serverArgs,
        ], /moodring listening on (http:\/\/[^\s]+)/, { cwd: this.tmp, logDir: outputDir });
        this.baseUrl = this.server.match[1].replace(/\/$/, '');
        this.port = Number(new URL(this.baseUrl).port);
    }

    async stopServer() {
        await stopProcess(this.server);
        this.server = null;
    }

    async stop() {
        await stopProcess(this.server);
        await stopProcess(this.mock);
        rmSync(this.tmp, { recursive: true, force: true });
    }

    /**
     * Resolves to the first match of `pattern` in what the running server printed (stdout
     * and stderr), waiting for it up to `timeoutMs`.
     */
    async waitForServerOutput(pattern, { timeoutMs = WAIT_MS } = {}) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const match = pattern.exec(this.server?.output.text ?? '');
            if (match) return match;
            if (Date.now() > deadline) {
                throw new Error(`the server printed nothing matching ${pattern} within ${timeoutMs} ms`);
            }
            await new Promise((r) => setTimeout(r, 50));
        }
    }

    /** JSON over HTTP to the server, outside the browser; `headers` e.g. an Authorization. */
    async api(method, path, body, { headers = {} } = {}) {
        const response = await fetch(this.baseUrl + path, {
            method,
            headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const data = await response.json().catch(() => null);
        return { status: response.status, data };
    }

    async createConversation(title, customContext) {
        const body = customContext ? { title, custom_context: customContext } : { title };
        const { status, data } = await this.api('POST', '/api/conversations', body);
        if (status >= 300) throw new Error(`create failed: ${status} ${JSON.stringify(data)}`);
        return data.conversation_id ?? data.conversation.id;
    }

    async conversation(id) {
        const { status, data } = await this.api('GET', `/api/conversations/${id}`);
        return status === 200 ? data.conversation : null;
    }

    /**
     * Whether /ws/{id} upgrades: the WebSocket endpoint may not have landed yet. Resolves to
     * null when it works, or to the reason it does not.
     */
    async websocketUnavailable() {
        const id = await this.createConversation('ws probe');
        const url = new URL(`${this.baseUrl}/ws/${id}`);
        const reason = await new Promise((resolvePromise) => {
            const req = http.request({
                host: url.hostname,
                port: url.port,
                path: url.pathname,
                headers: {
                    Connection: 'Upgrade',
                    Upgrade: 'websocket',
                    'Sec-WebSocket-Version': '13',
                    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
                },
                timeout: WAIT_MS,
            });
            req.on('upgrade', (_res, socket) => {
                socket.destroy();
                resolvePromise(null);
            });
            req.on('response', (res) => {
                res.resume();
                resolvePromise(`GET /ws/{id} answered ${res.statusCode} instead of upgrading`);
            });
            req.on('timeout', () => req.destroy(new Error('timed out')));
            req.on('error', (err) => resolvePromise(`GET /ws/{id} failed: ${err.message}`));
            req.end();
        });
        await this.api('DELETE', `/api/conversations/${id}`);
        return reason ? `the server has no WebSocket endpoint yet (${reason})` : null;
    }
}

/** Headless Chromium from Debian's package, with a fresh profile. */
export async function launchBrowser() {
    requireFile('Chromium (apt-get install -y chromium)', config.chromium);
    const profile = mkdtempSync(join(tmpdir(), 'moodring-e2e-chromium-'));
    // launch() gives every context a fresh in-memory profile; the directory keeps the
    // browser's own files out of the user's home.
    const browser = await chromium.launch({
        executablePath: config.chromium,
        args: [...CHROMIUM_ARGS, `--disk-cache-dir=${join(profile, 'cache')}`],
        headless: true,
        env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    });
    browser.on('disconnected', () => rmSync(profile, { recursive: true, force: true }));
    return browser;
}

/**
 * A page in a new context that records every request and aborts any that would leave the
 * server's origin, records console errors and uncaught exceptions, and grants the clipboard.
 */
export async function openPage(browser, stack, { viewport = { width: 1280, height: 820 } } = {}) {
    const context = await browser.newContext({ viewport, baseURL: stack.baseUrl });
    context.setDefaultTimeout(WAIT_MS); // every wait and click without a timeout of its own
    context.setDefaultNavigationTimeout(WAIT_MS);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    const origin = new URL(stack.baseUrl).origin;
    const record = { requests: [], foreign: [], errors: [], console: [] };
    await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('data:') || new URL(url).origin === origin) return route.continue();
        record.foreign.push(url);
        return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('request', (request) => {
        const url = request.url();
        record.requests.push(url);
        if (!url.startsWith('data:') && new URL(url).origin !== origin && !record.foreign.includes(url)) {
            record.foreign.push(url);
        }
    });
    page.on('websocket', (ws) => record.requests.push(ws.url()));
    page.on('pageerror', (err) => record.errors.push(String(err)));
    page.on('console', (msg) => {
        if (msg.type() === 'error') record.console.push(msg.text());
    });
    return { context, page, record };
}

/** Colour strings from getComputedStyle, as [r, g, b]. */
export function parseRgb(css) {
    const m = /rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)/.exec(css);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export function hexToRgb(hex) {
    let h = hex.replace('#', '');
    if (h.length === 3) h = [...h].map((c) => c + c).join('');
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

export function sameColour(a, b, tolerance = 2) {
    return a && b && a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}
