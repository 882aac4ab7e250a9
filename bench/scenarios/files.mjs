/**
 * Issue 14: files on R2. Upload and download against a hand-written Hono + drizzle + R2 Worker doing the same work
 * (bench/baseline/files.ts: a record row naming its attachment; the download reads the record under the guarded
 * collection's rule before R2), with its bare-R2 routes (no record) as info rows; a stored thumbnail against its
 * original, and the latency of a first thumbnail (made on the request) against the original's. Files live in the
 * bench_files collections (edgebase/register.mjs): the public one is served from the edge cache after its first
 * read, the rule-guarded twin from R2 every time.
 */
import { FILE_COLLECTIONS } from "../edgebase/register.mjs";
import { runScenario } from "../lib/measure.mjs";
import { png } from "../lib/png.mjs";
import { atLeast, defineScenarios } from "../lib/scenario.mjs";
import { median, round3 } from "../lib/stats.mjs";
import { percentile } from "../realtime/fanout.mjs";

/** Size of the uploaded and downloaded documents. */
const DOC_BYTES = 64 * 1024;
/** Distinct files a download arm rotates over. */
const POOL = 32;
/** Side of the bench images (PNG) and the thumb size their field lists. */
const IMAGE_SIDE = 512;
const THUMB = "100x100";
const BOUNDARY = "edgebasebenchboundary";

/** Printable bytes (a multipart body must be a string for the load client). */
const DOC = Array.from({ length: DOC_BYTES }, (_, i) =>
  String.fromCharCode(97 + ((i * 7 + (i >> 8)) % 26)),
).join("");

/**
 * A multipart body with one text file part.
 * @param {string} field
 */
function multipart(field) {
  return [
    `--${BOUNDARY}`,
    `Content-Disposition: form-data; name="${field}"; filename="bench.txt"`,
    "Content-Type: text/plain",
    "",
    DOC,
    `--${BOUNDARY}--`,
    "",
  ].join("\r\n");
}
const MULTIPART = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

/**
 * Uploads one file through `url` with fetch's own FormData; returns the JSON answer.
 * @param {string} url
 * @param {string} field
 * @param {Blob} blob
 * @param {string} name
 * @returns {Promise<Record<string, string>>}
 */
async function upload(url, field, blob, name) {
  const form = new FormData();
  form.append(field, blob, name);
  const res = await fetch(url, { method: "POST", body: form });
  const body = /** @type {Record<string, string>} */ (await res.json().catch(() => ({})));
  if (!res.ok) throw new Error(`upload to ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * @param {string} base Edgebase's URL
 * @param {"public" | "ruled"} which
 * @param {"doc" | "image"} field
 * @param {Blob} blob
 * @param {string} name
 * @returns {Promise<string>} the file's path
 */
async function edgebaseFile(base, which, field, blob, name) {
  const { name: collection } = FILE_COLLECTIONS[which];
  const rec = await upload(`${base}/api/collections/${collection}/records`, field, blob, name);
  return `/api/files/${collection}/${rec.id}/${rec[field]}`;
}

/** @param {number} seed */
const pngBlob = (seed) => new Blob([png(IMAGE_SIDE, IMAGE_SIDE, seed)], { type: "image/png" });

/**
 * The 10k dataset's Workers, or null when it is not loaded.
 * @param {import("../lib/measure.mjs").RunDeps} deps
 */
function targets(deps) {
  const edgebase = deps.urls.get("edgebase-10k");
  const baseline = deps.urls.get("baseline-10k");
  return edgebase && baseline ? { edgebase, baseline } : null;
}

/**
 * @param {{ id: string, title: string, issue: string }} head
 * @param {string} reason
 * @param {"skipped" | "error"} [status]
 * @returns {import("../lib/measure.mjs").ScenarioResult}
 */
function notMeasured(head, reason, status = "skipped") {
  return { ...head, status, reason, arms: [], checks: [] };
}

/** @type {import("../lib/scenario.mjs").Scenario} */
const uploadScenario = {
  id: "file-upload",
  title: `Upload a ${DOC_BYTES / 1024} KiB file (multipart create) vs Hono + drizzle + R2 (object + record row)`,
  issue: "14: ≥ 0.85× baseline",
  arms: [
    {
      name: "edgebase",
      target: "edgebase",
      dataset: "10k",
      request: () => ({
        method: "POST",
        paths: [`/api/collections/${FILE_COLLECTIONS.public.name}/records`],
        headers: MULTIPART,
        body: multipart("doc"),
      }),
    },
    {
      name: "baseline",
      target: "baseline",
      dataset: "10k",
      request: () => ({ method: "POST", paths: ["/records"], headers: MULTIPART, body: multipart("file") }),
    },
    {
      name: "baseline-r2",
      target: "baseline",
      dataset: "10k",
      request: () => ({ method: "POST", paths: ["/files"], headers: MULTIPART, body: multipart("file") }),
    },
  ],
  checks: [
    {
      kind: "ratio",
      label: "throughput",
      metric: "throughput",
      a: "edgebase",
      b: "baseline",
      goal: atLeast(0.85),
    },
    { kind: "ratio", label: "p99 at saturation", metric: "satP99", a: "edgebase", b: "baseline" },
    // Info: against a bare R2 put (no record), and what the record row costs the hand-written Worker itself.
    { kind: "ratio", label: "throughput vs R2 only", metric: "throughput", a: "edgebase", b: "baseline-r2" },
    {
      kind: "ratio",
      label: "baseline with record / R2 only",
      metric: "throughput",
      a: "baseline",
      b: "baseline-r2",
    },
  ],
};

/** @type {import("../lib/scenario.mjs").Scenario} */
const downloadScenario = {
  id: "file-download",
  title: `Download a ${DOC_BYTES / 1024} KiB file (record read, then public: edge cache; ruled: R2) vs Hono + drizzle + R2 (record read under the rule, then R2)`,
  issue: "14: ≥ 0.85× baseline",
  arms: [],
  checks: [],
  async run(deps) {
    const head = {
      id: downloadScenario.id,
      title: downloadScenario.title,
      issue: downloadScenario.issue ?? "",
    };
    const t = targets(deps);
    if (!t) return notMeasured(head, "needs the 10k dataset");
    const doc = new Blob([DOC], { type: "text/plain" });
    /** @type {Record<"public" | "ruled" | "baseline" | "baselineR2", string[]>} */
    const paths = { public: [], ruled: [], baseline: [], baselineR2: [] };
    for (let i = 0; i < POOL; i++) {
      paths.public.push(await edgebaseFile(t.edgebase, "public", "doc", doc, `d${i}.txt`));
      paths.ruled.push(await edgebaseFile(t.edgebase, "ruled", "doc", doc, `d${i}.txt`));
      const rec = await upload(`${t.baseline}/records`, "file", doc, `d${i}.txt`);
      paths.baseline.push(`/records/${rec.id}/files/${rec.file}`);
      paths.baselineR2.push(`/files/${(await upload(`${t.baseline}/files`, "file", doc, `d${i}.txt`)).key}`);
    }
    const arm = (
      /** @type {string} */ name,
      /** @type {"edgebase" | "baseline"} */ target,
      /** @type {string[]} */ p,
    ) => ({
      name,
      target,
      dataset: /** @type {const} */ ("10k"),
      request: () => ({ method: "GET", paths: p }),
    });
    return runScenario(
      {
        ...head,
        arms: [
          arm("edgebase", "edgebase", paths.public),
          arm("edgebase-r2", "edgebase", paths.ruled),
          arm("baseline", "baseline", paths.baseline),
          arm("baseline-r2", "baseline", paths.baselineR2),
        ],
        checks: [
          {
            kind: "ratio",
            label: "throughput public (edge cache)",
            metric: "throughput",
            a: "edgebase",
            b: "baseline",
            goal: atLeast(0.85),
          },
          {
            kind: "ratio",
            label: "throughput rule-guarded (R2)",
            metric: "throughput",
            a: "edgebase-r2",
            b: "baseline",
          },
          {
            kind: "ratio",
            label: "p99 at saturation public",
            metric: "satP99",
            a: "edgebase",
            b: "baseline",
          },
          // Info: against serving any R2 key with no record read, and what that read costs by hand.
          {
            kind: "ratio",
            label: "throughput public vs R2 only",
            metric: "throughput",
            a: "edgebase",
            b: "baseline-r2",
          },
          {
            kind: "ratio",
            label: "throughput rule-guarded vs R2 only",
            metric: "throughput",
            a: "edgebase-r2",
            b: "baseline-r2",
          },
          {
            kind: "ratio",
            label: "baseline with record / R2 only",
            metric: "throughput",
            a: "baseline",
            b: "baseline-r2",
          },
        ],
      },
      deps,
    );
  },
};

/** @type {import("../lib/scenario.mjs").Scenario} */
const thumbScenario = {
  id: "thumb-cached",
  title: `Stored ${THUMB} thumbnail vs its ${IMAGE_SIDE}² PNG original (rule-guarded: both from R2)`,
  issue: "14: ≥ 0.9× original",
  arms: [],
  checks: [],
  async run(deps) {
    const head = { id: thumbScenario.id, title: thumbScenario.title, issue: thumbScenario.issue ?? "" };
    const t = targets(deps);
    if (!t) return notMeasured(head, "needs the 10k dataset");
    /** @type {string[]} */
    const originals = [];
    for (let i = 0; i < POOL; i++)
      originals.push(await edgebaseFile(t.edgebase, "ruled", "image", pngBlob(i), `i${i}.png`));
    const thumbs = originals.map((p) => `${p}?thumb=${THUMB}`);
    // Made once here: the measured requests find the stored thumb.
    for (const p of thumbs) {
      const res = await fetch(t.edgebase + p);
      await res.arrayBuffer();
      if (!res.ok || !res.headers.get("content-disposition")?.includes(`${THUMB}_`))
        return notMeasured(head, `no thumbnail for ${p} (${res.status})`, "error");
    }
    const arm = (/** @type {string} */ name, /** @type {string[]} */ p) => ({
      name,
      target: /** @type {const} */ ("edgebase"),
      dataset: /** @type {const} */ ("10k"),
      request: () => ({ method: "GET", paths: p }),
    });
    return runScenario(
      {
        ...head,
        arms: [arm("thumb", thumbs), arm("original", originals)],
        checks: [
          {
            kind: "ratio",
            label: "throughput thumb / original",
            metric: "throughput",
            a: "thumb",
            b: "original",
            goal: atLeast(0.9),
          },
          {
            kind: "ratio",
            label: "p99 at saturation thumb / original",
            metric: "satP99",
            a: "thumb",
            b: "original",
          },
        ],
      },
      deps,
    );
  },
};

/** @param {string} url */
async function timedGet(url) {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return { ms: performance.now() - started, res };
}

/** @type {import("../lib/scenario.mjs").Scenario} */
const firstThumbScenario = {
  id: "thumb-first",
  title: `First ${THUMB} thumbnail of a ${IMAGE_SIDE}² PNG (decoded, resized, stored on the request) vs the original`,
  issue: "14: first thumbnail latency (reported)",
  arms: [],
  checks: [],
  async run(deps) {
    const head = {
      id: firstThumbScenario.id,
      title: firstThumbScenario.title,
      issue: firstThumbScenario.issue ?? "",
    };
    const t = targets(deps);
    if (!t) return notMeasured(head, "needs the 10k dataset");
    const perRound = 8;
    /** @type {{ first: number[], original: number[] }[]} */
    const rounds = [];
    for (let r = 0; r < deps.settings.rounds; r++) {
      /** @type {string[]} */
      const fresh = [];
      for (let i = 0; i < perRound; i++)
        fresh.push(
          await edgebaseFile(
            t.edgebase,
            "ruled",
            "image",
            pngBlob(1000 + r * perRound + i + (Date.now() % 997)),
            `f${i}.png`,
          ),
        );
      const round = { first: /** @type {number[]} */ ([]), original: /** @type {number[]} */ ([]) };
      // One at a time: the latency of a lone request, not queueing behind others.
      for (const p of fresh) {
        const { ms, res } = await timedGet(`${t.edgebase}${p}?thumb=${THUMB}`);
        if (!res.headers.get("content-disposition")?.includes(`${THUMB}_`))
          return notMeasured(head, `no thumbnail made for ${p}`, "error");
        round.first.push(ms);
      }
      for (const p of fresh) round.original.push((await timedGet(t.edgebase + p)).ms);
      rounds.push(round);
    }
    const all = (/** @type {"first" | "original"} */ k) => rounds.flatMap((r) => r[k]);
    const p50 = (/** @type {"first" | "original"} */ k) => round3(percentile(all(k), 0.5));
    const p99 = (/** @type {"first" | "original"} */ k) => round3(percentile(all(k), 0.99));
    const ratio = round3(median(rounds.map((r) => percentile(r.first, 0.5) / percentile(r.original, 0.5))));
    return {
      ...head,
      status: "measured",
      arms: [],
      checks: [
        {
          label: `first thumbnail p50 (${all("first").length} images, sequential)`,
          metric: "fixedP50",
          value: p50("first"),
          unit: ` ms (p99 ${p99("first")} ms)`,
        },
        {
          label: "original p50 (same images)",
          metric: "fixedP50",
          value: p50("original"),
          unit: ` ms (p99 ${p99("original")} ms)`,
        },
        { label: "p50 first thumbnail / original", metric: "fixedP50", value: ratio, unit: "×" },
      ],
      details: { perRound, imageSide: IMAGE_SIDE, thumb: THUMB, rounds },
    };
  },
};

export default defineScenarios([uploadScenario, downloadScenario, thumbScenario, firstThumbScenario]);
