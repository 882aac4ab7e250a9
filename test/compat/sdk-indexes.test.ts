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
});
