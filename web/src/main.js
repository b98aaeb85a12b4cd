// The moodring page's wiring. The socket, REST calls, timers and browser events live here;
// each of them hands what happened to page_state.js, which answers with the new state and a
// list of effects. The state is drawn by the views; the effects are performed below.
// account.js decides, before and after, whether the chat is shown at all (mode `accounts`).

import { createAccount } from './account.js';
import { api, ApiError } from './api.js';
import { createConversationMenu } from './conversation_menu.js';
import { createDialogs } from './dialogs.js';
import { createMessageActions } from './message_actions.js';
import {
    connectionChanged,
    connectionOpened,
    conversationDeleted,
    conversationGone,
    conversationListFailed,
    conversationListLoaded,
    conversationLoaded,
    conversationLoadFailed,
    conversationSelected,
    conversationUpdated,
    frameReceived,
    initialState,
    isBusy,
    resumeCheckDue,
    statusShown,
    turnSent,
} from './page_state.js';
import { ConversationSocket } from './socket.js';
import { createComposerView } from './views/composer.js';
import { createConversationListView } from './views/conversation_list.js';
import { byId, dialogOpen, phoneLayout } from './views/dom.js';
import { createHeaderView } from './views/header.js';
import { createLiveReplyView } from './views/live_reply.js';
import { createMessagesView } from './views/messages.js';
import { createModelPicker } from './views/model_picker.js';
import { createMoodView } from './views/mood.js';
import { createNoticesView } from './views/notices.js';
import { createSearchBox } from './views/search_box.js';
import { createSidebarView } from './views/sidebar.js';
import { PAGE_WORDS } from './words.js';

/**
 * How long after connecting the page waits for the `start` of a reply stored as `streaming`
 * before it asks for the stored copy again. The server sends that `start` as soon as the
 * socket is subscribed, so this only covers the subscription itself; no server setting.
 */
const RESUME_CHECK_MS = 1500;
/** List refreshes asked for within this long are one request. */
const LIST_REFRESH_COALESCE_MS = 150;
/** A `?c=` longer than this is no conversation id (the server's are UUIDs). */
const MAX_URL_ID_LENGTH = 200;

let state = initialState();
let socket = null;
/** Counts the chat's starts and stops: an answer to an older one is dropped. */
let chatEpoch = 0;

const notices = createNoticesView();
const composer = createComposerView();
const liveReply = createLiveReplyView({ onRendered: () => messages.followLatest() });
const messageTools = createMessageActions({ state: () => state, dispatch, sendTurnFrame });
const messages = createMessagesView({
    liveReply,
    tools: messageTools,
    onJump: () => composer.input.focus(),
});
const header = createHeaderView();
const mood = createMoodView();
const sidebar = createSidebarView();
const conversationList = createConversationListView({ onChoose: (id) => selectConversation(id) });
const searchBox = createSearchBox({ onOpen: openFound });
const conversationMenu = createConversationMenu({
    notify: (text, options) => notices.notify(text, options),
    onImported: afterImport,
});
const modelPicker = createModelPicker({ loadModels: () => api.listModels(), onChoose: chooseModel });
const dialogs = createDialogs({
    current: () => state.current,
    notify: (text, options) => notices.notify(text, options),
    onSaved: afterSave,
    onDeleted: afterDelete,
});
const account = createAccount({
    start: () => startChat().catch(failedToStart),
    stop: stopChat,
    notify: (text) => notices.notify(text),
});

// ---------------------------------------------------------------- state, views, effects

function render() {
    liveReply.sync(state.live);
    mood.render(state);
    header.render(state);
    conversationList.render(state);
    searchBox.render(state);
    conversationMenu.render(state);
    modelPicker.render(state);
    messages.render(state);
    messageTools.sync(state);
    composer.render(state);
    notices.render(state);
}

const EFFECTS = {
    'open-socket': () => openSocket(state.current.id),
    'close-socket': closeSocket,
    'fetch-conversation': () => loadConversation(state.current?.id),
    'refresh-list': refreshListSoon,
    'set-url': ({ id, push }) => setUrl(id, { push }),
    notify: ({ text }) => notices.notify(text),
    'restore-draft': ({ text }) => composer.restoreDraft(text),
    'measure-first-token': measureFirstToken,
    'scroll-to-bottom': () => messages.followLatest(true),
    'focus-composer': () => composer.render(state, { refocus: true }),
};

/** Takes `{state, effects}` from page_state.js: draws the new state, then performs the effects. */
function dispatch(outcome) {
    state = outcome.state;
    render();
    for (const effect of outcome.effects) EFFECTS[effect.type](effect);
}

// ---------------------------------------------------------------- URL

function idFromUrl() {
    const id = new URLSearchParams(location.search).get('c');
    return id && id.length <= MAX_URL_ID_LENGTH ? id : null;
}

function setUrl(id, { push }) {
    const url = new URL(location.href);
    if (id) url.searchParams.set('c', id);
    else url.searchParams.delete('c');
    if (url.href === location.href) return;
    if (push) history.pushState({ c: id }, '', url);
    else history.replaceState({ c: id }, '', url);
}

// ---------------------------------------------------------------- REST

async function loadConversationList() {
    const epoch = chatEpoch;
    let conversations;
    try {
        conversations = await api.listConversations();
    } catch (err) {
        if (epoch === chatEpoch) dispatch(conversationListFailed(state, err));
        return;
    }
    if (epoch === chatEpoch) dispatch(conversationListLoaded(state, conversations));
}

let listRefreshTimer = null;
function refreshListSoon() {
    clearTimeout(listRefreshTimer);
    listRefreshTimer = setTimeout(loadConversationList, LIST_REFRESH_COALESCE_MS);
}

async function loadConversation(id) {
    if (!id) return;
    const epoch = chatEpoch;
    let conversation;
    try {
        conversation = await api.getConversation(id);
    } catch (err) {
        if (epoch === chatEpoch) dispatch(conversationLoadFailed(state, id, err));
        return;
    }
    if (epoch === chatEpoch) dispatch(conversationLoaded(state, id, conversation));
}

async function selectConversation(id, { push = true } = {}) {
    if (state.current?.id === id && socket) return;
    dispatch(conversationSelected(state, id));
    setUrl(id, { push });
    sidebar.closeOnPhone();
    await loadConversation(id);
}

async function afterSave(id, { edited }) {
    await loadConversationList();
    if (edited && state.current?.id === id) await loadConversation(id);
    else await selectConversation(id);
    composer.input.focus();
}

/** A search result: its conversation, scrolled to the matched message. */
async function openFound(id, messageId) {
    await selectConversation(id);
    if (state.current?.id === id && state.current.loaded) messages.reveal(messageId);
}

async function afterImport(id) {
    await loadConversationList();
    await selectConversation(id);
}

/** The model picker's choice (a name, or null for the server's default); true when saved. */
async function chooseModel(model) {
    const id = state.current?.id;
    if (!id) return false;
    try {
        dispatch(conversationUpdated(state, id, await api.updateConversation(id, { model })));
        return true;
    } catch (err) {
        notices.notify(`Could not change the model: ${err.message}`);
        return false;
    }
}

async function afterDelete(id) {
    dispatch(conversationDeleted(state, id));
    await loadConversationList();
    byId('new-conversation').focus();
}

// ---------------------------------------------------------------- socket

function openSocket(id) {
    socket = new ConversationSocket(id, {
        onState: ({ state: connection, retryInMs }) => {
            dispatch(connectionChanged(state, id, { connection, retryInMs }));
            if (connection === 'offline') account.connectionLost();
        },
        onClose: (close) => account.socketClosed(close),
        onOpen: ({ reconnect }) => {
            dispatch(connectionOpened(state, id, { reconnect }));
            setTimeout(() => dispatch(resumeCheckDue(state, id)), RESUME_CHECK_MS);
        },
        onGone: () => dispatch(conversationGone(state, id)),
        onFrame: (frame) => dispatch(frameReceived(state, id, frame)),
    });
}

function closeSocket() {
    const closing = socket;
    socket = null;
    closing?.close();
}

// ---------------------------------------------------------------- composer

function newRequestId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function markSend() {
    performance.clearMarks('moodring:send');
    performance.clearMarks('moodring:first-chunk');
    performance.clearMeasures('moodring:first-token');
    performance.mark('moodring:send');
}

function measureFirstToken() {
    performance.mark('moodring:first-chunk');
    try {
        performance.measure('moodring:first-token', 'moodring:send', 'moodring:first-chunk');
    } catch {
        // no send mark: nothing to measure
    }
}

/**
 * Sends a turn's frame (a message, regenerate, edit) with a new `request_id`; returns the
 * id, or null when the socket is not open (the status line says so).
 */
function sendTurnFrame(frame) {
    if (!socket?.isOpen) {
        dispatch(statusShown(state, PAGE_WORDS.offlineCannotSend, 'error'));
        return null;
    }
    const requestId = newRequestId();
    markSend();
    if (!socket.send({ ...frame, request_id: requestId })) {
        dispatch(statusShown(state, PAGE_WORDS.droppedWhileSending, 'error'));
        return null;
    }
    return requestId;
}

function sendMessage() {
    const text = composer.text;
    if (!text.trim() || !state.current || isBusy(state)) return;
    const requestId = sendTurnFrame({ message: text });
    if (!requestId) return;
    composer.clear();
    dispatch(turnSent(state, { text, requestId, now: new Date().toISOString() }));
}

function stopReply() {
    if (!isBusy(state)) return;
    if (socket?.send({ type: 'cancel' })) dispatch(statusShown(state, PAGE_WORDS.stopping));
}

// ---------------------------------------------------------------- browser events

function reloadListIfEmpty() {
    if (account.chatShown && !state.conversations.length) loadConversationList();
}

function wire() {
    window.addEventListener('popstate', () => {
        if (account.chatShown) selectConversation(idFromUrl(), { push: false });
    });
    byId('composer').addEventListener('submit', (event) => {
        event.preventDefault();
        sendMessage();
    });
    composer.input.addEventListener('keydown', (event) => {
        const composing = event.isComposing || event.keyCode === 229; // an IME is at work
        if (event.key === 'Enter' && !event.shiftKey && !composing) {
            event.preventDefault();
            sendMessage();
        }
    });
    composer.input.addEventListener('input', composer.autosize);
    byId('stop').addEventListener('click', stopReply);
    byId('retry-now').addEventListener('click', () => {
        socket?.retryNow();
        reloadListIfEmpty();
    });
    document.addEventListener('keydown', (event) => {
        if (event.key !== 'Escape' || dialogOpen()) return;
        if (!sidebar.closeDrawerFromKeyboard() && isBusy(state)) stopReply();
    });
    document.addEventListener('visibilitychange', () => {
        if (!document.hidden && state.live) liveReply.renderNow();
    });
    window.addEventListener('online', reloadListIfEmpty);
}

// ---------------------------------------------------------------- starting and stopping

/** Today's page: the list, and the conversation of the URL. */
async function startChat() {
    chatEpoch += 1;
    const epoch = chatEpoch;
    const listLoaded = loadConversationList();
    const id = idFromUrl();
    if (id) await selectConversation(id, { push: false });
    await listLoaded;
    if (epoch === chatEpoch) document.documentElement.dataset.ready = 'true';
}

/** Signed out: nothing of the conversations stays, on screen or in memory. */
function stopChat({ clearUrl = false } = {}) {
    chatEpoch += 1;
    closeSocket();
    clearTimeout(listRefreshTimer);
    dialogs.close();
    conversationMenu.close();
    searchBox.reset();
    composer.clear();
    state = initialState();
    render();
    delete document.documentElement.dataset.ready;
    if (clearUrl) setUrl(null, { push: false });
}

function failedToStart(err) {
    const text = err instanceof ApiError ? err.message : PAGE_WORDS.failedToStart;
    dispatch(statusShown(state, text, 'error'));
}

async function boot() {
    wire();
    sidebar.setOpen(!phoneLayout());
    render();
    await account.start();
}

boot().catch(failedToStart);
