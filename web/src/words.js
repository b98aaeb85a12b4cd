// Sentences for people: errors, queue positions, timings, dates.

const ERROR_WORDS = {
    llm_unavailable: 'The language model is not reachable right now. Is Ollama running? Try again in a moment.',
    llm_error: 'The language model ran into a problem while answering. Try again.',
    busy: 'Too many messages are waiting already. Let the current reply finish first.',
    rate_limited: 'You are sending messages faster than the server allows. Wait a moment and try again.',
    too_large: 'That message is too long to send. Shorten it and try again.',
    bad_request: 'The server could not accept that message.',
    internal: 'Something went wrong on the server. Try again in a moment.',
};

/** The sentence to show for a `{"type":"error"}` frame. */
export function describeErrorFrame(frame) {
    const code = typeof frame?.code === 'string' ? frame.code : '';
    const said = typeof frame?.message === 'string' ? frame.message.trim() : '';
    if (code === 'bad_request' && said) return `${ERROR_WORDS.bad_request} (${said})`;
    if (ERROR_WORDS[code]) return ERROR_WORDS[code];
    return said || 'Something went wrong with this reply.';
}

/** The status line for a queued turn. */
export function describeQueue(position) {
    const n = Number(position);
    if (!Number.isFinite(n) || n <= 0) return 'Waiting for the model…';
    if (n === 1) return 'Waiting for the model — you are next in line.';
    return `Waiting for the model — position ${n} in line.`;
}

function seconds(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

/**
 * "first token 240 ms · ~38 tokens/s" from `end.timings` and the chunks seen.
 * `tokens` is an estimate (chunks, or characters / 4 when chunks were merged or resumed).
 */
export function describeTimings(timings, tokens) {
    if (!timings || typeof timings !== 'object') return '';
    const parts = [];
    const ttft = Number(timings.ttft_ms);
    const total = Number(timings.total_ms);
    const queue = Number(timings.queue_ms);
    if (Number.isFinite(queue) && queue >= 50) parts.push(`queued ${seconds(queue)}`);
    if (Number.isFinite(ttft) && ttft >= 0) parts.push(`first token ${seconds(ttft)}`);
    if (Number.isFinite(total) && Number.isFinite(ttft) && tokens > 1) {
        const streaming = Math.max(total - ttft, 1);
        const rate = ((tokens - 1) * 1000) / streaming;
        if (rate > 0 && rate < 100000) parts.push(`~${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} tokens/s`);
    }
    if (Number.isFinite(total) && total >= 0) parts.push(`${seconds(total)} total`);
    return parts.join(' · ');
}

/** "just now", "5 min ago", "yesterday", or a date. */
export function relativeTime(iso, now = Date.now()) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return '';
    const s = Math.max(0, (now - t) / 1000);
    if (s < 45) return 'just now';
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    if (s < 2 * 86400) return 'yesterday';
    return new Date(t).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** "14:03" for today, a short date and time otherwise. */
export function clockTime(iso) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return '';
    const d = new Date(t);
    const today = new Date().toDateString() === d.toDateString();
    return today
        ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
        : d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

export const STATUS_WORDS = {
    stopped: 'stopped',
    interrupted: 'interrupted',
};

/** The page's own lines: the status line under the composer, notes and the offline banner. */
export const PAGE_WORDS = Object.freeze({
    sending: 'Sending…',
    stopping: 'Stopping…',
    stopped: 'Stopped. What was written so far is kept.',
    thinking: 'The model is thinking…',
    droppedBeforeAnswer:
        'The connection dropped before the server answered. Check whether your message arrived.',
    offlineCannotSend: 'Offline: the message will be ready to send when the connection is back.',
    droppedWhileSending: 'Could not send: the connection just dropped.',
    serverUnreachable: 'The server cannot be reached.',
    reconnecting: 'Offline — reconnecting…',
    conversationDeleted: 'This conversation was deleted.',
    conversationMissing: 'That conversation does not exist any more.',
    deletedHere: 'Conversation deleted.',
    noNewTheme: 'No new colours this time — the current theme stays.',
    failedToStart: 'The page failed to start. Reload to try again.',
});

/** The offline banner while a reconnect is scheduled. */
export function describeReconnect(retryInMs) {
    const secs = Math.max(1, Math.round(retryInMs / 1000));
    return `Offline — reconnecting in ${secs} s.`;
}

/** "45 s", "2 min", "1 h 5 min": how long to wait before trying again. */
export function describeWait(seconds) {
    const s = Math.max(1, Math.ceil(Number(seconds) || 0));
    if (s < 60) return `${s} s`;
    const minutes = Math.ceil(s / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** Sentences of the sign-in, setup and account pages. */
export const ACCOUNT_WORDS = Object.freeze({
    wrongPassword: 'Wrong username or password.',
    tooManyAttempts: (wait) => `Too many failed sign-ins. Try again in ${wait}.`,
    passwordMissing: 'Enter a password.',
    passwordsDiffer: 'The two passwords are not the same.',
    setupNeedsLink:
        'No account exists yet. Open the setup link the server printed when it started to create the first one.',
    setupLinkUsed: 'This setup link has been used already. Sign in with your account.',
    setupTokenRefused: 'Check that you opened the whole link the server printed at its last start.',
    sessionEnded: 'You were signed out. Sign in again to go on.',
    accountDeleted: 'Your account was deleted.',
    signOutFailed: (why) => `Could not sign out: ${why}`,
    passwordChanged: 'Password changed. Your other sessions were signed out.',
    strangeAnswer: 'The server gave an answer the page does not understand. Try again.',
    secretOnce: 'Copy it now: it will not be shown again.',
});
