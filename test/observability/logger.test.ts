/** The logger's child binding, its sink level and `enabled`, and minted request ids across pool refills. */
import { describe, expect, it } from "vitest";
import { createLogger, type LogFields, type LogLevel } from "../../src/observability/logger";
import { mintRequestId, REQUEST_ID_LENGTH } from "../../src/observability/request-id";

describe("createLogger", () => {
  it("binds a child's fields to its lines only, and sends the sink only events at or above sinkLevel", () => {
    const lines: string[] = [];
    const sunk: [LogLevel, string, LogFields][] = [];
    const log = createLogger({
      level: "info",
      write: (line) => lines.push(line),
      sink: (level, msg, fields) => sunk.push([level, msg, fields]),
      sinkLevel: "warn",
    });
    const a = log.child({ requestId: "a" });
    const b = log.child({ requestId: "b" });
    a.info("one", { n: 1 });
    b.warn("two");
    log.debug("hidden");
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { level: "info", msg: "one", requestId: "a", n: 1 },
      { level: "warn", msg: "two", requestId: "b" },
    ]);
    expect(sunk).toEqual([["warn", "two", { requestId: "b" }]]);
  });

  it("says which levels go anywhere", () => {
    const off = createLogger({ level: "off", sink: () => {}, sinkLevel: "warn" });
    expect(off.enabled("info")).toBe(false);
    expect(off.enabled("warn")).toBe(true);
    expect(createLogger({ level: "off" }).enabled("error")).toBe(false);
    expect(createLogger({ level: "info", write: () => {} }).enabled("info")).toBe(true);
  });
});

describe("mintRequestId", () => {
  it("mints distinct [a-z0-9] ids of the fixed length, across many pool refills", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const id = mintRequestId();
      expect(id).toMatch(new RegExp(`^[a-z0-9]{${REQUEST_ID_LENGTH}}$`));
      ids.add(id);
    }
    expect(ids.size).toBe(500);
  });
});
