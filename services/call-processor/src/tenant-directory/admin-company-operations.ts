import type { z } from 'zod';
import type { Sql } from '@rb/kafka-runner';
import type { AdminInput } from './admin-input';
import type { Change, Refused } from './admin-change';
import { first, update } from './admin-change';

type Body<K extends keyof typeof AdminInput> = z.infer<(typeof AdminInput)[K]>;

/**
 * The reseller a body names by slug: its id, null for none, undefined when the body leaves it
 * as it is, or a refusal naming the slug when there is no such reseller.
 */
async function resellerIdOf(sql: Sql, slug: string | null | undefined): Promise<string | null | undefined | Refused> {
  if (slug === undefined || slug === null) return slug;
  const id = await first(sql, 'SELECT id FROM resellers WHERE slug = $1', [slug]);
  return (
    id ?? {
      kind: 'refused',
      code: 'invalid_body',
      issues: [{ path: 'reseller', message: `unknown reseller "${slug}"` }],
    }
  );
}

/** Resellers, and companies with the reseller they buy from (by slug) and their billing currency. */
export function companyOperations(change: Change) {
  return {
    createReseller: (_: string | undefined, b: Body<'createReseller'>) =>
      change('reseller', true, (sql) =>
        first(sql, 'INSERT INTO resellers (slug, name, billing_currency) VALUES ($1, $2, $3) RETURNING id', [
          b.slug,
          b.name,
          b.billingCurrency,
        ]),
      ),
    updateReseller: (id: string, b: Body<'updateReseller'>) =>
      change('reseller', false, (sql) =>
        update(sql, 'resellers', id, { name: b.name, billing_currency: b.billingCurrency, active: b.active }),
      ),
    createCompany: (_: string | undefined, b: Body<'createCompany'>) =>
      change('company', true, async (sql) => {
        const resellerId = await resellerIdOf(sql, b.reseller);
        if (typeof resellerId === 'object' && resellerId !== null) return resellerId;
        return first(
          sql,
          `INSERT INTO companies (slug, name, analysis_fields, reseller_id, billing_currency)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [b.slug, b.name, JSON.stringify(b.analysisFields), resellerId, b.billingCurrency],
        );
      }),
    updateCompany: (id: string, b: Body<'updateCompany'>) =>
      change('company', false, async (sql) => {
        const resellerId = await resellerIdOf(sql, b.reseller);
        if (typeof resellerId === 'object' && resellerId !== null) return resellerId;
        return update(sql, 'companies', id, {
          name: b.name,
          active: b.active,
          analysis_fields: b.analysisFields && JSON.stringify(b.analysisFields),
          reseller_id: resellerId,
          billing_currency: b.billingCurrency,
        });
      }),
  };
}
