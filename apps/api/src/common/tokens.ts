import type { ScanSpec } from '@sigmap/contracts';

/** Injection tokens for the providers that are not classes of this app. */
export const API_OPTIONS = Symbol('API_OPTIONS');
export const STORE = Symbol('STORE');
export const KEY_RING = Symbol('KEY_RING');
/** The worker's FamilyRegistry: which families (and their searches, parameters) a scan can run on. */
export const SCAN_TARGETS = Symbol('SCAN_TARGETS');

/** The part of @sigmap/worker's FamilyRegistry the API uses (kept structural: apps do not import apps' types). */
export interface ScanTargets {
  /** checkSpec: the family's own checks (parameter bounds, fidelities), throwing InputError naming the field. */
  get(id: string): { id: string; searches: string[]; parameters: string[]; checkSpec?(spec: ScanSpec): void } | null;
  ids(): string[];
}
