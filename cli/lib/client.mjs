/** A small superuser API client over fetch: signs in once, maps failures to CLI errors with exit codes. */
import { CliError, EXIT } from "./errors.mjs";

/**
 * @typedef {import("./target.mjs").Target} Target
 */

/** Milliseconds before a request counts as unreachable. */
const TIMEOUT_MS = 30_000;

/** The header of the whole schema's ETag (src/http/routes/collections.ts). */
const SCHEMA_ETAG_HEADER = "x-edgebase-schema-etag";

/**
 * One request; network failures become {@link EXIT.unreachable}.
 * @param {string} url
 * @param {RequestInit} init
 */
async function send(url, init) {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(
      `Cannot reach ${new URL(url).origin} (${reason}). Is the server running (\`npm run dev\`) and EDGEBASE_URL right?`,
      EXIT.unreachable,
    );
  }
}

/**
 * The message of an error response (the API's `{status, message, data}` shape, or the raw text).
 * @param {Response} res
 */
async function errorText(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    const details = body.data && Object.keys(body.data).length > 0 ? ` ${JSON.stringify(body.data)}` : "";
    return `${body.message ?? text}${details}`;
  } catch {
    return text.slice(0, 500);
  }
}

/** A signed-in superuser session against one instance. */
export class ApiClient {
  /** @type {Target} */
  #target;
  /** @type {string | undefined} */
  #token;

  /** @param {Target} target */
  constructor(target) {
    this.#target = target;
    this.#token = target.token;
  }

  /**
   * The schema ETag of the latest response that carried one (`x-edgebase-schema-etag`): the version the
   * collections were read at, which an import sends as `If-Match`.
   * @type {string | undefined}
   */
  schemaEtag = undefined;

  /** The base URL. */
  get url() {
    return this.#target.url;
  }

  async #signIn() {
    if (this.#token) return this.#token;
    const res = await send(`${this.#target.url}/api/collections/_superusers/auth-with-password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity: this.#target.email, password: this.#target.password }),
    });
    if (res.status === 429) {
      throw new CliError(
        `Superuser sign-in is rate limited (retry after ${res.headers.get("retry-after") ?? "a while"} s). Set EDGEBASE_TOKEN to a superuser token to avoid signing in on every command.`,
        EXIT.auth,
      );
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new CliError(
        `Superuser sign-in failed: ${await errorText(res)} Check the credentials.`,
        EXIT.auth,
      );
    }
    if (!res.ok) throw new CliError(`Superuser sign-in failed (${res.status}): ${await errorText(res)}`);
    const body = /** @type {{ token?: unknown }} */ (await res.json());
    this.#token = String(body.token);
    return this.#token;
  }

  /**
   * Sends a request as the superuser (a JSON body, or bytes); returns the parsed body (undefined for 204).
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {Record<string, string>} [extraHeaders]
   * @returns {Promise<any>}
   */
  async request(method, path, body, extraHeaders = {}) {
    const token = await this.#signIn();
    /** @type {Record<string, string>} */
    const headers = { ...extraHeaders, authorization: `Bearer ${token}` };
    // Bytes go as they are (their content type in extraHeaders); anything else as JSON.
    const raw = body instanceof Uint8Array;
    if (body !== undefined && !raw) headers["content-type"] = "application/json";
    const res = await send(`${this.#target.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    if (res.status === 401 || res.status === 403) {
      throw new CliError(`${method} ${path} was refused (${res.status}): ${await errorText(res)}`, EXIT.auth);
    }
    if (res.status === 412) {
      throw new CliError(
        `${method} ${path}: the server's collections changed since they were read; nothing was applied. Run the command again.`,
      );
    }
    if (!res.ok) throw new CliError(`${method} ${path} failed (${res.status}): ${await errorText(res)}`);
    const etag = res.headers.get(SCHEMA_ETAG_HEADER);
    if (etag) this.schemaEtag = etag;
    return res.status === 204 ? undefined : res.json();
  }

  /**
   * Reads a text resource as the superuser (the GraphQL SDL, say).
   * @param {string} path
   * @returns {Promise<string>}
   */
  async text(path) {
    const token = await this.#signIn();
    const res = await send(`${this.#target.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 401 || res.status === 403) {
      throw new CliError(`GET ${path} was refused (${res.status}): ${await errorText(res)}`, EXIT.auth);
    }
    if (!res.ok) throw new CliError(`GET ${path} failed (${res.status}): ${await errorText(res)}`);
    return res.text();
  }

  /**
   * Sends a raw request as the superuser (binary bodies, multipart forms) and returns the response when it is
   * a 2xx; failures become CLI errors like {@link request}'s.
   * @param {string} method
   * @param {string} path
   * @param {RequestInit} [init]
   * @param {number} [timeoutMs] long transfers get more than the default
   * @returns {Promise<Response>}
   */
  async raw(method, path, init = {}, timeoutMs = TIMEOUT_MS) {
    const token = await this.#signIn();
    const headers = { ...init.headers, authorization: `Bearer ${token}` };
    let res;
    try {
      res = await fetch(`${this.#target.url}${path}`, {
        ...init,
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(`${method} ${path}: ${reason}`, EXIT.unreachable);
    }
    if (res.status === 401 || res.status === 403) {
      throw new CliError(`${method} ${path} was refused (${res.status}): ${await errorText(res)}`, EXIT.auth);
    }
    if (!res.ok) throw new CliError(`${method} ${path} failed (${res.status}): ${await errorText(res)}`);
    return res;
  }

  /** Every collection definition (all pages). */
  async collections() {
    // Pages read across a schema change would mix two versions: read again until every page has one ETag.
    for (let attempt = 0; attempt < 3; attempt++) {
      /** @type {Record<string, unknown>[]} */
      const out = [];
      /** @type {Set<string | undefined>} */
      const etags = new Set();
      for (let page = 1; ; page++) {
        const body = /** @type {{ items: Record<string, unknown>[], totalPages: number }} */ (
          await this.request("GET", `/api/collections?page=${page}&perPage=200&sort=name`)
        );
        etags.add(this.schemaEtag);
        out.push(...body.items);
        if (page >= body.totalPages || body.items.length === 0) break;
      }
      if (etags.size === 1) return out;
    }
    throw new CliError("The server's collections kept changing while they were read; try again.");
  }
}
