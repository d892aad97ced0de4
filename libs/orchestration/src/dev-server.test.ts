import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, portAnswers, startDevServer, temporalBin } from './dev-server';

const haveCli = existsSync(temporalBin());

describe('freePort', () => {
  it('hands out bindable ports below the ephemeral range, where the dev server picks its own HTTP/metrics ports', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(20000);
      expect(p).toBeLessThan(32768);
    }
  });
});

describe.skipIf(!haveCli)('startDevServer', () => {
  it('starts side-by-side servers on free ports, each answering on its own address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-devserver-'));
    const servers = await Promise.all(
      [0, 1, 2].map(async (i) => startDevServer({ dbFile: join(dir, `d${i}.sqlite`), port: await freePort(), uiPort: 'headless' })),
    );
    try {
      expect(new Set(servers.map((s) => s.port)).size).toBe(3);
      for (const s of servers) expect(await portAnswers(s.port)).toBe(true);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 60_000);

  it('retries a start that fails with "address already in use", then reports the exit and the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-devserver-'));
    const httpPort = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(httpPort, '127.0.0.1', () => r()));
    const logFile = join(dir, 'server.log');
    try {
      await expect(startDevServer({ dbFile: join(dir, 'd.sqlite'), port: await freePort(), httpPort, uiPort: 'headless', logFile })).rejects.toThrow(
        /exited with code .* \(log: /,
      );
      // four attempts, each leaving its bind error in the log
      expect(readFileSync(logFile, 'utf8').match(/address already in use/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
