/** Expression indexes through the pocketbase SDK (issue 22): parsed, rebuilt and enforced by D1. */
import { env } from "cloudflare:workers";
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { createSuperuser, PASSWORD } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

let root: PocketBase;

beforeAll(async () => {
  await createSuperuser("root@indexes.test");
  root = sdkClient();
  await root.collection("_superusers").authWithPassword("root@indexes.test", PASSWORD);
});

describe("expression indexes", () => {
  it("a unique lower(label) index is stored rebuilt and refuses a case-only duplicate", async () => {
    const tags = await root.collections.create({
      name: "ix_tags",
      listRule: "",
      createRule: "",
      fields: [
        { name: "label", type: "text" },
        { name: "meta", type: "json" },
      ],
      indexes: [
        "CREATE UNIQUE INDEX idx_ix_label ON ix_tags (LOWER(label)) WHERE label != ''",
        "CREATE INDEX idx_ix_kind ON ix_tags (json_extract(meta, '$.kind'))",
      ],
    });
    expect(tags.indexes).toEqual([
      "CREATE UNIQUE INDEX `idx_ix_label` ON `ix_tags` (lower(`label`)) WHERE `label` != ''",
      "CREATE INDEX `idx_ix_kind` ON `ix_tags` (json_extract(`meta`, '$.kind'))",
    ]);
    const sql = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'idx_ix_label'").first<{
      sql: string;
    }>();
    expect(sql?.sql).toContain("lower(`label`)");

    const pb = sdkClient();
    await pb.collection("ix_tags").create({ label: "Edge" });
    await expect(pb.collection("ix_tags").create({ label: "EDGE" })).rejects.toMatchObject({ status: 400 });
    await pb.collection("ix_tags").create({ label: "" });
    await pb.collection("ix_tags").create({ label: "" });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM ix_tags").first<{ n: number }>();
    expect(count?.n).toBe(3);
  });

  it("refuses functions outside the list and bad paths at indexes.N, creating nothing", async () => {
    await expect(
      root.collections.create({
        name: "ix_bad",
        fields: [{ name: "label", type: "text" }],
        indexes: [
          "CREATE INDEX idx_ok ON ix_bad (label)",
          "CREATE INDEX idx_bad ON ix_bad (random(label))",
          "CREATE INDEX idx_bad2 ON ix_bad (json_extract(label, '$) --'))",
        ],
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        data: {
          "indexes.1": { code: "validation_invalid_index" },
          "indexes.2": { code: "validation_invalid_index" },
        },
      },
    });
    await expect(root.collections.getOne("ix_bad")).rejects.toMatchObject({ status: 404 });
  });

  it("auth emails are unique whatever their case in D1 too, so racing sign-ups cannot both land", async () => {
    const members = await root.collections.create({ name: "ix_members", type: "auth", createRule: "" });
    expect(members.indexes).toContain(
      `CREATE UNIQUE INDEX \`idx_email_${members.id}\` ON \`ix_members\` (lower(\`email\`)) WHERE \`email\` != ''`,
    );
    const variants = ["Race@Example.com", "race@example.com", "RACE@EXAMPLE.COM", "race@Example.COM"];
    const results = await Promise.allSettled(
      variants.map((email) =>
        sdkClient().collection("ix_members").create({ email, password: PASSWORD, passwordConfirm: PASSWORD }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 400 });
    }
    // The database itself refuses what the write path's check would miss in a race.
    await expect(
      env.DB.prepare(
        "INSERT INTO ix_members (id, email, tokenKey) VALUES ('racer0000000001', 'rAcE@example.com', 'k1')",
      ).run(),
    ).rejects.toThrow(/UNIQUE/);
    await env.DB.prepare(
      "INSERT INTO ix_members (id, email, tokenKey) VALUES ('blank0000000001', '', 'k2')",
    ).run();
    await env.DB.prepare(
      "INSERT INTO ix_members (id, email, tokenKey) VALUES ('blank0000000002', '', 'k3')",
    ).run();
  });

  it("_superusers has it from migration 0009; users (an older auth collection) from the first schema load", async () => {
    const sql = async (name: string) =>
      (
        await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = ?")
          .bind(name)
          .first<{ sql: string }>()
      )?.sql;
    expect(await sql("idx_email_pbc_3142635823")).toContain("lower(`email`)");
    expect((await root.collections.getOne("_superusers")).indexes).toContain(
      "CREATE UNIQUE INDEX `idx_email_pbc_3142635823` ON `_superusers` (lower(`email`)) WHERE `email` != ''",
    );
    // `users` comes from migration 0001 with the case-sensitive index; no save was needed to upgrade it.
    expect((await root.collections.getOne("users")).indexes).toContain(
      "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (lower(`email`)) WHERE `email` != ''",
    );
    expect(await sql("idx_email__pb_users_auth_")).toContain("lower(`email`)");
    const first = await sdkClient()
      .collection("users")
      .create({ email: "Same@example.com", password: PASSWORD, passwordConfirm: PASSWORD });
    expect(first.id).toHaveLength(15);
    await expect(
      sdkClient()
        .collection("users")
        .create({ email: "same@EXAMPLE.com", password: PASSWORD, passwordConfirm: PASSWORD }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
