// api.js against a stubbed fetch: what a request carries, what every answer tells the
// observer (where 401s are seen), and how failures become ApiErrors.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { api, ApiError, observeAnswers } from '../src/api.js';

let calls;
let answers;
let heard;
const realFetch = globalThis.fetch;

function answer(status, body, headers = {}) {
    const text = body === undefined ? null : JSON.stringify(body);
    return new Response(text, { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

beforeEach(() => {
    calls = [];
    answers = [];
    heard = [];
    globalThis.fetch = async (path, init) => {
        calls.push({ path, init });
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next;
    };
    observeAnswers((a) => heard.push(a));
});

afterEach(() => {
    globalThis.fetch = realFetch;
    observeAnswers(null);
});

describe('requests', () => {
    test('same-origin credentials and no Authorization header: the cookie does it', async () => {
        answers.push(answer(200, { user: { id: 1, username: 'ada', role: 'admin' } }));
        await api.signIn('ada', 'correct horse battery');
        const { path, init } = calls[0];
        assert.equal(path, '/api/auth/login');
        assert.equal(init.method, 'POST');
        assert.equal(init.credentials, 'same-origin');
        assert.equal(init.headers.Authorization, undefined);
        assert.deepEqual(JSON.parse(init.body), { username: 'ada', password: 'correct horse battery' });
    });

    test('the account routes and their bodies', async () => {
        answers.push(
            answer(201, { user: { id: 1 } }),
            answer(204),
            answer(200, { user: { id: 1 } }),
            answer(201, { user: { id: 2 } }),
            answer(200, { user: { id: 2 } }),
            answer(200, { message: 'User deleted' }),
            answer(201, { key: { id: 3, name: 'ci' }, secret: 'mr_x' }),
            answer(200, { message: 'Key deleted' }),
        );
        await api.setUp('tok', 'ada', 'pw pw pw pw');
        assert.deepEqual(await api.signOut(), {});
        await api.changePassword('old one', 'new one');
        await api.addUser('bob', 'pw', 'user');
        await api.updateUser(2, { role: 'admin' });
        await api.deleteUser(2);
        assert.deepEqual(await api.createKey('ci'), { key: { id: 3, name: 'ci' }, secret: 'mr_x' });
        await api.deleteKey('3/../x');
        assert.deepEqual(calls.map((c) => `${c.init.method} ${c.path}`), [
            'POST /api/auth/setup', 'POST /api/auth/logout', 'PUT /api/auth/password',
            'POST /api/users', 'PUT /api/users/2', 'DELETE /api/users/2', 'POST /api/keys',
            'DELETE /api/keys/3%2F..%2Fx',
        ]);
        assert.deepEqual(JSON.parse(calls[0].init.body), { token: 'tok', username: 'ada', password: 'pw pw pw pw' });
        assert.deepEqual(JSON.parse(calls[2].init.body), { current_password: 'old one', new_password: 'new one' });
        assert.deepEqual(JSON.parse(calls[3].init.body), { username: 'bob', password: 'pw', role: 'user' });
    });
});

describe('answers', () => {
    test('every answer reaches the observer, a 401 with the server\'s sentence', async () => {
        answers.push(answer(200, { conversations: [] }), answer(401, { error: 'Sign in first' }));
        await api.listConversations();
        await assert.rejects(api.listKeys(), (err) => err instanceof ApiError && err.status === 401);
        assert.deepEqual(heard, [
            { path: '/api/conversations', status: 200, error: '' },
            { path: '/api/keys', status: 401, error: 'Sign in first' },
        ]);
    });

    test('429 carries the Retry-After wait', async () => {
        answers.push(answer(429, { error: 'Too many failed sign-ins' }, { 'Retry-After': '30' }));
        await assert.rejects(api.signIn('ada', 'x'), (err) => {
            assert.equal(err.status, 429);
            assert.equal(err.retryAfterS, 30);
            assert.equal(err.message, 'Too many failed sign-ins');
            return true;
        });
    });

    test('a 404 without a body is the v1 server\'s missing status route', async () => {
        answers.push(new Response('not here', { status: 404 }));
        await assert.rejects(api.authStatus(), (err) => err.status === 404);
        assert.deepEqual(heard, [{ path: '/api/auth/status', status: 404, error: '' }]);
    });

    test('no network: offline, and the observer hears nothing', async () => {
        answers.push(new TypeError('fetch failed'));
        await assert.rejects(api.authStatus(), (err) => err.offline === true && err.status === 0);
        assert.deepEqual(heard, []);
    });
});

describe('conversation actions (v2)', () => {
    test('search sends the query encoded and hands back the answer', async () => {
        answers.push(answer(200, { conversations: [] }));
        const data = await api.searchConversations('pirate & ship?');
        assert.equal(calls[0].path, '/api/conversations?q=pirate%20%26%20ship%3F');
        assert.deepEqual(data, { conversations: [] });
    });

    test('a refused search says the server’s sentence', async () => {
        answers.push(answer(400, { error: 'The search text is longer than 200 characters' }));
        await assert.rejects(api.searchConversations('x'.repeat(300)),
            (err) => err instanceof ApiError && err.status === 400 && /longer than 200/.test(err.message));
    });

    test('import posts the file’s text as it is, as JSON', async () => {
        const text = '{"format":"moodring.conversation","version":1,"conversation":{}}';
        answers.push(answer(201, { conversation_id: 'n1', conversation: { id: 'n1' } }));
        const data = await api.importConversation(text);
        const { path, init } = calls[0];
        assert.equal(path, '/api/conversations/import');
        assert.equal(init.method, 'POST');
        assert.equal(init.headers['Content-Type'], 'application/json');
        assert.equal(init.body, text);
        assert.equal(data.conversation_id, 'n1');
    });

    test('an import too large says the server’s sentence, or a plain one', async () => {
        answers.push(answer(413, { error: 'The export is larger than 8 MB' }), answer(413, undefined));
        await assert.rejects(api.importConversation('{}'), /larger than 8 MB/);
        await assert.rejects(api.importConversation('{}'), /too large/);
    });

    test('export addresses and the model list', async () => {
        assert.equal(api.exportUrl('a b', 'markdown'), '/api/conversations/a%20b/export?format=markdown');
        answers.push(answer(200, { models: [{ name: 'llama3.2' }], chat_model: 'llama3.2' }));
        assert.equal((await api.listModels()).chat_model, 'llama3.2');
        assert.equal(calls[0].path, '/api/models');
    });
});
