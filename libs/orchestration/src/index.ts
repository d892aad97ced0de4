export * from './activities';
export * from './compute/compute';
export type { ComputeKind, ComputeTaskMap } from './compute/tasks';
export * from './dev-server';
export * from './run';
export * from './worker';
export * from './report';
export * from './scan-runner';
export * from './fault-injection';
