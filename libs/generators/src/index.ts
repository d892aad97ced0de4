export * from './driver';
export * from './pythiaFamilies';
export * from './simulate';
