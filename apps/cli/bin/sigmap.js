#!/usr/bin/env node
// The sigmap command. Sources are TypeScript, run through tsx's require hook (esbuild, no build step).
require('tsx/cjs');
require('../src/main.ts');
