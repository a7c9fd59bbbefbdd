import { randomUUID } from 'node:crypto';
import type { NumberRoute } from '../directory/routing-directory';
import { agentVariables, callMetadata } from './agent-variables';

const at = '2026-12-01T10:00:00Z';
const hours = {
  mon: [
    { opens: '08:00', closes: '12:00' },
    { opens: '15:00', closes: '18:00' },
  ],
  tue: [{ opens: '08:30', closes: '12:00' }],
  wed: [],
  thu: [{ opens: '08:00', closes: '12:00' }],
  fri: [{ opens: '08:00', closes: '12:00' }],
  sat: [],
  sun: [],
};
function route(extra: Partial<NumberRoute['branch']> = {}): NumberRoute {
  const companyId = randomUUID();
  const branchId = randomUUID();
  return {
    company: {
      entity: 'company',
      id: companyId,
      active: true,
      changedAt: at,
      version: 1,
      slug: 'praxis',
      name: 'Hausarztpraxis Dr. Brandt',
    },
    branch: {
      entity: 'branch',
      id: branchId,
      active: true,
      changedAt: at,
      version: 1,
      companyId,
      slug: 'leipzig',
      name: 'Leipzig',
      timeZone: 'Europe/Berlin',
      federalState: 'SN',
      workingDays: [1, 2, 4, 5],
      defaultServiceId: randomUUID(),
      serviceIds: [],
      address: { street: 'Petersstraße 28', postalCode: '04109', city: 'Leipzig', country: 'DE' },
      openingHours: hours,
      language: 'de-DE',
      greetingName: 'Praxis Dr. Brandt am Markt',
      agentOverride: null,
      ...extra,
    },
    number: {
      entity: 'phone_number',
      id: randomUUID(),
      active: true,
      changedAt: at,
      version: 1,
      companyId,
      branchId,
      number: '+493412240870',
    },
    services: [
      {
        entity: 'service',
        id: randomUUID(),
        active: true,
        changedAt: at,
        version: 1,
        companyId,
        slug: 'sprechstunde',
        name: 'Sprechstunde',
        synonyms: [],
        calcomEventTypeId: 1,
        durationMinutes: 15,
        priceMinor: null,
        currency: 'EUR',
      },
    ],
  };
}

describe('what the agent knows when the phone rings', () => {
  // Monday 7 December 2026, 23:30 UTC: already Tuesday 00:30 in Berlin
  const lateMonday = new Date('2026-12-07T23:30:00Z');

  it('when a German branch is called, then its name, address, hours and today in Berlin, in German', () => {
    const leipzig = route();
    expect(agentVariables(leipzig, lateMonday)).toEqual({
      company_name: 'Hausarztpraxis Dr. Brandt',
      branch_name: 'Leipzig',
      greeting_name: 'Praxis Dr. Brandt am Markt',
      language: 'de-DE',
      address: 'Petersstraße 28, 04109 Leipzig',
      opening_hours:
        'Montag: 8–12 und 15–18 Uhr; Dienstag: 8:30–12 Uhr; Mittwoch: geschlossen; Donnerstag: 8–12 Uhr; Freitag: 8–12 Uhr; Samstag: geschlossen; Sonntag: geschlossen',
      opening_hours_today: '8:30–12 Uhr',
      services: 'Sprechstunde (15 Minuten)',
      today: 'Dienstag, 8. Dezember 2026',
      today_iso: '2026-12-08',
      weekday: 'Dienstag',
      current_time: '00:30',
      time_zone: 'Europe/Berlin',
      company_id: leipzig.company.id,
      branch_id: leipzig.branch.id,
      phone_number_id: leipzig.number.id,
    });
  });

  it('when an English-speaking branch is called, then the same in English; without a profile, empty texts and the company greets', () => {
    const english = agentVariables(route({ language: 'en-GB' }), lateMonday);
    expect([english.today, english.opening_hours_today, english.services]).toEqual([
      'Tuesday, 8 December 2026',
      '08:30–12:00',
      'Sprechstunde (15 minutes)',
    ]);
    const bare = agentVariables(
      route({ address: null, openingHours: null, greetingName: null, language: undefined }),
      lateMonday,
    );
    expect([bare.address, bare.opening_hours, bare.greeting_name, bare.language]).toEqual([
      '',
      '',
      'Hausarztpraxis Dr. Brandt',
      'de-DE',
    ]);
  });

  it('when the call carries on, then its metadata is the tenant ids only', () => {
    const r = route();
    expect(callMetadata(r)).toEqual({ companyId: r.company.id, branchId: r.branch.id, phoneNumberId: r.number.id });
  });
});
