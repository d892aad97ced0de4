export * from './sbottomPeer';
export * from './excursionTruth';
export * from './smodelsStatsPeer';
export * from './pythiaPdfPeer';
