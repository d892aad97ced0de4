export * from './sbottomPeer';
export * from './excursionTruth';
export * from './smodelsPyhfPeer';
export * from './pythiaPdfPeer';
