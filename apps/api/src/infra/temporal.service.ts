import { Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { API_OPTIONS } from '../common/tokens';
import type { ApiOptions } from '../config';

/** The API's Temporal client (DESIGN.md: the API is a Temporal client only). Connects on first use. */
@Injectable()
export class TemporalService implements OnModuleDestroy {
  private connection: Promise<Connection> | null = null;
  private client: Client | null = null;

  constructor(@Inject(API_OPTIONS) private readonly options: ApiOptions) {}

  async get(): Promise<Client> {
    if (this.client) return this.client;
    this.connection ??= Connection.connect({ address: this.options.temporalAddress, connectTimeout: '5s' });
    try {
      const connection = await this.connection;
      this.client = new Client({ connection, namespace: this.options.temporalNamespace });
      return this.client;
    } catch (e) {
      this.connection = null;
      throw new ServiceUnavailableException(`temporal: not reachable at ${this.options.temporalAddress} (${(e as Error).message})`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection.catch(() => null))?.close();
  }
}
