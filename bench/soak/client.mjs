/** The soak's HTTP client: every request is timed and counted per operation, with 5xx request ids kept. */

/** Per-request timeout: a request still unanswered after this counts as status 0 (its outcome unknown). */
const TIMEOUT_MS = 20_000;

/** @typedef {{ status: number, body: any, headers: Headers, ms: number }} Reply */
/** @typedef {{ count: number, statuses: Record<string, number>, ms: number[], errors: string[] }} OpStats */

/** Counts and times every request by operation name. */
export class Recorder {
  /** @type {Map<string, OpStats>} */
  ops = new Map();
  /** Request ids and summaries of every 5xx, to match with the Worker's logged lines. */
  /** @type {{ op: string, status: number, requestId: string, message: string }[]} */
  serverErrors = [];
  /** Requests answered 409 or 412 that carried no If-Match header. */
  /** @type {{ op: string, status: number, message: string }[]} */
  conflictsWithoutIfMatch = [];

  /**
   * @param {string} op
   * @param {number} status
   * @param {number} ms
   * @param {string} [error] a refused request's message: the first few distinct ones per operation are kept
   */
  add(op, status, ms, error) {
    let s = this.ops.get(op);
    if (!s) {
      s = { count: 0, statuses: {}, ms: [], errors: [] };
      this.ops.set(op, s);
    }
    s.count++;
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
    s.ms.push(ms);
    if (error && s.errors.length < 3 && !s.errors.includes(error)) s.errors.push(error);
  }
}

/**
 * A client bound to one base URL and recorder.
 * @param {string} base
 * @param {Recorder} recorder
 */
export function createClient(base, recorder) {
  /**
   * Sends one request and records it under `op`. Never throws: a network error or timeout is status 0.
   * @param {string} op
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, token?: string, headers?: Record<string, string> }} [options]
   * @returns {Promise<Reply>}
   */
  async function call(op, method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = { ...options.headers };
    if (options.token) headers.authorization = options.token;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const started = performance.now();
    let status = 0;
    let body = null;
    let resHeaders = new Headers();
    try {
      const res = await fetch(base + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      resHeaders = res.headers;
      const text = await res.text();
      body = text ? safeJson(text) : null;
    } catch (error) {
      body = { message: String(error) };
    }
    const ms = performance.now() - started;
    const message = typeof body?.message === "string" ? body.message : "";
    const detail =
      status >= 400 || status === 0
        ? `${status} ${message} ${JSON.stringify(body?.data ?? {})}`.slice(0, 240)
        : undefined;
    recorder.add(op, status, ms, detail);
    if (status >= 500 || status === 0) {
      recorder.serverErrors.push({
        op,
        status,
        requestId: resHeaders.get("x-request-id") ?? "",
        message: message.slice(0, 200),
      });
    }
    const ifMatch = Object.keys(headers).some((h) => h.toLowerCase() === "if-match");
    if ((status === 409 || status === 412) && !ifMatch)
      recorder.conflictsWithoutIfMatch.push({ op, status, message: message.slice(0, 200) });
    return { status, body, headers: resHeaders, ms };
  }
  return { base, call };
}

/** @typedef {ReturnType<typeof createClient>} Client */

/** @param {string} text */
function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
