// The backend alone, without the rest of @sigmap/surrogate: `sigmap simulate` requires this path lazily so that the
// tfjs backends load only when a surrogate run asks for them.
/** @public */
export { selectBackend, type BackendName } from './select';
/** @public */
export { TfShowerEngine } from './calorimeter';
