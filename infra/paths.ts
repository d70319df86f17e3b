import path from 'node:path';

/** Repository root, resolved from this file's location so it works whatever the current directory is. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/** Entry of the processor Lambda (exports `handler`). */
export const PROCESSOR_ENTRY = path.join(REPO_ROOT, 'functions', 'processor', 'handler.ts');

/** Lock file NodejsFunction uses to find the project root for bundling. */
export const LOCK_FILE = path.join(REPO_ROOT, 'package-lock.json');

/** Entry of the scheduled hygiene Lambda (exports `handler`). */
export const HYGIENE_ENTRY = path.join(REPO_ROOT, 'functions', 'hygiene', 'handler.ts');

/** Entry of the scheduled SES suppression list sync Lambda (exports `handler`). */
export const SYNC_ENTRY = path.join(REPO_ROOT, 'functions', 'sync', 'handler.ts');
