export * from './registry';
export * from './coverageFamilies';
