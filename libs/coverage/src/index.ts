export * from './signatures';
export * from './types';
export * from './volume';
export * from './coverage';
export * from './recommend';
export * from './svg';
