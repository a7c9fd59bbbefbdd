import type { Document } from 'yaml';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkReferences } from './tenants-file-references';
import { TenantsFileShape } from './tenants-file-schema';

export { lineOf, toE164 } from './tenants-file-schema';
export type { PhoneNumberEntry } from './tenants-file-schema';

/**
 * `tenants.yaml`: the whole directory, declared (see deploy/tenants.example.yaml): resellers,
 * companies (each with its reseller, if any, and billing currency), their services and branches,
 * the branches' numbers (with their kind and type) and staff, and what the phone agent needs of each
 * branch (address, opening hours, language, agent override, greeting name: branch-profile-input.ts).
 */
export const TenantsFileSchema = TenantsFileShape.superRefine(checkReferences);
export type TenantsFile = z.infer<typeof TenantsFileSchema>;

export interface FileProblem {
  line: number;
  column: number;
  path: string;
  message: string;
}

export type ReadTenantsFile = { kind: 'valid'; file: TenantsFile } | { kind: 'invalid'; problems: FileProblem[] };

/** Parses and validates a tenants file; every problem comes with its line and column. */
export function readTenantsFile(text: string): ReadTenantsFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      kind: 'invalid',
      problems: doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return { line: at.line, column: at.col, path: '(yaml)', message: e.message.split('\n')[0]! };
      }),
    };
  }
  const parsed = TenantsFileSchema.safeParse(doc.toJS());
  if (parsed.success) return { kind: 'valid', file: parsed.data };
  return {
    kind: 'invalid',
    problems: parsed.error.issues.map((i) => ({
      // an unknown key is pointed at where it stands, not where its mapping starts
      ...positionOf(doc, i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path, lineCounter),
      path: pathText(i.path),
      message: i.message,
    })),
  };
}

function pathText(path: PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') || '(file)'
  );
}

/** The line of the deepest node the path reaches (a missing key points at its parent). */
function positionOf(doc: Document, path: PropertyKey[], lineCounter: LineCounter): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
    const range = node && (isMap(node) || isSeq(node) || 'range' in node) ? node.range : undefined;
    if (range) {
      const at = lineCounter.linePos(range[0]);
      return { line: at.line, column: at.col };
    }
  }
  return { line: 1, column: 1 };
}
