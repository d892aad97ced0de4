import { writeFileSync } from 'node:fs';
import { bundledRegistryPath } from '../paths';
import { buildBundledRegistry } from './bundled';

// Regenerates libs/catalogue/searches/index.json from ../shared/data (sha256 of every material file).
writeFileSync(bundledRegistryPath, JSON.stringify(buildBundledRegistry(), null, 2) + '\n');
process.stdout.write(`wrote ${bundledRegistryPath}\n`);
