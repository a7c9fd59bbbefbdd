import type { CustomerLookupQuery } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';

/** Whether a number has called the company before, and by which name a call told us (null: none yet). */
export type FindCustomerResult = { kind: 'known'; name: string | null } | { kind: 'unknown' };

export type FindCustomer = (query: CustomerLookupQuery) => Promise<FindCustomerResult>;

/**
 * Who is calling: the company's customer with this number, asked while the phone rings. One read
 * by the unique (company, phone) index; another company's customer with the same number is not
 * this company's, so it is unknown here.
 */
export function makeFindCustomer(deps: { sql: Sql }): FindCustomer {
  return async ({ companyId, phone }) => {
    const [row] = await deps.sql.query<{ name: string | null }>(
      'SELECT name FROM customers WHERE company_id = $1 AND phone = $2',
      [companyId, phone],
    );
    return row ? { kind: 'known', name: row.name } : { kind: 'unknown' };
  };
}
