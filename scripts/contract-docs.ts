/**
 * Writes docs/contracts and docs/asyncapi.yaml from the zod contracts: `pnpm contracts:docs`. A
 * test fails when the committed files differ from what this generates, so the docs cannot drift
 * from the code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiYaml } from '@rb/contracts/asyncapi';
import { contractDocs } from '@rb/contracts/docs';

const docs = join(__dirname, '..', 'docs');
const dir = join(docs, 'contracts');
mkdirSync(dir, { recursive: true });
for (const [name, text] of contractDocs()) writeFileSync(join(dir, name), text);
writeFileSync(join(docs, 'asyncapi.yaml'), asyncApiYaml());
console.log(`wrote ${contractDocs().size} files to docs/contracts and docs/asyncapi.yaml`);
