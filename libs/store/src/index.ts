export * from './store';
export { MIGRATIONS } from './migrations';
