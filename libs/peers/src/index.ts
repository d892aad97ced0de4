export * from './sbottomPeer';
export * from './excursionTruth';
