import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Store } from '@sigmap/store';
import { AppModule } from './app.module';
import { globalValidationPipe } from './common/validation';
import { verifyDepth } from './common/hygiene';
import { KeyRing } from './common/keys';
import { UnknownKeyLimiter } from './common/unknown-keys';
import { ConnectionGate } from './common/connection-gate';
import { SECURITY_HEADERS } from './common/security-headers';
import type { ApiOptions } from './config';
import type { ScanTargets } from './common/tokens';

export interface RunningApi {
  app: NestExpressApplication;
  url: string;
  store: Store;
  document: OpenAPIObject;
  close(): Promise<void>;
}

/** Builds the Nest application on an open store (not listening yet). */
async function createApp(options: ApiOptions, store: Store, scanTargets: ScanTargets): Promise<{ app: NestExpressApplication; document: OpenAPIObject }> {
  const keys = KeyRing.fromFile(options.keysFile);
  const logger: LogLevel[] = options.log ? ['log', 'warn', 'error'] : ['warn', 'error'];
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options, store, keys, scanTargets), { bodyParser: false, logger });
  // depth checked on the raw bytes, before JSON.parse and the DTO pipes recurse into it
  app.useBodyParser('json', { limit: options.bodyLimit, verify: verifyDepth });
  app.useBodyParser('urlencoded', { limit: options.bodyLimit, extended: false });
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  // first middleware: every response carries them, errors included
  app.use((_req: unknown, res: import('express').Response, next: () => void) => {
    for (const [h, v] of SECURITY_HEADERS) res.setHeader(h, v);
    next();
  });
  const server = app.getHttpServer() as import('node:http').Server;
  const gate = new ConnectionGate(options.connectionsPerAddress);
  gate.attach(server);
  app.use(gate.middleware((req) => req.method === 'GET' && /^\/api\/scans\/[^/]+\/events$/.test(req.path)));
  new UnknownKeyLimiter(keys, options.unknownKeyLimit, options.rateWindowMs).attach(server);
  app.useGlobalPipes(globalValidationPipe());
  const config = new DocumentBuilder()
    .setTitle('sigmap API')
    .setDescription(
      'Signature-coverage map of LHC searches: scans (Temporal workflows), the search catalogue, coverage matrix and next-best-search ranking, model families. ' +
        'Group API keys go in the x-api-key header; coverage, catalogue and families are readable without a key.',
    )
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml' });
  new Logger('api').log(`${keys.size} API key(s) from ${options.keysFile}; store ${store.kind} at ${store.location}; Temporal ${options.temporalAddress}`);
  return { app, document };
}

/** Builds the app on an open store and listens on options.host:options.port (port 0: any free port). */
export async function startServer(options: ApiOptions, store: Store, scanTargets: ScanTargets): Promise<RunningApi> {
  const { app, document } = await createApp(options, store, scanTargets);
  await app.listen(options.port, options.host);
  const server = app.getHttpServer() as import('node:http').Server;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    app,
    url: `http://${host}:${port}`,
    store,
    document,
    async close() {
      await app.close();
    },
  };
}
