/**
 * Writes the excursion pools used by the al-bench acceptance test: fast2d_40.csv (40x40 grid over [0,1.5]^2)
 * and fast3d_15.csv (15^3 grid over [0,1.5]^3), columns x,y[,z],truth (threshold 0).
 * Run: npx tsx test/al/make-excursion-pools.ts OUTDIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gridPoolCsv } from '@sigmap/peers';

const out = process.argv[2] ?? '.';
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'fast2d_40.csv'), gridPoolCsv(2, 40));
writeFileSync(join(out, 'fast3d_15.csv'), gridPoolCsv(3, 15));
process.stdout.write(`wrote ${join(out, 'fast2d_40.csv')} and ${join(out, 'fast3d_15.csv')}\n`);
