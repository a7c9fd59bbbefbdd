import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repo root and the team's shared folder (beside the repo: ../shared). */
export const REPO_ROOT = resolve(__dirname, '..');
export const SHARED_DIR = process.env.SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');
export const RETELL_FIXTURES_DIR = join(SHARED_DIR, 'retell', 'fixtures');

export function requireSharedDir(): void {
  if (!existsSync(RETELL_FIXTURES_DIR)) {
    throw new Error(`shared fixtures not found at ${RETELL_FIXTURES_DIR}; set SHARED_DIR to the team's shared/ folder`);
  }
}
