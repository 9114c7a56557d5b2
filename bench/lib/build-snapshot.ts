import { cp, rm } from 'node:fs/promises';
import type * as LocalStandModule from '../../src/local/local-stand.js';

// Others may rebuild dist/ (npm test does) while a run is going: the benchmarks drive a copy of the
// build taken when the run starts. It lives in bench/.tmp/ (git-ignored), inside the project so that
// the copy still finds node_modules and package.json ("type": "module").
const DIST = new URL('../../dist/', import.meta.url);
const SNAPSHOT_ROOT = new URL('../.tmp/', import.meta.url);
const SNAPSHOT = new URL('dist/', SNAPSHOT_ROOT);

let localStand: Promise<typeof LocalStandModule.LocalStand> | undefined;

/** Copies the current build aside; the app processes of this run start from the copy. */
export async function takeBuildSnapshot(): Promise<void> {
  await rm(SNAPSHOT, { recursive: true, force: true });
  await cp(DIST, SNAPSHOT, { recursive: true });
}

export async function removeBuildSnapshot(): Promise<void> {
  await rm(SNAPSHOT_ROOT, { recursive: true, force: true });
}

/**
 * LocalStand as built into the snapshot (takeBuildSnapshot() first): its AppProcess starts
 * `../../dist/main.js` relative to itself, which is the snapshot's main.js.
 */
export function snapshotLocalStand(): Promise<typeof LocalStandModule.LocalStand> {
  localStand ??= import(new URL('local/local-stand.js', SNAPSHOT).href).then(
    (module: typeof LocalStandModule) => module.LocalStand,
  );
  return localStand;
}
