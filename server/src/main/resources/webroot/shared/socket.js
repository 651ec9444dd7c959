// A WebSocket that reconnects by itself. After a drop it waits 0.5 s, 1 s, 2 s ... up to 15 s (with jitter,
// so a restarted node is not hit by every desktop in the same millisecond) and tells the page through
// onStatus. Every (re)connection starts with the server's `hello`, on which pages re-read the true state:
// events missed while disconnected are never replayed, so re-reading is the only way to be right.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

export class ReconnectingSocket {
  constructor(url, { onMessage, onStatus }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.delay = FIRST_DELAY_MS;
    this.reconnects = 0;
    this.current = null;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    const ws = new WebSocket(this.url);
    this.current = ws;
    this.onStatus('connecting');
    ws.onopen = () => {
      if (ws !== this.current) return;
      this.delay = FIRST_DELAY_MS;
      this.onStatus('connected');
    };
    ws.onmessage = (e) => {
      // messages of a socket we already gave up on must not overwrite the re-read state
      if (ws === this.current) this.onMessage(JSON.parse(e.data));
    };
    ws.onclose = () => {
      if (ws === this.current) this.retry();
    };
  }

  retry() {
    this.current = null;
    if (this.stopped) return;
    const wait = this.delay * (0.75 + Math.random() * 0.5);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.reconnects += 1;
    this.onStatus('reconnecting');
    this.timer = setTimeout(() => this.open(), wait);
  }

  /** Writes a frame (JSON) if the socket is open; false if not (the page sends it again on the next hello). */
  send(frame) {
    const ws = this.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  /** Closes the connection as a network failure would (it reconnects); used by tests and by "retry now". */
  drop() {
    const ws = this.current;
    if (ws) {
      this.retry();
      ws.close();
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.current;
    this.current = null;
    if (ws) ws.close();
    this.onStatus('offline');
  }
}

/** ws:// or wss:// URL of an API path on this server, with the token as a query parameter. */
export function socketUrl(path, token) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}?access_token=${encodeURIComponent(token)}`;
}
