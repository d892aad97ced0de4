export { selectBackend, type BackendName } from './select';
export { TfShowerEngine } from './calorimeter';
