// The REST half of PROTOCOL.md. Every failure becomes an ApiError with a sentence a person
// can read; `offline` tells a dropped network from an answer the server gave.

export class ApiError extends Error {
    constructor(message, { status = 0, offline = false } = {}) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.offline = offline;
    }
}

const FRIENDLY_STATUS = {
    404: 'That conversation no longer exists.',
    413: 'That is too large for the server to accept.',
    429: 'Too many requests at once. Wait a moment and try again.',
    500: 'The server ran into a problem. Try again in a moment.',
    502: 'The server could not reach the language model.',
    503: 'The server is not ready right now. Try again in a moment.',
};

async function request(method, path, { json, body, signal } = {}) {
    const init = { method, headers: { Accept: 'application/json' }, signal };
    if (json !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(json);
    } else if (body !== undefined) {
        init.body = body;
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
    if (!response.ok) {
        const said = data && typeof data.error === 'string' ? data.error : '';
        const message =
            (response.status === 404 && said === 'Conversation not found'
                ? FRIENDLY_STATUS[404]
                : said) ||
            FRIENDLY_STATUS[response.status] ||
            `The server answered ${response.status}.`;
        throw new ApiError(message, { status: response.status });
    }
    return data ?? {};
}

const conv = (id) => `/api/conversations/${encodeURIComponent(id)}`;

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
    async uploadContextFile(id, file) {
        const form = new FormData();
        form.append('file', file, file.name);
        return request('POST', `${conv(id)}/files`, { body: form });
    },
};
