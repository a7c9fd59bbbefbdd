import { z } from 'zod';

/*
 * call-processor's internal query API, asked by ingress while the phone rings (call_inbound): is
 * the caller a known customer of this company, and by which name? `POST /internal/customers` with
 * `{companyId, phone}` (E.164) as a JSON body — never in the URL, which proxies and access logs keep
 * — and a bearer token of call-processor's QUERY_TOKENS. The asker gives it a short deadline and
 * answers without the name when it passes.
 */

export const CUSTOMER_LOOKUP_ROUTE = '/internal/customers';

export const CustomerLookupQuerySchema = z.strictObject({
  companyId: z.uuid(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number'),
});
export type CustomerLookupQuery = z.infer<typeof CustomerLookupQuerySchema>;

/** HTTP 200 either way: an unknown caller is an answer, not an error. */
export const CustomerLookupAnswerSchema = z.discriminatedUnion('kind', [
  /** the number has called this company before; `name` once a call told us (else null) */
  z.strictObject({ kind: z.literal('known'), name: z.string().nullable() }),
  z.strictObject({ kind: z.literal('unknown') }),
]);
export type CustomerLookupAnswer = z.infer<typeof CustomerLookupAnswerSchema>;
