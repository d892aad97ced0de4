// sigmap's SModelS-like reinterpretation engine: SLHA -> decomposition -> theory predictions over the database.
export * from './constraint';
export * from './slha';
export * from './decomposition';
export * from './theoryPrediction';
export * from './familySpectrum';
export * from './slhaTemplate';
