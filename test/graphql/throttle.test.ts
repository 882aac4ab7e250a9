/** GraphQL writes meet the same auth throttles as REST: sign-ups per IP and `oldPassword` guesses per account. */
import { exports } from "cloudflare:workers";
import { ClientError, GraphQLClient } from "graphql-request";
import { describe, expect, it } from "vitest";
import { freshIp, PASSWORD, signIn, signUp } from "../http/routes/auth-helpers";
import { GRAPHQL_URL } from "./helpers";

/** Sends one mutation from `ip` (and `token`); resolves with the first error's status, or 200. */
async function statusOf(ip: string, token: string | null, query: string, variables: object): Promise<number> {
  const client = new GraphQLClient(GRAPHQL_URL, {
    fetch: (input, init) => exports.default.fetch(new Request(input as RequestInfo, init)),
    headers: { "cf-connecting-ip": ip, ...(token ? { authorization: token } : {}) },
  });
  try {
    await client.request(query, variables);
    return 200;
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const first = error.response.errors?.[0] as { extensions?: { status?: number } } | undefined;
    return first?.extensions?.status ?? 0;
  }
}

const CREATE = "mutation ($d: JSON!) { users_create(data: $d) { id } }";

describe("GraphQL writes are throttled like REST", () => {
  it("sign-ups through users_create: the 21st from one IP is a 429", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const d = { email: `gql-mass${i}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD };
      statuses.push(await statusOf(ip, null, CREATE, { d }));
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses[20]).toBe(429);
  });

  it("oldPassword guesses through users_update and batch: the 11th is a 429", async () => {
    const id = await signUp("gql-guess@example.com");
    const { token } = await signIn("gql-guess@example.com");
    const ip = freshIp();
    const update = "mutation ($id: ID!, $d: JSON!) { users_update(id: $id, data: $d) { id } }";
    const body = (i: number) => ({
      oldPassword: `guess ${i}`,
      password: "new password!!",
      passwordConfirm: "new password!!",
    });
    for (let i = 0; i < 10; i++) expect(await statusOf(ip, token, update, { id, d: body(i) })).toBe(400);
    expect(await statusOf(ip, token, update, { id, d: body(10) })).toBe(429);
    const batch = "mutation ($r: [BatchRequest!]!) { batch(requests: $r) { status } }";
    const requests = [{ action: "update", collection: "users", id, data: body(11) }];
    expect(await statusOf(ip, token, batch, { r: requests })).toBe(429);
  });
});
