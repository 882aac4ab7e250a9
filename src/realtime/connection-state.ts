/** Per-connection state: kept in the WebSocket attachment (survives hibernation), spilled to SQLite past 2 KB. */
import type { AuthRecord } from "../rules/context";
import type { ConnectInfo, Subscription } from "./protocol";
import type { HubKey } from "./topics";

/** Attachments are capped by the platform at 2,048 bytes. */
export const MAX_ATTACHMENT_BYTES = 2_048;

/** Everything a hub knows about one connection. */
export interface ConnectionState {
  id: string;
  /** The registry objects counting this connection (connection-limits.ts), released when it ends. */
  leases?: string[];
  hub: HubKey;
  auth: AuthRecord | null;
  since?: number;
  limits: ConnectInfo["limits"];
  room?: ConnectInfo["room"];
  headers: Record<string, string>;
  /** The access token's `exp` in seconds (null: authenticated without a token, or a guest). */
  tokenExp?: number | null;
  subs: Subscription[];
}

type Attachment = ConnectionState | { id: string; spilled: true };

/** Reads and writes connection state for one hub; the SQLite table holds the states too big for attachments. */
export class ConnectionStates {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS conn_state (id TEXT PRIMARY KEY, json TEXT NOT NULL)");
  }

  /** Stores `state` in the attachment when it fits, else in SQLite with a pointer in the attachment. */
  save(ws: WebSocket, state: ConnectionState): void {
    const json = JSON.stringify(state);
    if (new TextEncoder().encode(json).length <= MAX_ATTACHMENT_BYTES) {
      ws.serializeAttachment(state);
      this.#sql.exec("DELETE FROM conn_state WHERE id = ?", state.id);
      return;
    }
    this.#sql.exec("INSERT OR REPLACE INTO conn_state (id, json) VALUES (?, ?)", state.id, json);
    ws.serializeAttachment({ id: state.id, spilled: true } satisfies Attachment);
  }

  /** The state of a socket, or undefined for one accepted without state. */
  load(ws: WebSocket): ConnectionState | undefined {
    const att = ws.deserializeAttachment() as Attachment | null;
    if (!att) return undefined;
    if (!("spilled" in att)) return att;
    const row = this.#sql
      .exec<{ json: string }>("SELECT json FROM conn_state WHERE id = ?", att.id)
      .toArray()[0];
    return row ? (JSON.parse(row.json) as ConnectionState) : undefined;
  }

  /** Forgets a closed connection's spilled state. */
  drop(id: string): void {
    this.#sql.exec("DELETE FROM conn_state WHERE id = ?", id);
  }

  /** Deletes spilled states of connections that no longer exist (after a restart dropped their sockets). */
  prune(liveIds: ReadonlySet<string>): void {
    for (const row of this.#sql.exec<{ id: string }>("SELECT id FROM conn_state").toArray()) {
      if (!liveIds.has(row.id)) this.drop(row.id);
    }
  }
}
