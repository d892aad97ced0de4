export * from './store';
export { MIGRATIONS } from './migrations';
export * from './throwawayPostgres';
export * from './coverageEvidence';
export * from './apiTables';
