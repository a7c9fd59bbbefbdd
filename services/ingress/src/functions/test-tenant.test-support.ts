import type { Branch, BranchRoute, Company, Service, Staff } from '../directory/routing-directory';

/** A salon in Cologne as the directory describes it, for the functions' unit tests. */
export const IDS = {
  company: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e01',
  branch: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e02',
  cut: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e11',
  colour: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e12',
  mensCut: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e13',
  jana: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e21',
  ole: '1f0b7a52-8d2e-4c1a-9b3f-0a1b2c3d4e22',
} as const;
const at = '2026-10-01T10:00:00Z';

const company: Company = {
  entity: 'company',
  id: IDS.company,
  active: true,
  changedAt: at,
  version: 1,
  slug: 'haarmonie',
  name: 'Salon Haarmonie',
};
const branch: Branch = {
  entity: 'branch',
  id: IDS.branch,
  active: true,
  changedAt: at,
  version: 1,
  companyId: IDS.company,
  slug: 'koeln-ehrenfeld',
  name: 'Köln Ehrenfeld',
  timeZone: 'Europe/Berlin',
  federalState: 'NW',
  workingDays: [2, 3, 4, 5, 6],
  defaultServiceId: IDS.cut,
  serviceIds: [IDS.cut, IDS.colour, IDS.mensCut],
  language: 'de-DE',
};
const service = (id: string, slug: string, name: string, synonyms: string[], eventType: number): Service => ({
  entity: 'service',
  id,
  active: true,
  changedAt: at,
  version: 1,
  companyId: IDS.company,
  slug,
  name,
  synonyms,
  calcomEventTypeId: eventType,
  durationMinutes: 60,
  priceMinor: 4500,
  currency: 'EUR',
});
const staff = (id: string, slug: string, name: string, serviceIds: string[]): Staff => ({
  entity: 'staff',
  id,
  active: true,
  changedAt: at,
  version: 1,
  companyId: IDS.company,
  branchId: IDS.branch,
  slug,
  name,
  calcomUserId: null,
  serviceIds,
});

export const SALON: BranchRoute = {
  company,
  branch,
  services: [
    service(
      IDS.cut,
      'damenhaarschnitt_foehnen',
      'Damenhaarschnitt & Föhnen',
      ['Schneiden und Föhnen', 'Waschen, Schneiden, Föhnen'],
      3101,
    ),
    service(IDS.colour, 'faerben', 'Färben', ['Farbe', 'Tönung'], 3102),
    service(IDS.mensCut, 'herrenhaarschnitt', 'Herrenhaarschnitt', [], 3103),
  ],
  staff: [
    staff(IDS.jana, 'jana', 'Jana Becker', [IDS.cut, IDS.colour]),
    staff(IDS.ole, 'ole', 'Ole Schmitz', [IDS.mensCut]),
  ],
};

/** The same salon answering in English (a branch whose language is en-GB). */
export const ENGLISH_SALON: BranchRoute = { ...SALON, branch: { ...branch, language: 'en-GB' } };
