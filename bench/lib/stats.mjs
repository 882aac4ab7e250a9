/** Small statistics helpers: medians of rounds and the slope of a latency-vs-rows series. */

/**
 * Median of a non-empty list (mean of the middle two for an even count).
 * @param {number[]} values
 */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Least-squares slope of y over x.
 * @param {number[]} xs
 * @param {number[]} ys
 */
export function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/**
 * Rounds for display and JSON (3 significant decimals is far below the run-to-run noise).
 * @param {number} n
 */
export function round3(n) {
  return Math.round(n * 1000) / 1000;
}
