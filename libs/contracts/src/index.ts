export * from './errors';
export * from './random';
export * from './queues';
export * from './scan';
export * from './stopping';
export * from './cost';
