// The WebSocket half of PROTOCOL.md for one conversation: connect, reconnect with backoff
// after a drop, and hand every frame to the page.

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 15000;

/**
 * Events (callbacks in `handlers`):
 *   onState({state, retryInMs, attempt})  state: 'connecting' | 'open' | 'offline' | 'closed'
 *   onFrame(frame)                        every parsed server frame
 *   onOpen({reconnect})                   each time the socket opens
 *   onGone(message)                       the conversation does not exist: no reconnect
 *   onClose({code, reason})               the socket closed (before any reconnect is
 *                                         planned; close() from here stops it)
 */
export class ConversationSocket {
    constructor(conversationId, handlers, { url } = {}) {
        this.id = conversationId;
        this.handlers = handlers;
        this.url = url ?? ConversationSocket.urlFor(conversationId);
        this.ws = null;
        this.attempt = 0;
        this.opened = 0;
        this.timer = null;
        this.closed = false;
        this.gone = false;
        this.onOnline = () => this.retryNow();
        window.addEventListener('online', this.onOnline);
        this.connect();
    }

    static urlFor(id) {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        return `${scheme}//${location.host}/ws/${encodeURIComponent(id)}`;
    }

    get isOpen() {
        return this.ws?.readyState === WebSocket.OPEN;
    }

    connect() {
        if (this.closed) return;
        clearTimeout(this.timer);
        this.timer = null;
        this.emitState('connecting');
        let ws;
        try {
            ws = new WebSocket(this.url);
        } catch {
            this.scheduleReconnect();
            return;
        }
        this.ws = ws;
        ws.onopen = () => {
            if (ws !== this.ws) return;
            const reconnect = this.opened > 0;
            this.opened += 1;
            this.attempt = 0;
            this.emitState('open');
            this.handlers.onOpen?.({ reconnect });
        };
        ws.onmessage = (event) => {
            if (ws !== this.ws || typeof event.data !== 'string') return;
            let frame;
            try {
                frame = JSON.parse(event.data);
            } catch {
                return;
            }
            if (!frame || typeof frame !== 'object') return;
            if (frame.type === 'error' && frame.message === 'Conversation not found') {
                this.gone = true;
                this.handlers.onGone?.(frame.message);
                this.close();
                return;
            }
            this.handlers.onFrame?.(frame);
        };
        ws.onclose = (event) => {
            if (ws !== this.ws) return;
            this.ws = null;
            if (this.closed || this.gone) return;
            this.handlers.onClose?.({ code: event.code, reason: event.reason });
            if (this.closed) return;
            this.scheduleReconnect();
        };
        ws.onerror = () => {
            // onclose follows and decides.
        };
    }

    scheduleReconnect() {
        if (this.closed) return;
        const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** this.attempt);
        const delay = Math.round(base * (0.75 + Math.random() * 0.5));
        this.attempt += 1;
        this.emitState('offline', delay);
        this.timer = setTimeout(() => this.connect(), delay);
    }

    /** Skips the wait of a pending reconnect. */
    retryNow() {
        if (this.closed || this.isOpen || this.ws) return;
        this.connect();
    }

    emitState(state, retryInMs = 0) {
        this.handlers.onState?.({ state, retryInMs, attempt: this.attempt });
    }

    /** Sends one frame; false when the socket is not open (nothing is queued). */
    send(frame) {
        if (!this.isOpen) return false;
        this.ws.send(JSON.stringify(frame));
        return true;
    }

    close() {
        this.closed = true;
        clearTimeout(this.timer);
        window.removeEventListener('online', this.onOnline);
        const ws = this.ws;
        this.ws = null;
        if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
        this.emitState('closed');
    }
}
