export * from './archive/tar';
export * from './archive/sbottom';
