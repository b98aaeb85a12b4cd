// The page with accounts (PROTOCOL.md v2, `--auth.mode accounts`) in headless Chromium
// against the real server and the mock Ollama: the first account from the setup link the
// server prints, signing in and out, the API keys page, the users page, a session ended
// elsewhere (401 and WebSocket 1008), throttled sign-ins; and mode `none` as before.
// Tests run in order on one server: the first creates the admin the others sign in as.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, openPage, Stack, WAIT_MS } from './harness.mjs';
import { waitForReplyEnd } from './chat_helpers.mjs';

const TEST_TIMEOUT = 4 * WAIT_MS;
const ADMIN = { username: 'ada', password: 'correct horse battery' };
const USER = { username: 'bob', password: 'bobs own password' };
/** The one line the server prints while no user exists (PROTOCOL.md, "First account"). */
const SETUP_LINK = /(https?):\/\/([^\s/]+)\/#setup=([A-Za-z0-9_~.%+\/=-]+)/;

let stack;
let browser;

before(async () => {
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
});

// ---------------------------------------------------------------- the page, driven

async function signIn(page, { username, password }) {
    await page.goto('/');
    await page.waitForSelector('#sign-in-form:visible');
    await page.fill('#sign-in-username', username);
    await page.fill('#sign-in-password', password);
    await page.press('#sign-in-password', 'Enter');
    await page.waitForSelector('html[data-ready="true"]');
    await page.waitForSelector('#account:visible');
}

async function openAccountMenuItem(page, item) {
    await page.click('#account-button');
    await page.waitForSelector('#account-menu:visible');
    await page.click(item);
}

/** The socket is open: Send is enabled. */
async function waitForConnected(page) {
    await page.waitForFunction(() => !document.getElementById('send').disabled);
}

/** Creates a conversation with the page's own dialog; resolves to its id. */
async function newConversation(page, title) {
    await page.click('#new-conversation');
    await page.waitForSelector('#conversation-dialog[open]');
    await page.fill('#field-title', title);
    await page.click('#dialog-save');
    await page.waitForFunction((t) => document.getElementById('chat-title').textContent === t, title);
    return page.evaluate(() => new URLSearchParams(location.search).get('c'));
}

/** The REST API with the browser context's cookie (and the Origin a browser would send). */
async function asContext(context, method, path, data) {
    const response = await context.request.fetch(stack.baseUrl + path, {
        method,
        headers: { Origin: stack.baseUrl },
        data,
    });
    const body = await response.json().catch(() => null);
    return { status: response.status(), data: body };
}

function assertClean(record, what) {
    assert.deepEqual(record.foreign, [], `${what}: requests left the server's origin`);
    assert.deepEqual(record.errors, [], `${what}: uncaught errors in the page`);
}

describe('moodring page with accounts', { timeout: 15 * 60_000 }, () => {
    before(async () => {
        stack = new Stack({ serverArgs: ['--auth.mode', 'accounts', '--auth.max_failed_logins', '5'] });
        await stack.start();
    });

    after(async () => {
        await stack?.stop();
    });

    it('creates the first account from the setup link the server printed', { timeout: TEST_TIMEOUT }, async () => {
        const [link, scheme, host, token] = await stack.waitForServerOutput(SETUP_LINK);
        assert.equal(`${scheme}://${host}`, stack.baseUrl, `the link names the server's address: ${link}`);
        const { context, page, record } = await openPage(browser, stack);

        // Without the link: the sign-in form says where the link is.
        await page.goto('/');
        await page.waitForSelector('#sign-in-form:visible');
        assert.match(await page.textContent('#sign-in-notice'), /setup link/);
        assert.equal(await page.isVisible('#app'), false, 'no chat before signing in');

        await page.goto(`/#setup=${token}`);
        await page.waitForSelector('#setup-form:visible');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'setup-username', 'focus on open');
        assert.equal(await page.getAttribute('#setup-password', 'autocomplete'), 'new-password');
        // Two different passwords never reach the server.
        await page.fill('#setup-username', ADMIN.username);
        await page.fill('#setup-password', ADMIN.password);
        await page.fill('#setup-repeat', `${ADMIN.password}!`);
        await page.press('#setup-repeat', 'Enter');
        await page.waitForSelector('#setup-error:visible');
        assert.match(await page.textContent('#setup-error'), /not the same/);
        assert.ok(!record.requests.some((u) => u.endsWith('/api/auth/setup')), 'nothing was sent');
        // A password the server refuses shows its sentence.
        await page.fill('#setup-password', 'short');
        await page.fill('#setup-repeat', 'short');
        await page.press('#setup-repeat', 'Enter');
        await page.waitForFunction(() => /\S/.test(document.getElementById('setup-error').textContent)
            && !/not the same/.test(document.getElementById('setup-error').textContent));
        assert.equal((await stack.api('GET', '/api/auth/status')).data.setup_required, true);

        await page.fill('#setup-password', ADMIN.password);
        await page.fill('#setup-repeat', ADMIN.password);
        await page.press('#setup-repeat', 'Enter');
        await page.waitForSelector('html[data-ready="true"]');
        assert.equal(await page.evaluate(() => location.hash), '', 'the token left the address bar');
        assert.equal(await page.textContent('#account-name'), ADMIN.username);
        const status = await asContext(context, 'GET', '/api/auth/status');
        assert.deepEqual([status.data.user.username, status.data.user.role], [ADMIN.username, 'admin']);
        assert.equal(status.data.setup_required, false);
        const cookies = await context.cookies();
        const session = cookies.find((c) => c.name === 'moodring_session');
        assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
        assert.equal(await page.evaluate(() => document.cookie.includes('moodring_session')), false);
        assert.equal(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
            '{}{}', 'nothing kept in web storage');

        // The spent link now leads to the sign-in form.
        const other = await openPage(browser, stack);
        await other.page.goto(`/#setup=${token}`);
        await other.page.waitForSelector('#sign-in-form:visible');
        assert.match(await other.page.textContent('#sign-in-notice'), /used already/);
        assert.equal(await other.page.evaluate(() => location.hash), '');
        await other.context.close();
        assertClean(record, 'setup');
        await context.close();
    });

    it('signs in, streams a reply, and signs out', { timeout: TEST_TIMEOUT }, async () => {
        const { context, page, record } = await openPage(browser, stack);
        await page.goto('/');
        await page.waitForSelector('#sign-in-form:visible');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-in-username');
        assert.equal(await page.getAttribute('#sign-in-username', 'autocomplete'), 'username');
        assert.equal(await page.getAttribute('#sign-in-password', 'autocomplete'), 'current-password');
        await page.fill('#sign-in-username', ADMIN.username);
        await page.fill('#sign-in-password', 'not the password');
        await page.press('#sign-in-password', 'Enter');
        await page.waitForSelector('#sign-in-error:visible');
        assert.match(await page.textContent('#sign-in-error'), /Wrong username or password/);
        assert.equal(await page.isVisible('#app'), false);

        await signIn(page, ADMIN);
        const id = await newConversation(page, 'Signed-in chat');
        await waitForConnected(page);
        await page.fill('#composer-input', '[[mock reply=counter tokens=40 interval_ms=20]] count for me');
        await page.press('#composer-input', 'Enter');
        await page.waitForSelector('#messages .msg-assistant.live');
        await waitForReplyEnd(page);
        const text = await page.textContent('#messages .msg-assistant .msg-body');
        assert.match(text, /^token0 token1 token2/);
        assert.match(text, /token39/);
        assert.equal((await asContext(context, 'GET', `/api/conversations/${id}`)).status, 200);

        await openAccountMenuItem(page, '#menu-sign-out');
        await page.waitForSelector('#sign-in-form:visible');
        assert.equal(await page.isVisible('#app'), false);
        assert.equal(await page.evaluate(() => document.querySelectorAll('#conversation-list li').length), 0,
            'the conversations are gone from the page');
        assert.equal(await page.evaluate(() => location.search), '', 'signing out leaves the conversation');
        // The server closes the socket (1008) as it revokes the session, often before it
        // answers: still the user's own sign-out, not "You were signed out".
        assert.equal(await page.isVisible('#sign-in-notice'), false);
        assert.equal((await asContext(context, 'GET', '/api/conversations')).status, 401, 'the session is revoked');
        await page.reload();
        await page.waitForSelector('#sign-in-form:visible');
        assertClean(record, 'sign in and out');
        await context.close();
    });

    it('shows a new API key\'s secret once, lists the key without it, and deletes it', { timeout: TEST_TIMEOUT }, async () => {
        const { context, page, record } = await openPage(browser, stack);
        await signIn(page, ADMIN);
        await openAccountMenuItem(page, '#menu-keys');
        await page.waitForSelector('#keys-dialog[open]');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'key-name', 'focus on open');
        await page.fill('#key-name', 'e2e script');
        await page.press('#key-name', 'Enter');
        await page.waitForSelector('#key-secret:visible');
        const secret = await page.inputValue('#key-secret-value');
        assert.match(secret, /^mr_/);
        assert.equal(await page.getAttribute('#key-secret-value', 'readonly'), '');
        assert.match(await page.textContent('#key-secret'), /will not be shown again/);
        await page.click('#key-secret-copy');
        await page.waitForFunction(() => /Copied/.test(document.getElementById('key-secret-copied').textContent));
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
        // The key works, outside the browser.
        const bearer = { headers: { Authorization: `Bearer ${secret}` } };
        assert.equal((await stack.api('GET', '/api/conversations', undefined, bearer)).status, 200);

        // Listed without its secret; gone from the page once dismissed.
        await page.waitForSelector('#keys-list tr >> text=e2e script');
        assert.ok(!(await page.textContent('#keys-list')).includes(secret));
        await page.click('#key-secret-done');
        await page.waitForSelector('#key-secret', { state: 'hidden' });
        assert.equal(await page.evaluate((s) => document.documentElement.outerHTML.includes(s)
            || [...document.querySelectorAll('input')].some((i) => i.value === s), secret), false);
        await page.keyboard.press('Escape');
        await page.waitForSelector('#keys-dialog', { state: 'hidden' });
        await openAccountMenuItem(page, '#menu-keys');
        await page.waitForSelector('#keys-list tr >> text=e2e script');
        assert.equal(await page.isVisible('#key-secret'), false, 'not shown again');
        const listed = await asContext(context, 'GET', '/api/keys');
        assert.ok(!JSON.stringify(listed.data).includes(secret), 'the server does not list it either');

        // Delete, after a confirmation.
        await page.click('#keys-list tr:has-text("e2e script") button');
        await page.waitForSelector('#account-confirm[open]');
        assert.match(await page.textContent('#account-confirm-text'), /e2e script/);
        await page.click('#account-confirm-yes');
        await page.waitForFunction(() => !/e2e script/.test(document.getElementById('keys-list').textContent));
        await page.waitForSelector('#keys-empty:visible');
        assert.equal((await stack.api('GET', '/api/conversations', undefined, bearer)).status, 401);
        assertClean(record, 'keys');
        await context.close();
    });

    it('lets an admin add users, refuses what the server refuses, and delete them', { timeout: TEST_TIMEOUT }, async () => {
        const { context, page, record } = await openPage(browser, stack);
        await signIn(page, ADMIN);
        await openAccountMenuItem(page, '#menu-users');
        await page.waitForSelector('#users-dialog[open]');
        await page.waitForSelector(`#users-list tr >> text=${ADMIN.username}`);
        await page.fill('#user-username', USER.username);
        await page.fill('#user-new-password', USER.password);
        await page.press('#user-new-password', 'Enter');
        await page.waitForSelector(`#users-list tr >> text=${USER.username}`);
        // The same name again, in other letters: 409, shown beside the form.
        await page.fill('#user-username', USER.username.toUpperCase());
        await page.fill('#user-new-password', USER.password);
        await page.press('#user-new-password', 'Enter');
        await page.waitForSelector('#user-form-error:visible');
        // The last admin cannot stop being one: 409, and the role shown stays.
        const ownRole = `#users-list tr:has-text("${ADMIN.username}") select`;
        await page.selectOption(ownRole, 'user');
        await page.waitForSelector('#users-error:visible');
        assert.equal(await page.inputValue(ownRole), 'admin');
        // Deleting the last admin is refused too.
        await page.click(`#users-list tr:has-text("${ADMIN.username}") button:has-text("Delete")`);
        const refused = page.waitForResponse((r) => r.request().method() === 'DELETE');
        await page.click('#account-confirm-yes');
        assert.equal((await refused).status(), 409);
        await page.waitForFunction(() => /\S/.test(document.getElementById('users-error').textContent));
        await page.waitForSelector(`#users-list tr >> text=${ADMIN.username}`);
        assert.equal((await asContext(context, 'GET', '/api/auth/status')).data.user.username, ADMIN.username);

        // A user is made an admin and back, then deleted after a confirmation (Cancel first).
        const bobRole = `#users-list tr:has-text("${USER.username}") select`;
        await page.selectOption(bobRole, 'admin');
        await page.waitForFunction(() => /now an admin/.test(document.getElementById('users-note').textContent));
        await page.selectOption(bobRole, 'user');
        await page.waitForFunction(() => /now a user/.test(document.getElementById('users-note').textContent));
        await page.click(`#users-list tr:has-text("${USER.username}") button:has-text("Delete")`);
        await page.waitForSelector('#account-confirm[open]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('#account-confirm', { state: 'hidden' });
        assert.equal(await page.isVisible('#users-dialog'), true, 'Esc closed only the confirmation');
        assert.ok((await asContext(context, 'GET', '/api/users')).data.users.some((u) => u.username === USER.username));
        await page.click(`#users-list tr:has-text("${USER.username}") button:has-text("Delete")`);
        await page.click('#account-confirm-yes');
        await page.waitForFunction((name) => ![...document.querySelectorAll('#users-list .user-name')]
            .some((n) => n.textContent.startsWith(name)), USER.username);
        const users = (await asContext(context, 'GET', '/api/users')).data.users.map((u) => u.username);
        assert.deepEqual(users, [ADMIN.username]);
        assertClean(record, 'users');
        await context.close();
    });

    it('signs out every tab of a session ended elsewhere: 1008 on the socket, 401 on a request', { timeout: TEST_TIMEOUT }, async () => {
        // bob again: added by the admin, then changing his own password.
        const admin = await openPage(browser, stack);
        await signIn(admin.page, ADMIN);
        const added = await asContext(admin.context, 'POST', '/api/users', { ...USER, role: 'user' });
        assert.equal(added.status, 201);

        const { context, page, record } = await openPage(browser, stack);
        await signIn(page, USER);
        assert.equal(await page.isVisible('#menu-users'), false, 'no users page for a user');
        await openAccountMenuItem(page, '#menu-password');
        await page.waitForSelector('#password-dialog[open]');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'password-current');
        await page.fill('#password-current', 'not my password');
        await page.fill('#password-new', 'a brand new password');
        await page.fill('#password-repeat', 'a brand new password');
        await page.press('#password-repeat', 'Enter');
        await page.waitForSelector('#password-error:visible');
        assert.equal(await page.isVisible('#sign-in-form'), false, 'a wrong current password is no sign-out');
        await page.fill('#password-current', USER.password);
        await page.press('#password-repeat', 'Enter');
        await page.waitForSelector('#password-dialog', { state: 'hidden' });
        await page.waitForSelector('#notice:visible');
        assert.match(await page.textContent('#notice'), /Password changed/);

        // Two tabs of bob's session: one watching a conversation (socket open), one not.
        const id = await newConversation(page, 'Watched');
        await waitForConnected(page);
        const statusAsked = () => record.requests.filter((u) => u.endsWith('/api/auth/status')).length;
        const asked = statusAsked();
        const idle = await context.newPage();
        await idle.goto('/');
        await idle.waitForSelector('html[data-ready="true"]');

        // The admin sets bob a new password: his sessions are revoked.
        const bob = (await asContext(admin.context, 'GET', '/api/users')).data.users
            .find((u) => u.username === USER.username);
        const reset = await asContext(admin.context, 'PUT', `/api/users/${bob.id}`, { password: 'set by the admin' });
        assert.equal(reset.status, 200);
        // The watching tab hears 1008 "signed out" and shows the sign-in form at once.
        await page.waitForSelector('#sign-in-form:visible');
        assert.match(await page.textContent('#sign-in-notice'), /signed out/);
        assert.equal(await page.isVisible('#app'), false);
        assert.equal(new URL(page.url()).searchParams.get('c'), id, 'the conversation stays in the URL');
        // Signed out by the close itself: a page that missed the 1008 would have taken it for a
        // dropped connection and asked the status to find out.
        assert.equal(statusAsked(), asked, 'signed out by 1008 "signed out", not by asking');
        // The idle tab finds out from its next request's 401.
        await idle.click('#new-conversation');
        await idle.fill('#field-title', 'never made');
        await idle.click('#dialog-save');
        await idle.waitForSelector('#sign-in-form:visible');
        assert.equal(await idle.isVisible('#conversation-dialog'), false);
        // Signing in again brings the conversation back.
        await page.fill('#sign-in-username', USER.username);
        await page.fill('#sign-in-password', 'set by the admin');
        await page.press('#sign-in-password', 'Enter');
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'Watched');
        assertClean(record, 'ended elsewhere');
        await context.close();
        await admin.context.close();
    });

    it('says how long to wait after too many failed sign-ins', { timeout: TEST_TIMEOUT }, async () => {
        const { context, page, record } = await openPage(browser, stack);
        await page.goto('/');
        await page.waitForSelector('#sign-in-form:visible');
        let said = '';
        for (let attempt = 0; attempt < 10 && !/Try again in/.test(said); attempt += 1) {
            await page.fill('#sign-in-username', 'nobody-here');
            await page.fill('#sign-in-password', `wrong password ${attempt}`);
            const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
            await page.press('#sign-in-password', 'Enter');
            await answered;
            // The form is busy from the submit until the answer is drawn.
            await page.waitForSelector('#sign-in-form[aria-busy="false"]');
            said = await page.textContent('#sign-in-error');
        }
        assert.match(said, /^Too many failed sign-ins\. Try again in \d+ (s|min|h)/);
        assert.equal(await page.isDisabled('#sign-in-submit'), true, 'the form waits');
        assertClean(record, 'throttled');
        await context.close();
    });
});

describe('moodring page without accounts (mode none)', { timeout: 5 * 60_000 }, () => {
    let plain;

    before(async () => {
        plain = new Stack();
        await plain.start();
    });

    after(async () => {
        await plain?.stop();
    });

    it('shows today\'s page: no sign-in form, no account menu', { timeout: TEST_TIMEOUT }, async () => {
        const status = await plain.api('GET', '/api/auth/status');
        if (status.status === 200) assert.equal(status.data.mode, 'none');
        const { context, page, record } = await openPage(browser, plain);
        await page.goto('/#setup=not-a-token');
        await page.waitForSelector('html[data-ready="true"]');
        assert.equal(await page.getAttribute('html', 'data-screen'), 'chat');
        assert.equal(await page.isVisible('#app'), true);
        assert.equal(await page.isVisible('#auth-screen'), false);
        assert.equal(await page.isVisible('#account'), false);
        assert.equal(await page.evaluate(() => location.hash), '#setup=not-a-token', 'mode none leaves the URL alone');
        await page.click('#new-conversation');
        await page.fill('#field-title', 'No accounts here');
        await page.click('#dialog-save');
        await page.waitForFunction(() => document.getElementById('chat-title').textContent === 'No accounts here');
        assertClean(record, 'mode none');
        await context.close();
    });
});
