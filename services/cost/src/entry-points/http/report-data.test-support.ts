import type { ApiHarness } from './cost-api.test-support';
import type { SeedCall } from './ledger-seed.test-support';
import { seedCosting, seedEntity, seedEntries } from './ledger-seed.test-support';

/**
 * Test support only: a small data set whose report figures are worked out by hand in
 * reports.int.test.ts. Agentur Nord (R1) sells to Salon Anna (A); Praxis Berg (B) buys from the
 * platform directly; Agentur Süd (R2) sells to Werkstatt Cramer (C).
 */
export const IDS = {
  r1: '00000000-0000-4000-8000-0000000000a1',
  r2: '00000000-0000-4000-8000-0000000000a2',
  a: '00000000-0000-4000-8000-00000000000a',
  b: '00000000-0000-4000-8000-00000000000b',
  c: '00000000-0000-4000-8000-00000000000c',
  branchA: '00000000-0000-4000-8000-0000000000ba',
  serviceA: '00000000-0000-4000-8000-00000000005a',
  staffA: '00000000-0000-4000-8000-0000000000fa',
};

const A: Omit<SeedCall, 'callId' | 'callDay'> = {
  companyId: IDS.a,
  resellerId: IDS.r1,
  branchId: IDS.branchA,
  serviceId: IDS.serviceA,
  staffId: IDS.staffA,
};

export async function seedDirectory(api: ApiHarness): Promise<void> {
  await seedEntity(api, { id: IDS.r1, entity: 'reseller', name: 'Agentur Nord', currency: 'EUR' });
  await seedEntity(api, { id: IDS.r2, entity: 'reseller', name: 'Agentur Süd', currency: 'EUR' });
  await seedEntity(api, { id: IDS.a, entity: 'company', name: 'Salon Anna', resellerId: IDS.r1, currency: 'EUR' });
  await seedEntity(api, { id: IDS.b, entity: 'company', name: 'Praxis Berg', currency: 'EUR' });
  await seedEntity(api, {
    id: IDS.c,
    entity: 'company',
    name: 'Werkstatt Cramer',
    resellerId: IDS.r2,
    currency: 'EUR',
  });
  await seedEntity(api, { id: IDS.branchA, entity: 'branch', name: 'Salon Anna Mitte', companyId: IDS.a });
  await seedEntity(api, { id: IDS.serviceA, entity: 'service', name: 'Färben', companyId: IDS.a });
  await seedEntity(api, { id: IDS.staffA, entity: 'staff', name: 'Anna', companyId: IDS.a });
}

/** Money lines in EUR (amount = amountEur) besides Retell's USD base cost, which carries its euro value. */
const money = (kind: string, component: string, eur: string): [string, string, string, string, string] => [
  kind,
  component,
  'EUR',
  eur,
  eur,
];

export async function seedCalls(api: ApiHarness): Promise<void> {
  // 23:50 in Berlin on 30 June (21:50 UTC): a June call
  await seedEntries(api, { ...A, callId: 'call-a1', callDay: '2024-06-30' }, 1, 'costed', [
    ['call', '', '', '1'],
    ['connected_seconds', '', '', '125'],
    ['confirmed_bookings', '', '', '1'],
    ['alternative_bookings', '', '', '1'],
    ['base_cost', 'llm', 'USD', '0.06423', '0.06'],
    ['base_cost', 'voice', 'USD', '0.04282', '0.04'],
    money('wholesale', 'usage', '0.30'),
    money('retail', 'usage', '0.45'),
    money('retail', 'booking_fees', '0.05'),
    money('platform_profit', '', '0.20'),
    money('reseller_profit', '', '0.20'),
  ]);
  // 00:30 in Berlin on 1 July (22:30 UTC on 30 June): a July call
  await seedEntries(api, { ...A, callId: 'call-a2', callDay: '2024-07-01' }, 1, 'costed', [
    ['call', '', '', '1'],
    ['connected_seconds', '', '', '60'],
    ['base_cost', 'llm', 'USD', '0.0535', '0.05'],
    money('wholesale', 'usage', '0.12'),
    money('retail', 'usage', '0.20'),
    money('platform_profit', '', '0.07'),
    money('reseller_profit', '', '0.08'),
  ]);
  // costed, then a booking confirmed after the call was costed: an adjustment at revision 2
  const a3 = { ...A, callId: 'call-a3', callDay: '2024-06-15' };
  await seedEntries(api, a3, 1, 'costed', [
    ['call', '', '', '1'],
    ['connected_seconds', '', '', '90'],
    ['base_cost', 'llm', 'USD', '0.0802875', '0.075'],
    money('wholesale', 'usage', '0.15'),
    money('retail', 'usage', '0.25'),
    money('platform_profit', '', '0.075'),
    money('reseller_profit', '', '0.10'),
  ]);
  await seedEntries(api, a3, 2, 'late_fact', [
    ['confirmed_bookings', '', '', '1'],
    money('retail', 'booking_fees', '0.05'),
    money('reseller_profit', '', '0.05'),
  ]);
  await seedCosting(api, 'call-a3', { status: 'costed', revision: 2 });
  await seedEntries(
    api,
    { companyId: IDS.b, resellerId: null, callId: 'call-b1', callDay: '2024-06-20' },
    1,
    'costed',
    [
      ['call', '', '', '1'],
      ['connected_seconds', '', '', '300'],
      ['confirmed_bookings', '', '', '2'],
      ['alternative_bookings', '', '', '0'],
      ['base_cost', 'llm', 'USD', '0.35683', '0.333333'],
      money('wholesale', 'usage', '1.00'),
      money('retail', 'usage', '1.00'),
      money('platform_profit', '', '0.666667'),
    ],
  );
  // May: Salon Anna still bought through Agentur Süd (it moved to Agentur Nord since)
  await seedEntries(api, { ...A, resellerId: IDS.r2, callId: 'call-a0', callDay: '2024-05-20' }, 1, 'costed', [
    ['call', '', '', '1'],
    money('wholesale', 'usage', '0.10'),
    money('retail', 'usage', '0.30'),
  ]);
  await seedEntries(
    api,
    { companyId: IDS.c, resellerId: IDS.r2, callId: 'call-c1', callDay: '2024-06-10' },
    1,
    'costed',
    [
      ['call', '', '', '1'],
      ['connected_seconds', '', '', '30'],
      ['base_cost', 'llm', 'USD', '0.02141', '0.02'],
      money('wholesale', 'usage', '0.10'),
      money('retail', 'usage', '0.15'),
      money('platform_profit', '', '0.08'),
      money('reseller_profit', '', '0.05'),
    ],
  );
}
