import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { IANAZone } from 'luxon';
import type { Document } from 'yaml';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { CompanyAnalysisFieldsSchema } from '../caller-wish/analysis-fields';

/** A phone number as people write it ("0221 1234567", "+49 (221) 123-4567") → E.164, or an issue. */
export function toE164(raw: string, defaultCountry: 'DE' | 'AT' | 'CH' = 'DE'): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(raw, defaultCountry);
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const phone = z.string().transform((raw, ctx) => {
  const e164 = toE164(raw);
  if (!e164) ctx.addIssue({ code: 'custom', message: `"${raw}" is not a valid phone number` });
  return e164 ?? raw;
});

const ServiceSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  calcomEventTypeId: z.number().int().positive(),
  durationMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
  price: z
    .strictObject({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) })
    .optional(),
  active: z.boolean().default(true),
});

const StaffSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  calcomUserId: z.number().int().positive().optional(),
  services: z.array(slug).default([]),
  active: z.boolean().default(true),
});

const BranchSchema = z.strictObject({
  slug,
  name: z.string().min(1),
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (e.g. Europe/Berlin)'),
  federalState: z
    .string()
    .regex(/^[A-Z]{2}$/, 'two capital letters, e.g. BY, NW')
    .optional(),
  workingDays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  services: z.array(slug).min(1),
  defaultService: slug,
  phoneNumbers: z.array(phone).default([]),
  staff: z.array(StaffSchema).default([]),
  active: z.boolean().default(true),
});

const CompanySchema = z.strictObject({
  slug,
  name: z.string().min(1),
  analysisFields: CompanyAnalysisFieldsSchema.default({}),
  services: z.array(ServiceSchema).min(1),
  branches: z.array(BranchSchema).min(1),
  active: z.boolean().default(true),
});

/** `tenants.yaml`: the whole directory, declared; see README for an example. */
export const TenantsFileSchema = z.strictObject({ companies: z.array(CompanySchema) }).superRefine(checkReferences);
export type TenantsFile = z.infer<typeof TenantsFileSchema>;

function checkReferences(file: { companies: z.infer<typeof CompanySchema>[] }, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const numbers = new Map<string, string>();
  const unique = (values: string[], path: (string | number)[], what: string) =>
    values.forEach((v, i) => values.indexOf(v) !== i && issue([...path, i], `${what} "${v}" appears twice`));
  unique(
    file.companies.map((c) => c.slug),
    ['companies'],
    'company',
  );
  file.companies.forEach((company, c) => {
    const offered = new Set(company.services.map((s) => s.slug));
    unique(
      company.services.map((s) => s.slug),
      ['companies', c, 'services'],
      'service',
    );
    unique(
      company.branches.map((b) => b.slug),
      ['companies', c, 'branches'],
      'branch',
    );
    company.branches.forEach((branch, b) => {
      const at = ['companies', c, 'branches', b];
      branch.services.forEach(
        (s, i) =>
          !offered.has(s) && issue([...at, 'services', i], `service "${s}" is not one of ${company.slug}'s services`),
      );
      if (!branch.services.includes(branch.defaultService))
        issue([...at, 'defaultService'], `"${branch.defaultService}" is not offered at this branch`);
      branch.phoneNumbers.forEach((n, i) => {
        const owner = numbers.get(n);
        if (owner) issue([...at, 'phoneNumbers', i], `${n} is already the number of ${owner}`);
        numbers.set(n, `${company.slug}/${branch.slug}`);
      });
      unique(
        branch.staff.map((s) => s.slug),
        [...at, 'staff'],
        'staff member',
      );
      branch.staff.forEach((member, m) =>
        member.services.forEach(
          (s, i) =>
            !branch.services.includes(s) &&
            issue([...at, 'staff', m, 'services', i], `service "${s}" is not offered at this branch`),
        ),
      );
    });
  });
}

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
