import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError, parseScanSpec, type ScanProgress } from '@sigmap/contracts';
import { runScan, temporalEnv, writeScanReport } from '@sigmap/orchestration';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { writeJsonFile } from '../output';

const USAGE = `usage: sigmap scan SPEC.yaml [--json-out FILE] [--report DIR] [--id SCAN_ID] [--concurrency N] [--quiet]
Runs a GP-steered scan (ScanWorkflow on Temporal).
  no TEMPORAL_ADDRESS: embedded default: starts (or reuses, if its port answers) a local Temporal dev server on
    \${SIGMAP_HOME:-.sigmap}/temporal/dev.sqlite (port SIGMAP_TEMPORAL_PORT, default 7233) and in-process workers
    for all task queues; results go to the PGlite store in \${SIGMAP_HOME:-.sigmap}/store (or DATABASE_URL).
  TEMPORAL_ADDRESS set: only submits the workflow and follows it (workers run elsewhere: sigmap worker).
Shows progress (round, evaluations, estimated misclassified volume, ETA) on stderr; on completion writes the
report: contour.json, points.json, points.csv, plot.svg (--report DIR, default reports/scans/<id>) and the full
report JSON (--json-out FILE).`;

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

function progressLine(p: ScanProgress, nowMs: number): string {
  const frac = p.budget ? p.evaluated / p.budget : 0;
  const width = 24;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  const elapsed = (nowMs - p.startedAtMs) / 1000;
  const eta = p.evaluated > 0 ? (elapsed / p.evaluated) * (p.budget - p.evaluated) : NaN;
  const mis = p.misclassified === null ? 'n/a' : `${(100 * p.misclassified).toFixed(1)}%`;
  return `[${bar}] round ${p.round} | evals ${p.evaluated}/${p.budget} (+${p.inFlight} in flight) | misclassified ${mis} (target ${(100 * p.target).toFixed(1)}%) | ETA ${fmtDuration(eta)} | ${p.status}`;
}

export const command: CliCommand = {
  summary: 'run a GP-steered scan from a YAML spec on Temporal (embedded dev server + workers by default)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      'json-out': { type: 'string' },
      report: { type: 'string' },
      id: { type: 'string' },
      concurrency: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new InputError('SPEC', 'give exactly one scan spec file (YAML)');
    const file = positionals[0];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new InputError('SPEC', `cannot read '${file}'`);
    }
    const spec = parseScanSpec(text, basename(file));
    const concurrency = integerOption('concurrency', values.concurrency, 2);
    const scanId = values.id ?? `${spec.name}-s${spec.seed}-${Date.now().toString(36)}`;
    const address = temporalEnv().address;
    const tty = process.stderr.isTTY;
    let last = '';
    process.stderr.write(
      `scan ${scanId}: ${spec.family}, ${spec.searches.join(', ')}, budget ${spec.budget}, batch ${spec.batchSize} — ${address ? `submitting to ${address}` : 'embedded (local dev server + in-process workers)'}\n`,
    );
    const report = await runScan({
      spec,
      scanId,
      address,
      concurrency,
      onProgress: (p) => {
        if (values.quiet) return;
        const line = progressLine(p, Date.now());
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (line !== last) process.stderr.write(line + '\n');
        last = line;
      },
    });
    if (tty && !values.quiet) process.stderr.write('\n');
    const dir = values.report ?? `reports/scans/${scanId}`;
    const files = await writeScanReport(dir, report);
    if (values['json-out']) writeJsonFile(values['json-out'], report);
    const excluded = new Set(report.evaluations.filter((e) => e.excluded).map((e) => e.key)).size;
    const points = new Set(report.evaluations.map((e) => e.key)).size;
    process.stdout.write(
      `scan ${scanId} ${report.status}: ${points} points evaluated (${excluded} excluded), ${report.rounds} rounds, ` +
        `estimated misclassified fraction ${report.misclassified === null ? 'n/a' : report.misclassified.toFixed(4)}, ${report.contour.length} contour line(s)\n` +
        `report: ${files.join(', ')}${values['json-out'] ? `, ${values['json-out']}` : ''}\n`,
    );
    return report.status === 'failed' ? 1 : 0;
  },
};
