/**
 * A small client of the Janus gateway's WebSocket API (the `janus-protocol` subprotocol): a
 * session, plugin handles, messages with their JSEP, trickled candidates. Only what the VideoRoom
 * tests use.
 */
import { WebSocket } from 'ws';

export interface JanusEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: string; sdp: string };
  data?: Record<string, unknown>;
  error?: { code: number; reason: string };
}

export class JanusSession {
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, { resolve: (e: JanusEvent) => void; reject: (e: Error) => void; untilEvent: boolean }>();
  readonly #handles = new Map<number, JanusHandle>();
  #id = 0;
  #next = 0;
  #keepalive: ReturnType<typeof setInterval> | null = null;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw) => this.#receive(JSON.parse(String(raw)) as JanusEvent));
    ws.on('close', () => {
      for (const p of this.#pending.values()) p.reject(new Error('the Janus WebSocket closed'));
      this.#pending.clear();
    });
  }

  /** Connects and creates a session. */
  static async connect(url: string): Promise<JanusSession> {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const s = new JanusSession(ws);
    const created = await s.request({ janus: 'create' });
    s.#id = created.data!.id as number;
    s.#keepalive = setInterval(() => void s.request({ janus: 'keepalive', session_id: s.#id }).catch(() => {}), 20_000);
    return s;
  }

  /** Sends a request; resolves with its answer (`success`, or the first event for async plugin messages). */
  request(body: Record<string, unknown>, untilEvent = false): Promise<JanusEvent> {
    const transaction = `t${++this.#next}`;
    if (this.#ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the Janus WebSocket is not open'));
    return new Promise((resolve, reject) => {
      this.#pending.set(transaction, {
        resolve: (e) => {
          if (e.janus === 'error') reject(new Error(`Janus: ${e.error?.reason}`));
          else resolve(e);
        },
        reject,
        untilEvent,
      });
      this.#ws.send(JSON.stringify({ ...body, transaction }));
    });
  }

  #receive(e: JanusEvent): void {
    if (process.env.JANUS_DEBUG) console.log(`${(performance.now() / 1000).toFixed(2)} janus <- ${JSON.stringify({ ...e, jsep: e.jsep ? { type: e.jsep.type } : undefined })}`);
    const p = e.transaction ? this.#pending.get(e.transaction) : undefined;
    if (p && !(e.janus === 'ack' && p.untilEvent)) {
      this.#pending.delete(e.transaction!);
      p.resolve(e);
      if (e.janus !== 'event') return;
    }
    if (e.sender !== undefined) this.#handles.get(e.sender)?.emit(e);
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const r = await this.request({ janus: 'attach', plugin, session_id: this.#id });
    const h = new JanusHandle(this, this.#id, r.data!.id as number);
    this.#handles.set(h.id, h);
    return h;
  }

  /** Destroys the session and closes the WebSocket (once; later calls do nothing). */
  async destroy(): Promise<void> {
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#keepalive = null;
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    await this.request({ janus: 'destroy', session_id: this.#id }).catch(() => {});
    this.#ws.close();
  }
}

export class JanusHandle {
  readonly id: number;
  readonly #session: JanusSession;
  readonly #sessionId: number;
  readonly #listeners = new Set<(e: JanusEvent) => void>();

  constructor(session: JanusSession, sessionId: number, id: number) {
    this.#session = session;
    this.#sessionId = sessionId;
    this.id = id;
  }

  emit(e: JanusEvent): void {
    for (const l of [...this.#listeners]) l(e);
  }

  on(listener: (e: JanusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The next event from this handle that `match` accepts. */
  next(match: (e: JanusEvent) => boolean, timeoutMs = 20_000): Promise<JanusEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('no matching Janus event in time'));
      }, timeoutMs);
      const off = this.on((e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  /** A plugin message; async requests resolve with the plugin's event (and its JSEP, if any). */
  message(body: Record<string, unknown>, jsep?: unknown): Promise<JanusEvent> {
    return this.#session.request({ janus: 'message', session_id: this.#sessionId, handle_id: this.id, body, ...(jsep ? { jsep } : {}) }, true);
  }

  trickle(candidate: unknown): void {
    void this.#session.request({ janus: 'trickle', session_id: this.#sessionId, handle_id: this.id, candidate: candidate ?? { completed: true } }).catch(() => {});
  }

  detach(): Promise<JanusEvent> {
    return this.#session.request({ janus: 'detach', session_id: this.#sessionId, handle_id: this.id });
  }
}
