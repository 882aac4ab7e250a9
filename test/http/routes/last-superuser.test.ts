/**
 * PocketBase's rule that the only superuser cannot be deleted: alone, and in a batch (where both deletes pass the
 * pre-check and the count in the DELETE's WHERE refuses the second, so the batch fails whole).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authed, createSuperuser, type Json, signIn } from "./auth-helpers";

async function superuserIds(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id FROM _superusers ORDER BY id").all<{ id: string }>();
  return results.map((r) => r.id);
}

async function onlyThese(emails: string[]): Promise<{ token: string; ids: string[] }> {
  await env.DB.prepare("DELETE FROM _superusers").run();
  for (const email of emails) await createSuperuser(email);
  const { token } = await signIn(emails[0] as string, "_superusers");
  return { token, ids: await superuserIds() };
}

const del = (token: string, id: string) =>
  authed(token, `/api/collections/_superusers/records/${id}`, { method: "DELETE" });

describe("the only superuser", () => {
  it("cannot be deleted (400 with PocketBase's message); another one can, down to one", async () => {
    const { token, ids } = await onlyThese(["last-a@example.com", "last-b@example.com"]);
    const me = (await signIn("last-a@example.com", "_superusers")).record.id as string;
    const other = ids.find((id) => id !== me) as string;

    expect((await del(token, other)).status).toBe(204);
    const refused = await del(token, me);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as Json;
    expect(body).toMatchObject({ status: 400, message: "You can't delete the only existing superuser" });
    expect(body.data).toEqual({});
    expect(await superuserIds()).toEqual([me]);
  });

  it("an unknown id is still a 404", async () => {
    const { token } = await onlyThese(["last-c@example.com"]);
    expect((await del(token, "nosuchrecord000")).status).toBe(404);
  });

  it("a batch deleting every superuser is refused whole: nothing is deleted", async () => {
    const { token, ids } = await onlyThese(["last-f@example.com", "last-g@example.com"]);
    const res = await authed(token, "/api/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        requests: ids.map((id) => ({ method: "DELETE", url: `/api/collections/_superusers/records/${id}` })),
      }),
    });
    expect(res.status).toBe(400);
    expect(await superuserIds()).toEqual(ids);
  });
});
