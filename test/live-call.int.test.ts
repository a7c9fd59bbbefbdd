import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckAvailabilityResponseSchema } from '@rb/contracts';
import { RETELL_FIXTURES_DIR } from './paths';
import type { LiveSystem } from './support/live-system';
import { postSigned, startExampleLiveSystem } from './support/live-system';

/**
 * Integration, end to end: the live call through the three services it touches (ingress,
 * call-processor, booking with the stand-in Cal.com), on the real broker, registry, PostgreSQL and
 * Redis, with deploy/tenants.example.yaml imported as a newcomer would.
 */
describe('a live call: the phone rings, the agent asks for free times', () => {
  const SALON = '+4922198765430';
  const SABINE = '+4917612345678';
  let system: LiveSystem;

  beforeAll(async () => {
    system = await startExampleLiveSystem('live-call-test');
  }, 120_000);
  afterAll(() => system?.stop());

  const post = (path: string, body: string) => postSigned(system, path, body);

  const ring = async (from: string, to = SALON) => {
    const body = readFileSync(join(RETELL_FIXTURES_DIR, '08-call_inbound.request.json'), 'utf8')
      .replace('+493412240870', to)
      .replace('+4934155512309', from)
      .replace('call_cd4ee1790ab8cf314f667e967fa', `call_${randomUUID().replaceAll('-', '')}`);
    const response = await post('/webhooks/retell/inbound', body);
    expect(response.status).toBe(200);
    return (
      (await response.json()) as {
        call_inbound: { dynamic_variables: Record<string, string>; metadata: Record<string, string> };
      }
    ).call_inbound;
  };

  it('when a caller rang before and told the agent her name, then the next ring greets her by it', async () => {
    const first = await ring(SABINE);
    expect(first.dynamic_variables).toMatchObject({ company_name: 'Salon Haarmonie', caller_name: '' });

    // her call ends with a wish the agent did not book: call-processor learns her name from it
    const call = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '03-call_analyzed.salon-inbound.json'), 'utf8')) as {
      call: {
        call_id: string;
        from_number: string;
        call_analysis: { custom_analysis_data: Record<string, unknown> };
      };
    };
    call.call.call_id = `call_${randomUUID().replaceAll('-', '')}`;
    call.call.call_analysis.custom_analysis_data.termin_gebucht = false;
    call.call.call_analysis.custom_analysis_data.termin_beginn = nextTuesdayAt('14:30');
    expect((await post('/webhooks/retell', JSON.stringify(call))).status).toBe(204);

    const deadline = Date.now() + 30_000;
    let again = await ring(SABINE);
    while (again.dynamic_variables.caller_name === '' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await ring(SABINE);
    }
    expect(again.dynamic_variables).toMatchObject({ caller_known: 'true', caller_name: 'Sabine Krüger' });
    // another number is nobody the salon knows
    expect((await ring('+4915199999999')).dynamic_variables).toMatchObject({ caller_known: 'false', caller_name: '' });
  });

  it('when the agent asks with a spoken phrase in the call the ring routed, then booking answers free starts to read out', async () => {
    const routed = await ring(SABINE);
    const request = JSON.parse(
      readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8'),
    ) as { args: Record<string, unknown>; call: { metadata: unknown } };
    request.args = {
      dienstleistung: 'Haare schneiden',
      datum_von: 'nächsten Dienstag nachmittags',
      datum_bis: 'nächsten Dienstag nachmittags',
    };
    request.call.metadata = routed.metadata;
    const response = await post('/webhooks/retell/functions/check_availability', JSON.stringify(request));
    expect(response.status).toBe(200);
    const answer = CheckAvailabilityResponseSchema.parse(await response.json());
    expect(answer.zeitzone).toBe('Europe/Berlin');
    expect(answer.freie_termine.length).toBeGreaterThan(0);
    expect(answer.freie_termine.length).toBeLessThanOrEqual(3);
    for (const slot of answer.freie_termine) {
      expect(slot.gesprochen).toMatch(/^Dienstag, \d{1,2}\. \p{L}+, um \d{1,2}:\d{2} Uhr$/u);
      expect(slot.slot_id).toMatch(/^slot_\d{12}_1201_[0-9a-f]{8}$/);
      // a Tuesday afternoon in Berlin (12–17), with Berlin's offset
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        weekday: 'short',
        hour: '2-digit',
        hour12: false,
      }).formatToParts(new Date(slot.beginn));
      expect(local.find((p) => p.type === 'weekday')?.value).toBe('Tue');
      expect(Number(local.find((p) => p.type === 'hour')?.value)).toBeGreaterThanOrEqual(12);
      expect(Number(local.find((p) => p.type === 'hour')?.value)).toBeLessThan(17);
      expect(slot.beginn).toMatch(/\+0[12]:00$/);
    }
    // the times came from (the stand-in) Cal.com's slots
    expect(system.calcom.calls).toContain('GET /v2/slots');
  });

  it('when the tool sends the bare arguments, then the branch_id among them names the tenant (or the URL the old way); without one the agent gets a hint', async () => {
    const salon = system.companies.find((c) => c.slug === 'salon-haarmonie')!;
    const tuesday = nextTuesdayAt('00:00').slice(0, 10);
    const args = { dienstleistung: 'damenhaarschnitt', datum_von: tuesday, datum_bis: tuesday, tageszeit: 'vormittag' };
    const read = async (response: Response) => {
      const answer = (await response.json()) as { ok: boolean; freie_termine?: { beginn: string }[] };
      return [response.status, answer.ok, answer.freie_termine?.length ?? 0, answer.freie_termine?.[0]?.beginn];
    };
    const path = '/webhooks/retell/functions/check_availability';
    // the generated tool definition: branch_id is a const argument, inside the signed body
    const inBody = await read(await post(path, JSON.stringify({ ...args, branch_id: salon.branchId })));
    expect(inBody.slice(0, 2)).toEqual([200, true]);
    expect(inBody[2]).toBeGreaterThan(0);
    // the asked Tuesday morning, in the salon's zone
    expect(inBody[3]).toMatch(new RegExp(`^${tuesday}T(0[89]|1[01]):\\d{2}:00\\+0[12]:00$`));
    // a tool configured with the branch in its URL gets the same answer
    expect(await read(await post(`${path}?branch_id=${salon.branchId}`, JSON.stringify(args)))).toEqual(inBody);

    const lost = await post(path, JSON.stringify(args));
    expect(lost.status).toBe(200);
    expect(await lost.json()).toMatchObject({ ok: false, hinweis_fuer_agent: expect.any(String) });
  });
});

/** The coming Tuesday (at least two days ahead), at HH:mm Berlin time, as ISO with the offset. */
function nextTuesdayAt(time: string): string {
  const day = new Date(Date.now() + 2 * 86_400_000);
  day.setUTCDate(day.getUTCDate() + ((9 - day.getUTCDay()) % 7));
  const date = day.toISOString().slice(0, 10);
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T12:00:00Z`))
    .find((p) => p.type === 'timeZoneName')!
    .value.replace('GMT', '');
  return `${date}T${time}:00${offset || '+00:00'}`;
}
