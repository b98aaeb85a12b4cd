// The REST half of PROTOCOL.md. Every failure becomes an ApiError with a sentence a person
// can read; `offline` tells a dropped network from an answer the server gave. The session
// cookie goes with every request by itself (same origin); the page never sees it.

import { parseRetryAfter } from './account_state.js';

export class ApiError extends Error {
    constructor(message, { status = 0, offline = false, retryAfterS = 0 } = {}) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.offline = offline;
        this.retryAfterS = retryAfterS; // from Retry-After, on a 429
    }
}

let answerObserver = null;

/** `fn({path, status, error})` hears every answer the server gives (where 401s are seen). */
export function observeAnswers(fn) {
    answerObserver = fn;
}

const FRIENDLY_STATUS = {
    404: 'That conversation no longer exists.',
    413: 'That is too large for the server to accept.',
    429: 'Too many requests at once. Wait a moment and try again.',
    500: 'The server ran into a problem. Try again in a moment.',
    502: 'The server could not reach the language model.',
    503: 'The server is not ready right now. Try again in a moment.',
};

async function request(method, path, { json, body, contentType, signal } = {}) {
    const init = {
        method,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        signal,
    };
    if (json !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(json);
    } else if (body !== undefined) {
        init.body = body;
        if (contentType) init.headers['Content-Type'] = contentType;
    }
    let response;
    try {
        response = await fetch(path, init);
    } catch (err) {
        if (err?.name === 'AbortError') throw err;
        throw new ApiError('Cannot reach the moodring server. Check that it is running.', {
            offline: true,
        });
    }
    let data = null;
    try {
        data = await response.json();
    } catch {
        data = null;
    }
    const said = !response.ok && data && typeof data.error === 'string' ? data.error : '';
    answerObserver?.({ path, status: response.status, error: said });
    if (!response.ok) {
        const message =
            (response.status === 404 && said === 'Conversation not found'
                ? FRIENDLY_STATUS[404]
                : said) ||
            FRIENDLY_STATUS[response.status] ||
            `The server answered ${response.status}.`;
        const retryAfterS = parseRetryAfter(response.headers.get('Retry-After'));
        throw new ApiError(message, { status: response.status, retryAfterS });
    }
    return data ?? {};
}

const conv = (id) => `/api/conversations/${encodeURIComponent(id)}`;
const user = (id) => `/api/users/${encodeURIComponent(id)}`;
const key = (id) => `/api/keys/${encodeURIComponent(id)}`;
/** How long the page waits for /api/auth/status before it shows today's page anyway. */
const STATUS_TIMEOUT_MS = 10000;

export const api = {
    async listConversations() {
        const data = await request('GET', '/api/conversations');
        return Array.isArray(data.conversations) ? data.conversations : [];
    },
    async getConversation(id) {
        return (await request('GET', conv(id))).conversation;
    },
    async createConversation(title, customContext) {
        const json = { title };
        if (customContext) json.custom_context = customContext;
        const data = await request('POST', '/api/conversations', { json });
        return data.conversation ?? { id: data.conversation_id, title };
    },
    async updateConversation(id, fields) {
        return (await request('PUT', conv(id), { json: fields })).conversation;
    },
    async deleteConversation(id) {
        await request('DELETE', conv(id));
    },
    /** `GET /api/conversations?q=`: `{conversations: [Summary + {match}]}` (v2). */
    async searchConversations(query, signal) {
        return request('GET', `/api/conversations?q=${encodeURIComponent(query)}`, { signal });
    },
    /** `{models: [{name}], chat_model, theme_model}`. */
    async listModels() {
        return request('GET', '/api/models');
    },
    /** The download address of an export (v2); `format` is `json` or `markdown`. */
    exportUrl(id, format) {
        return `${conv(id)}/export?format=${encodeURIComponent(format)}`;
    },
    /** Posts the text of a JSON export as it is; resolves to `{conversation_id, conversation}`. */
    async importConversation(text) {
        const options = { body: text, contentType: 'application/json' };
        return request('POST', '/api/conversations/import', options);
    },
    async uploadContextFile(id, file) {
        const form = new FormData();
        form.append('file', file, file.name);
        return request('POST', `${conv(id)}/files`, { body: form });
    },

    // Accounts (PROTOCOL.md v2). A 404 from authStatus means a v1 server: mode `none`.
    async authStatus() {
        return request('GET', '/api/auth/status', { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
    },
    async signIn(username, password) {
        return request('POST', '/api/auth/login', { json: { username, password } });
    },
    async setUp(token, username, password) {
        return request('POST', '/api/auth/setup', { json: { token, username, password } });
    },
    async signOut() {
        return request('POST', '/api/auth/logout');
    },
    async changePassword(currentPassword, newPassword) {
        const json = { current_password: currentPassword, new_password: newPassword };
        return (await request('PUT', '/api/auth/password', { json })).user;
    },
    async listUsers() {
        const data = await request('GET', '/api/users');
        return Array.isArray(data.users) ? data.users : [];
    },
    async addUser(username, password, role) {
        return (await request('POST', '/api/users', { json: { username, password, role } })).user;
    },
    async updateUser(id, fields) {
        return (await request('PUT', user(id), { json: fields })).user;
    },
    async deleteUser(id) {
        await request('DELETE', user(id));
    },
    async listKeys() {
        const data = await request('GET', '/api/keys');
        return Array.isArray(data.keys) ? data.keys : [];
    },
    /** Resolves to `{key, secret}`: the only time the secret is sent. */
    async createKey(name) {
        return request('POST', '/api/keys', { json: { name } });
    },
    async deleteKey(id) {
        await request('DELETE', key(id));
    },
};
