/**
 * CPU profiles of the bench Workers under load, read per request: workerd's sampling profiler (inspector) runs
 * on every isolate while one arm's load runs, and each sample is attributed to the bundle module it ran in
 * (esbuild's `// path` markers in an unminified bundle), so the report says where a request's CPU goes.
 */
import { readFileSync } from "node:fs";
import { listTargets, openSession } from "./inspector.mjs";

/**
 * @typedef {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} CallFrame
 * @typedef {{ id: number, callFrame: CallFrame, parent?: number, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }}
 *   CpuProfile
 * @typedef {{ name: string, us: number }} Share
 * @typedef {{ target: string, busyUs: number, idleUs: number, gcUs: number, self: Share[], inclusive: Share[],
 *   functions: Share[] }} IsolateProfile
 */

/**
 * Starts the sampling profiler on every isolate the inspector lists; `stop` returns their profiles.
 * @param {number} port the Miniflare `inspectorPort`
 * @param {number} intervalUs sampling interval
 */
export async function startProfiling(port, intervalUs) {
  const targets = (await listTargets(port)).filter((t) => t.webSocketDebuggerUrl);
  const sessions = await Promise.all(
    targets.map(async (t) => ({
      name: t.title || t.id,
      s: await openSession(/** @type {string} */ (t.webSocketDebuggerUrl)),
    })),
  );
  for (const { s } of sessions) {
    await s.call("Profiler.enable");
    await s.call("Profiler.setSamplingInterval", { interval: intervalUs });
    await s.call("Profiler.start");
  }
  return {
    /** @returns {Promise<{ name: string, profile: CpuProfile }[]>} */
    async stop() {
      const out = [];
      for (const { name, s } of sessions) {
        const result = await s.call("Profiler.stop", {}, 60_000).catch(() => undefined);
        s.close();
        if (result?.profile) out.push({ name, profile: result.profile });
      }
      return out;
    },
  };
}

/**
 * Line → module map of an unminified esbuild bundle: each module's code follows a `// path` comment line.
 * @param {string} bundlePath
 * @returns {(line: number) => string} the module of a 0-based line (`?` before the first marker)
 */
export function moduleMap(bundlePath) {
  const lines = readFileSync(bundlePath, "utf8").split("\n");
  /** @type {{ line: number, path: string }[]} */
  const marks = [];
  for (const [i, text] of lines.entries()) {
    const m = /^\/\/ ((?:src|bench|node_modules|\.\.\/)[^\s]*\.[cm]?[jt]sx?)$/.exec(text);
    if (m?.[1]) marks.push({ line: i, path: m[1].replace(/^(\.\.\/)+/, "") });
  }
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = "?";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mark = /** @type {{ line: number, path: string }} */ (marks[mid]);
      if (mark.line <= line) {
        found = mark.path;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/**
 * The group a module's time is reported under: a package for node_modules, the file for Edgebase's own code.
 * @param {string} module
 */
export function groupOf(module) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return pkg ? `pkg:${pkg[1]}` : module;
}

/**
 * Reads one isolate's profile: busy, idle and GC time, self time per module group, "time under" per Edgebase
 * file (a sample counts once for every file on its stack) and self time per function.
 * @param {string} target
 * @param {CpuProfile} profile
 * @param {(url: string, line: number) => string} moduleOf module of a frame (`runtime:…` outside the bundle)
 * @returns {IsolateProfile}
 */
export function readProfile(target, profile, moduleOf) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes)
    for (const c of n.children ?? []) {
      const child = byId.get(c);
      if (child) child.parent = n.id;
    }
  /** @type {Map<number, { group: string, fn: string }>} */
  const frameOf = new Map();
  /** @param {ProfileNode} n */
  const frame = (n) => {
    const known = frameOf.get(n.id);
    if (known) return known;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || "(anonymous)";
    const parent = n.parent === undefined ? undefined : byId.get(n.parent);
    /** @type {{ group: string, fn: string }} */
    let f;
    if (url)
      f = { group: groupOf(moduleOf(url, lineNumber)), fn: `${name} ${groupOf(moduleOf(url, lineNumber))}` };
    // A built-in (JSON.parse, crypto, a Response) has no script: its time belongs to the module calling it.
    else if (!/^\(.*\)$/.test(name) && parent && parent.callFrame.functionName !== "(root)") {
      const caller = frame(parent).group;
      f = { group: caller, fn: `${name} [built-in] ← ${caller}` };
    } else f = { group: name === "(anonymous)" ? "(runtime)" : name, fn: name };
    frameOf.set(n.id, f);
    return f;
  };
  for (const n of profile.nodes) frame(n);
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const under = new Map();
  /** @type {Map<string, number>} */
  const fns = new Map();
  let busyUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  const add = (/** @type {Map<string, number>} */ m, /** @type {string} */ k, /** @type {number} */ us) =>
    m.set(k, (m.get(k) ?? 0) + us);
  for (const [i, id] of profile.samples.entries()) {
    // timeDeltas[i] is the time before sample i; the next delta is what sample i stands for.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = frameOf.get(id);
    if (!frame) continue;
    if (frame.group === "(idle)") {
      idleUs += us;
      continue;
    }
    busyUs += us;
    if (frame.group === "(garbage collector)") gcUs += us;
    add(self, frame.group, us);
    add(fns, frame.fn, us);
    const seen = new Set();
    for (let n = byId.get(id); n; n = n.parent === undefined ? undefined : byId.get(n.parent)) {
      const g = frameOf.get(n.id)?.group;
      if (g && !seen.has(g) && (g.startsWith("src/") || g.startsWith("pkg:"))) {
        seen.add(g);
        add(under, g, us);
      }
    }
  }
  const sorted = (/** @type {Map<string, number>} */ m) =>
    [...m].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
  return {
    target,
    busyUs,
    idleUs,
    gcUs,
    self: sorted(self),
    inclusive: sorted(under),
    functions: sorted(fns),
  };
}
