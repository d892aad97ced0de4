/**
 * Versioned model artefacts. One file per trained ensemble: `<id>.json` holding the weights of its members and
 * { id, object, kind, training families, trainingDataDigest (sha256 of the training table), seed, backend, budget,
 * metrics, createdAt }. Written under `${SIGMAP_HOME ?? '.sigmap'}/models/`; models shipped with the repository live in
 * libs/surrogate/models/ and are found after the user's own.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';
import type { FullSample } from './data';
import { type GeneratorKind, ObjectModel, type ObjectModelState, type TrainBudget } from './model';
import type { ObjectType } from './objects';
import type { ValidationReport } from './validate';

export interface ModelMeta {
  id: string;
  object: ObjectType;
  kind: GeneratorKind;
  families: string[];
  trainingEvents: number;
  /** --events of the training request (fixes the cached full samples used for training and validation). */
  requestedEvents: number;
  trainingObjects: number;
  trainingDataDigest: string;
  seed: number;
  members: number;
  backend: string;
  budget: TrainBudget;
  trainSeconds: number;
  createdAt: string;
  metrics: ValidationReport | null;
  /** Shipped by default (chosen by validation). */
  selected?: boolean;
}

export interface ModelArtefact {
  meta: ModelMeta;
  members: ObjectModelState[];
}

function sigmapHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIGMAP_HOME ?? '.sigmap');
}

const SHIPPED_MODELS_DIR = resolve(__dirname, '..', 'models');

function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(sigmapHome(env), 'models');
}

export function modelId(object: ObjectType, kind: GeneratorKind, digest: string, seed: number): string {
  return `${object}-${kind}-${digest.slice(0, 12)}-s${seed}`;
}

export function saveModel(a: ModelArtefact, dir = modelsDir()): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${a.meta.id}.json`);
  writeFileSync(path, JSON.stringify(a));
  return path;
}

function readDir(dir: string): { path: string; meta: ModelMeta }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const path = join(dir, f);
      return { path, meta: (JSON.parse(readFileSync(path, 'utf8')) as ModelArtefact).meta };
    });
}

/** All artefacts, the user's (SIGMAP_HOME) first, then the shipped ones. */
export function listModels(dirs = [modelsDir(), SHIPPED_MODELS_DIR]): { path: string; meta: ModelMeta }[] {
  const seen = new Set<string>();
  const out: { path: string; meta: ModelMeta }[] = [];
  for (const d of dirs) {
    for (const m of readDir(d)) {
      if (seen.has(m.meta.id)) continue;
      seen.add(m.meta.id);
      out.push(m);
    }
  }
  return out;
}

/** Resolves a model by id (or file path). */
export function findModel(ref: string, dirs = [modelsDir(), SHIPPED_MODELS_DIR]): { path: string; artefact: ModelArtefact } {
  const path = ref.endsWith('.json') && existsSync(ref) ? ref : listModels(dirs).find((m) => m.meta.id === ref)?.path;
  if (!path) throw new InputError('model', `no surrogate model '${ref}' (sigmap surrogate list shows them)`);
  return { path, artefact: JSON.parse(readFileSync(path, 'utf8')) as ModelArtefact };
}

/** The model used for an object type: the selected one if any, else the newest. */
export function defaultModelFor(object: ObjectType, dirs = [modelsDir(), SHIPPED_MODELS_DIR]): { path: string; meta: ModelMeta } | null {
  const ms = listModels(dirs).filter((m) => m.meta.object === object);
  if (ms.length === 0) return null;
  const sel = ms.filter((m) => m.meta.selected);
  const pool = sel.length ? sel : ms;
  return pool.sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt))[0];
}

export function loadMembers(a: ModelArtefact): ObjectModel[] {
  return a.members.map((s) => ObjectModel.fromState(s));
}

export function updateMeta(path: string, patch: Partial<ModelMeta>): ModelMeta {
  const a = JSON.parse(readFileSync(path, 'utf8')) as ModelArtefact;
  a.meta = { ...a.meta, ...patch };
  writeFileSync(path, JSON.stringify(a));
  return a.meta;
}

/** Cache of full-simulation samples (expensive) under SIGMAP_HOME/samples. */
function sampleCachePath(key: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(sigmapHome(env), 'samples', `${key}.json`);
}

export function saveSample(key: string, s: FullSample, env: NodeJS.ProcessEnv = process.env): string {
  const path = sampleCachePath(key, env);
  mkdirSync(join(sigmapHome(env), 'samples'), { recursive: true });
  writeFileSync(path, JSON.stringify(s));
  return path;
}

export function loadSample(key: string, env: NodeJS.ProcessEnv = process.env): FullSample | null {
  const path = sampleCachePath(key, env);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FullSample) : null;
}
