/**
 * One request per arm before any load: an Edgebase 404 marks the scenario pending (never a made-up number),
 * any other failure is an error, and list arms that must agree are checked to return the same page.
 */

/** @typedef {import("./load-client.mjs").RequestSpec} RequestSpec */
/** @typedef {{ name: string, target: string, url: string, request: RequestSpec }} ProbeArm */

/**
 * @param {ProbeArm[]} arms
 * @param {boolean} sameItems the arms list the same rows (compare totalItems and page length)
 * @returns {Promise<{ status: "pending" | "error", reason: string } | null>} null when every arm is fine
 */
export async function probeArms(arms, sameItems) {
  /** @type {string[]} */
  const shapes = [];
  for (const { name, target, url, request } of arms) {
    const path = request.paths[0] ?? "/";
    const res = await fetch(url + path, {
      method: request.method,
      headers: { ...(request.body ? { "content-type": "application/json" } : {}), ...request.headers },
      body: request.body ?? null,
    });
    const body = /** @type {{ message?: string, totalItems?: number, items?: unknown[] }} */ (
      safeJson(await res.text())
    );
    if (res.ok) {
      shapes.push(`${name}: ${body.totalItems} total, ${body.items?.length} on the page`);
      continue;
    }
    // The message tells "no such route yet" from "collection not registered" during integration.
    const said = cut(body.message ?? "");
    if (target === "edgebase" && res.status === 404) {
      return {
        status: "pending",
        reason: `records API not available (${request.method} ${cut(path)} → 404 "${said}")`,
      };
    }
    return {
      status: "error",
      reason: `${name} answered ${res.status} "${said}" to ${request.method} ${cut(path)}`,
    };
  }
  const answers = shapes.map((s) => s.slice(s.indexOf(":")));
  if (sameItems && new Set(answers).size > 1) {
    return {
      status: "error",
      reason: `arms disagree, so the comparison would be unfair: ${shapes.join("; ")}`,
    };
  }
  return null;
}

/** @param {string} text */
function safeJson(text) {
  try {
    return JSON.parse(text) ?? {};
  } catch {
    return {};
  }
}

/**
 * Shortens a path or message for tables.
 * @param {string} text
 */
export function cut(text) {
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
