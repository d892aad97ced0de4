/** A parameter set requirement, as pyhf's modifiers declare them (`required_parset`) before measurement overrides. */
export interface ParsetRequirement {
  type: 'unconstrained' | 'constrained_by_normal' | 'constrained_by_poisson';
  n: number;
  isScalar: boolean;
  inits: number[] | null;
  bounds: [number, number][] | null;
  fixed: boolean | boolean[];
  /** null = the measurement must provide it (lumi); undefined = the parameter type has no such attribute. */
  auxdata?: number[] | null;
  sigmas?: number[] | null;
  factors?: number[];
}
