// Shared helpers of the bench driver, its set-up and its peers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const depsDir = join(benchDir, '.deps');
export const resultsDir = join(benchDir, 'results');
export const cBinary = join(depsDir, 'bin', 'nnbench');
export const nngBinary = join(depsDir, 'bin', 'nngbench');
export const statusFile = join(depsDir, 'status.json');

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** A size in bytes as people write it: 64 B, 1 KiB, 64 KiB, 1 MiB. */
export function sizeLabel(bytes) {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} B`;
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** A random TCP port in 20000-60000 (nanomsg 1.1.5 cannot bind port 0). */
export function randomPort() {
  return 20000 + Math.floor(Math.random() * 12768);
}

/** A per-run directory for ipc endpoints, removed by the returned function. */
export function makeRunDir() {
  const dir = mkdtempSync(join(tmpdir(), 'nnts-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Formats a number with a few significant digits and thousands separators. */
export function fmt(n, digits = 3) {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 10 ** digits) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A side's CPU time: the whole process's, with its main thread's in brackets when known. */
export function fmtCpu(all, main) {
  return Number.isFinite(main) && main > 0 ? `${fmt(all)} (${fmt(main)})` : fmt(all);
}

/** Pads a table (array of rows of strings) into aligned columns. */
export function table(rows, rightAlignFrom = 1) {
  const widths = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The same rows as a Markdown table. */
export function markdownTable(rows, rightAlignFrom = 1) {
  const [head, ...body] = rows;
  const sep = head.map((_c, i) => (i >= rightAlignFrom ? '---:' : '---'));
  return [head, sep, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
