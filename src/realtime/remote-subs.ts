/** SSE subscriptions a hub holds for RealtimeClient objects, persisted in the hub's SQLite. */
import type { AuthRecord } from "../rules/context";
import type { Subscription } from "./protocol";

/** One SSE client's subscriptions on this hub. */
export interface RemoteClient {
  auth: AuthRecord | null;
  subs: Subscription[];
  /** The access token's `exp` in seconds (of the latest `POST /api/realtime`); the stream ends once passed. */
  tokenExp?: number | null;
}

/** Table-backed map of client id → subscriptions, mirrored in memory for matching. */
export class RemoteSubscriptions {
  readonly #sql: SqlStorage;
  readonly clients = new Map<string, RemoteClient>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS remote_clients (id TEXT PRIMARY KEY, json TEXT NOT NULL)");
    for (const row of sql.exec<{ id: string; json: string }>("SELECT id, json FROM remote_clients")) {
      this.clients.set(row.id, JSON.parse(row.json) as RemoteClient);
    }
  }

  /** Replaces a client's subscriptions on this hub; an empty list forgets the client. */
  set(clientId: string, client: RemoteClient): void {
    if (client.subs.length === 0) {
      this.delete(clientId);
      return;
    }
    this.clients.set(clientId, client);
    this.#sql.exec(
      "INSERT OR REPLACE INTO remote_clients (id, json) VALUES (?, ?)",
      clientId,
      JSON.stringify(client),
    );
  }

  /** Forgets a client (its stream ended or it was de-authorized). */
  delete(clientId: string): void {
    this.clients.delete(clientId);
    this.#sql.exec("DELETE FROM remote_clients WHERE id = ?", clientId);
  }
}
