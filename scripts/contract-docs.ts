/**
 * Writes docs/contracts from the zod contracts: `pnpm contracts:docs`. A test fails when the
 * committed files differ from what this generates, so the docs cannot drift from the code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDocs } from '../packages/contracts/src/docs';

const dir = join(__dirname, '..', 'docs', 'contracts');
mkdirSync(dir, { recursive: true });
for (const [name, text] of contractDocs()) writeFileSync(join(dir, name), text);
console.log(`wrote ${contractDocs().size} files to docs/contracts`);
