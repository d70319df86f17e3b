import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Set by the package build (tsup.config.ts) for dist/cdk: where the prebuilt functions lie relative to
 * the built construct. Undefined when this file runs from source (the repository's app and tests).
 */
declare const __PREBUILT_FUNCTIONS__: string | undefined;

const here = path.dirname(fileURLToPath(import.meta.url));

/** Repository root, resolved from this file's location so it works whatever the current directory is. */
export const REPO_ROOT = path.resolve(here, '..');

/**
 * The prebuilt Lambda code (`npm run build`: tsup bundles each handler with esbuild into
 * dist/functions/<name>/index.mjs). The construct deploys these files as they are, from source and
 * from the installed package alike: what ships is what this repository's tests (the twin) ran.
 */
export const FUNCTIONS_DIR =
  typeof __PREBUILT_FUNCTIONS__ === 'string'
    ? path.resolve(here, __PREBUILT_FUNCTIONS__)
    : path.join(REPO_ROOT, 'dist', 'functions');

/** Prebuilt processor Lambda (index.mjs exports `handler`). */
export const PROCESSOR_ENTRY = path.join(FUNCTIONS_DIR, 'processor');

/** Prebuilt scheduled hygiene Lambda (index.mjs exports `handler`). */
export const HYGIENE_ENTRY = path.join(FUNCTIONS_DIR, 'hygiene');

/** Prebuilt scheduled SES suppression list sync Lambda (index.mjs exports `handler`). */
export const SYNC_ENTRY = path.join(FUNCTIONS_DIR, 'sync');
