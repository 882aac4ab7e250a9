/** The soak's report: per-operation table, realtime and memory summaries, and the failed checks (exit code). */
import { summarize } from "../lib/latency.mjs";
import { machine } from "../lib/machine.mjs";
import { secondHalfGrowth } from "../lib/rss.mjs";

/**
 * Memory growth limits for "keeps growing through the second half": both must be exceeded (see rss.mjs).
 * Issue 24 saw ~40 MB/min of steady growth; a filling cache steps up once and then stays flat.
 */
export const GROWTH_LIMITS = { slopeMbPerMin: 15, riseMb: 24 };

/**
 * @param {import("./client.mjs").Recorder} recorder
 * @param {number} seconds
 */
export function operationRows(recorder, seconds) {
  return [...recorder.ops.entries()].map(([op, s]) => {
    const sum = summarize(s.ms, 0, seconds, s.statuses);
    const fivexx = Object.entries(s.statuses)
      .filter(([k]) => Number(k) >= 500)
      .reduce((a, [, v]) => a + v, 0);
    return { op, count: s.count, statuses: s.statuses, p50: sum.p50, p99: sum.p99, fivexx, errors: s.errors };
  });
}

/**
 * Memory series per process: first, peak, last, and the second-half slope.
 * @param {import("../lib/rss.mjs").RssSample[]} samples
 */
export function memoryRows(samples) {
  /** @type {Map<number, import("../lib/rss.mjs").RssSample[]>} */
  const byPid = new Map();
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  return [...byPid.entries()].map(([pid, series]) => {
    const growth = secondHalfGrowth(series, GROWTH_LIMITS);
    // Ten points across the run, enough to see a trend by eye.
    const step = Math.max(1, Math.floor(series.length / 10));
    const trace = series
      .filter((_, i) => i % step === 0)
      .map((s) => `${s.t.toFixed(0)}s:${s.rssMb.toFixed(0)}`);
    return { pid, name: series[0]?.name ?? "?", ...growth, trace };
  });
}

/**
 * The failed checks of a run; empty means the soak passed.
 * @param {{ ops: ReturnType<typeof operationRows>, recorder: import("./client.mjs").Recorder,
 *   integrity: Awaited<ReturnType<typeof import("./verify.mjs").checkIntegrity>>,
 *   realtime: ReturnType<typeof import("./verify.mjs").checkRealtime>, listLeaks: string[],
 *   memory: ReturnType<typeof memoryRows>, schemaEdits: import("./hostile.mjs").SchemaEdits | null }} r
 */
export function failures(r) {
  const out = [];
  const fivexx = r.ops.reduce((a, o) => a + o.fivexx, 0);
  const timeouts = r.ops.reduce((a, o) => a + (o.statuses[0] ?? 0), 0);
  if (fivexx > 0) out.push(`${fivexx} responses were 5xx`);
  if (timeouts > 0) out.push(`${timeouts} requests got no answer (network error or 20 s timeout)`);
  if (r.recorder.conflictsWithoutIfMatch.length > 0)
    out.push(`${r.recorder.conflictsWithoutIfMatch.length} × 409/412 on requests without If-Match`);
  if (r.integrity.errors.length > 0) out.push(`${r.integrity.errors.length} integrity errors`);
  if (r.listLeaks.length > 0) out.push(`${r.listLeaks.length} rows listed to someone who must not see them`);
  const missing = r.realtime.reduce((a, s) => a + s.missing, 0);
  const dup = r.realtime.reduce((a, s) => a + s.duplicates, 0);
  const leaks = r.realtime.reduce((a, s) => a + s.leaks.length, 0);
  if (missing > 0) out.push(`${missing} realtime events missing`);
  if (dup > 0) out.push(`${dup} realtime events duplicated`);
  if (leaks > 0) out.push(`${leaks} realtime events leaked`);
  if (r.schemaEdits && r.schemaEdits.present.length < r.schemaEdits.acked.length)
    out.push(
      `${r.schemaEdits.acked.length - r.schemaEdits.present.length} fields acknowledged by If-Match edits were lost`,
    );
  if (r.schemaEdits && r.schemaEdits.exhausted > 0)
    out.push(`${r.schemaEdits.exhausted} If-Match schema edits never succeeded`);
  for (const m of r.memory)
    if (m.growing && m.name !== "client (node)")
      out.push(
        `${m.name} (pid ${m.pid}) keeps growing: ${m.slopeMbPerMin.toFixed(1)} MB/min over the second half`,
      );
  return out;
}

/**
 * Prints the report.
 * @param {Parameters<typeof failures>[0] & { logs: string[], seconds: number, failed: string[],
 *   sameDelete: Record<string, number>, heap?: ReturnType<typeof memoryRows>, heapGc?: boolean }} r
 */
export function printReport(r) {
  const line = (/** @type {string} */ s) => console.log(s);
  line(
    "\n| operation | requests | statuses | p50 ms | p99 ms | 5xx |\n| --- | --- | --- | --- | --- | --- |",
  );
  for (const o of r.ops)
    line(
      `| ${o.op} | ${o.count} | ${Object.entries(o.statuses)
        .map(([k, v]) => `${k}×${v}`)
        .join(" ")} | ${o.p50.toFixed(1)} | ${o.p99.toFixed(1)} | ${o.fivexx} |`,
    );
  for (const o of r.ops) for (const e of o.errors) line(`  ${o.op}: ${e}`);
  const total = r.ops.reduce((a, o) => a + o.count, 0);
  line(
    `\n${total} requests in ${r.seconds.toFixed(0)} s (${(total / r.seconds).toFixed(0)}/s); load average now ${machine().loadavg.join(", ")}`,
  );
  if (r.integrity.counter) {
    const c = r.integrity.counter;
    line(
      `counter: n = ${c.n}, acknowledged increments ${c.acked}, refused ${c.refused}, unknown ${c.unknown}, lost ${c.lost}`,
    );
  }
  line(`integrity: ${r.integrity.checked} acknowledged posts checked, ${r.integrity.errors.length} errors`);
  for (const e of r.integrity.errors.slice(0, 10)) line(`  ${e}`);
  for (const e of r.listLeaks.slice(0, 5)) line(`  list leak: ${e}`);
  line(`same record deleted 5× in parallel: ${JSON.stringify(r.sameDelete)}`);
  if (r.schemaEdits)
    line(
      `If-Match schema edits: ${r.schemaEdits.acked.length} acknowledged, ${r.schemaEdits.present.length} present at the end, ${r.schemaEdits.attempts} attempts, ${r.schemaEdits.exhausted} gave up`,
    );
  const sum = (/** @type {(s: any) => number} */ f) => r.realtime.reduce((a, s) => a + f(s), 0);
  line(
    `realtime: ${r.realtime.length} subscribers, expected ${sum((s) => s.expected)}, delivered ${sum((s) => s.delivered)}, missing ${sum((s) => s.missing)}, duplicates ${sum((s) => s.duplicates)}, leaks ${sum((s) => s.leaks.length)}, WebSocket reconnects with since ${sum((s) => (s.name.startsWith("ws") ? s.reconnects : 0))}, resyncs ${sum((s) => s.resyncs)}; SSE outages ${sum((s) => s.outages)} (stream ended, SDK-style reconnect), events committed during them ${sum((s) => s.inGaps)}`,
  );
  for (const s of r.realtime
    .filter((x) => x.missing > 0 || x.duplicates > 0 || x.leaks.length > 0 || x.errors.length > 0)
    .slice(0, 8))
    line(
      `  ${s.name}: missing ${s.missing} ${s.missingKeys.join(" ")}, in outages ${s.inGaps}, duplicates ${s.duplicates}, leaks ${s.leaks.slice(0, 2).join("; ")}, errors ${s.errors.slice(0, 3).join("; ")}`,
    );
  line("memory (RSS MB):");
  for (const m of r.memory)
    line(
      `  ${m.name} pid ${m.pid}: first ${m.first.toFixed(0)}, peak ${m.peak.toFixed(0)}, last ${m.last.toFixed(0)}, second-half slope ${m.slopeMbPerMin.toFixed(1)} MB/min (rise ${m.riseMb.toFixed(0)} MB)${m.growing ? " GROWING" : ""}\n    ${m.trace.join(" ")}`,
    );
  if (r.heap?.length) {
    line(
      `JS heap (MB, ${r.heapGc === false ? "no forced GC" : "after a forced GC"}; --heap, not a pass/fail check):`,
    );
    for (const m of r.heap)
      line(
        `  ${m.name}: first ${m.first.toFixed(1)}, peak ${m.peak.toFixed(1)}, last ${m.last.toFixed(1)}, second-half slope ${m.slopeMbPerMin.toFixed(2)} MB/min (rise ${m.riseMb.toFixed(1)} MB)\n    ${m.trace.join(" ")}`,
      );
  }
  if (r.recorder.conflictsWithoutIfMatch.length > 0) {
    const byOp = new Map();
    for (const c of r.recorder.conflictsWithoutIfMatch)
      byOp.set(`${c.op} ${c.status}`, (byOp.get(`${c.op} ${c.status}`) ?? 0) + 1);
    line(`409/412 without If-Match: ${[...byOp.entries()].map(([k, v]) => `${k}×${v}`).join(", ")}`);
  }
  if (r.recorder.serverErrors.length > 0) {
    line("5xx and unanswered requests (first 10), with the Worker's logged lines:");
    for (const e of r.recorder.serverErrors.slice(0, 10)) {
      line(`  ${e.op} ${e.status} ${e.requestId} ${e.message}`);
      for (const l of r.logs.filter((x) => e.requestId && x.includes(e.requestId)).slice(0, 2))
        line(`    log: ${l.slice(0, 400)}`);
    }
  }
  if (r.logs.length > 0)
    line(`logged warnings/errors: ${r.logs.length} (first: ${r.logs[0]?.slice(0, 300)})`);
  line(
    r.failed.length === 0 ? "\nSOAK PASSED" : `\nSOAK FAILED:\n${r.failed.map((f) => `  - ${f}`).join("\n")}`,
  );
}
