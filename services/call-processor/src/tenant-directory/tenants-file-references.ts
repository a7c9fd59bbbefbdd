import type { z } from 'zod';
import type { TenantsFileContent } from './tenants-file-schema';
import { lineOf } from './tenants-file-schema';

type Path = (string | number)[];

/**
 * What one entry of tenants.yaml cannot say alone: slugs unique where they are keys, a number
 * given once, branches offering only their company's services (and their default among them),
 * staff doing only what their branch offers, a company's reseller declared under `resellers`.
 */
export function checkReferences(file: TenantsFileContent, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const unique = (values: string[], path: Path, what: string) =>
    values.forEach((v, i) => values.indexOf(v) !== i && issue([...path, i], `${what} "${v}" appears twice`));
  unique(
    file.resellers.map((r) => r.slug),
    ['resellers'],
    'reseller',
  );
  unique(
    file.companies.map((c) => c.slug),
    ['companies'],
    'company',
  );
  const resellers = new Set(file.resellers.map((r) => r.slug));
  const numbers = new Map<string, string>();
  file.companies.forEach((company, c) => {
    if (company.reseller !== undefined && !resellers.has(company.reseller))
      issue(['companies', c, 'reseller'], `reseller "${company.reseller}" is not declared under resellers`);
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
      branch.phoneNumbers.forEach((entry, i) => {
        const n = lineOf(entry).number;
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
