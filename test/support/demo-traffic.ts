import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningCost } from '../../services/cost/src/service';
import { ADMIN_TOKEN, COST_MIGRATIONS, startService as startCost } from '../../services/cost/test/cost-harness';
import { REPO_ROOT, RETELL_FIXTURES_DIR } from '../paths';
import { createTopic, uniqueName } from './kafka';
import type { LiveSystem } from './live-system';
import { postSigned, startExampleLiveSystem } from './live-system';
import { createTestDatabase } from './postgres';

/** The four services as scripts/up.sh runs them: the live system, and cost on its topics with rates and prices. */
export interface DemoSystem {
  live: LiveSystem;
  cost: RunningCost;
  /** each service's ops listener (host:port), by the job name deploy/prometheus/prometheus.yml gives it */
  scrapeTargets: Record<'ingress' | 'call-processor' | 'booking' | 'cost', string[]>;
  stop(): Promise<void>;
}

const SALON = '+4922198765430';
const CALLER = '+4917655501234';
type Answer = Record<string, unknown>;

export async function startDemoSystem(): Promise<DemoSystem> {
  const live = await startExampleLiveSystem('dashboards-test');
  const costDb = await createTestDatabase('cost_dashboards', COST_MIGRATIONS);
  const costs = uniqueName('it.dash-costs');
  await createTopic(costs);
  await importRates(costDb.url);
  const cost = await startCost(costDb.url, { ...live.topics, costs });
  await postPrices(cost.url, live);
  const hostPort = (url: string) => new URL(url).host;
  return {
    live,
    cost,
    scrapeTargets: {
      ingress: [hostPort(live.ingress.opsUrl)],
      'call-processor': [hostPort(live.callProcessor.url)],
      booking: [hostPort(live.booking.url)],
      cost: [hostPort(cost.url)],
    },
    async stop() {
      await cost.stop();
      await costDb.drop();
      await live.stop();
    },
  };
}

/**
 * One round of what scripts/demo.ts does, with this round's own call ids: a live call (the ring,
 * check_availability twice — a cold then a warm cache —, book_appointment and Retell's retry of it,
 * find_appointments in args-only mode, call_analyzed with the tool call), a ring for a number
 * nobody has, the fixture calls posted signed (one redelivered, one wrongly signed, one not JSON),
 * two callers wishing the same time after their calls, cost's reports and a re-cost; beyond the
 * demo, a second live caller who picks the slot just booked and takes an alternative (for the
 * business dashboard's alternatives-taken panels).
 */
export async function driveDemoRound(system: DemoSystem, round: number): Promise<void> {
  const run = `${Date.now().toString(36)}r${round}`;
  const { callId: liveCallId, bookedSlotId } = await liveCall(system.live, run);
  await liveCallTakingAlternative(system.live, run, bookedSlotId);
  await postCallWebhooks(system.live, run, round);
  await costApi(system.cost.url, liveCallId);
}

async function expectStatus(what: string, response: Promise<Response>, status: number): Promise<Response> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${await answer.text()}, not ${status}`);
  return answer;
}

/** The ring, the tools, Retell's retry of the book, and call_analyzed with the tool call; returns the call's id and its slot. */
async function liveCall(live: LiveSystem, run: string): Promise<{ callId: string; bookedSlotId: string }> {
  const callId = `call_dash_live_${run}`;
  const metadata = await ring(live, callId, SALON);
  await ring(live, `call_dash_nobody_${run}`, '+4930000000000');
  const ask = { dienstleistung: 'Haare schneiden', datum_von: 'nächsten Dienstag nachmittags' };
  await tool(live, 'check_availability', callId, metadata, ask);
  const free = await tool(live, 'check_availability', callId, metadata, ask);
  const slot = (free.freie_termine as { slot_id: string }[] | undefined)?.[0];
  if (!slot) throw new Error(`check_availability: no free start (${JSON.stringify(free)})`);
  const bookArgs = { slot_id: slot.slot_id, kunde_name: 'Jonas Weber', dienstleistung: 'Haare schneiden' };
  const booked = await tool(live, 'book_appointment', callId, metadata, bookArgs);
  if (booked.ok !== true) throw new Error(`book_appointment: ${JSON.stringify(booked)}`);
  await tool(live, 'book_appointment', callId, metadata, bookArgs);
  const salon = live.companies.find((c) => c.slug === 'salon-haarmonie')!;
  const argsOnly = { branch_id: salon.branchId, call_id: callId, anrufer_nummer: CALLER };
  const found = postSigned(live, '/webhooks/retell/functions/find_appointments', JSON.stringify(argsOnly));
  await expectStatus('find_appointments, args only', found, 200);
  const turns = [
    { role: 'tool_call_invocation', tool_call_id: 't1', name: 'book_appointment', arguments: JSON.stringify(bookArgs) },
    { role: 'tool_call_result', tool_call_id: 't1', content: JSON.stringify(booked), successful: true },
    { role: 'agent', content: `Erledigt: ich habe Sie für ${String(booked.gesprochen)} eingetragen.`, words: [] },
  ];
  await expectStatus('call_analyzed of the live call', postAnalysed(live, callId, metadata, turns), 204);
  return { callId, bookedSlotId: slot.slot_id };
}

/**
 * A second caller books the slot the first one just got: booking answers slot_taken with
 * alternatives, which the agent reads out, and the caller books the first of them in the same
 * call (booking.confirmed.v1 with alternative: true).
 */
async function liveCallTakingAlternative(live: LiveSystem, run: string, takenSlotId: string): Promise<void> {
  const callId = `call_dash_alternative_${run}`;
  const metadata = await ring(live, callId, SALON);
  const args = { slot_id: takenSlotId, kunde_name: 'Mia Schulz', dienstleistung: 'Haare schneiden' };
  const taken = await tool(live, 'book_appointment', callId, metadata, args);
  const alternative = (taken.alternativen as { slot_id: string }[] | undefined)?.[0];
  if (taken.fehler !== 'slot_taken' || !alternative)
    throw new Error(`book_appointment of a taken slot: ${JSON.stringify(taken)}`);
  const booked = await tool(live, 'book_appointment', callId, metadata, { ...args, slot_id: alternative.slot_id });
  if (booked.ok !== true) throw new Error(`book_appointment of an alternative: ${JSON.stringify(booked)}`);
}

/** The fixture calls and the two wishes, one redelivered, one wrongly signed, one body that is not JSON. */
async function postCallWebhooks(live: LiveSystem, run: string, round: number): Promise<void> {
  const posted = fixtureCalls(run, round);
  for (const body of posted) await expectStatus('a fixture webhook', postSigned(live, '/webhooks/retell', body), 204);
  await expectStatus('a redelivery', postSigned(live, '/webhooks/retell', posted[1]!), 200);
  const wrongKey = fetch(`${live.ingress.url}/webhooks/retell`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': 'v=1,d=00' },
    body: posted[0],
  });
  await expectStatus('a wrong signature', wrongKey, 401);
  await expectStatus('a body that is not JSON', postSigned(live, '/webhooks/retell', '{"event":'), 400);
}

/** What the operator asks cost: this year's report by reseller, and a re-cost of the live call once cost has it. */
async function costApi(costUrl: string, callId: string): Promise<void> {
  const asOperator = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const year = new Date().getUTCFullYear();
  const report = fetch(`${costUrl}/reports?by=reseller&period=month&from=${year}-01-01&to=${year}-12-31`, {
    headers: asOperator,
  });
  await expectStatus('cost reports', report, 200);
  // cost reads the call's events a moment after ingress answered: until then it is unknown (404) or not costable (409)
  const deadline = Date.now() + 15_000;
  for (;;) {
    const recost = await fetch(`${costUrl}/admin/calls/${callId}/recost`, {
      method: 'POST',
      headers: asOperator,
      body: JSON.stringify({ reason: 'dashboard test', requestedBy: 'test' }),
    });
    if (recost.status === 200) return;
    if (![404, 409].includes(recost.status) || Date.now() > deadline)
      throw new Error(`a re-cost: ${recost.status} ${await recost.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function ring(live: LiveSystem, callId: string, to: string): Promise<unknown> {
  const body = readFileSync(join(RETELL_FIXTURES_DIR, '08-call_inbound.request.json'), 'utf8')
    .replace('+493412240870', to)
    .replace('+4934155512309', CALLER)
    .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
  const response = await postSigned(live, '/webhooks/retell/inbound', body);
  if (response.status !== 200) throw new Error(`call_inbound: ${response.status}`);
  return ((await response.json()) as { call_inbound: { metadata?: unknown } }).call_inbound.metadata;
}

async function tool(live: LiveSystem, name: string, callId: string, metadata: unknown, args: Answer): Promise<Answer> {
  const request = JSON.parse(
    readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8'),
  );
  Object.assign(request, { name, args });
  Object.assign(request.call, { call_id: callId, metadata, from_number: CALLER, to_number: SALON });
  const response = await postSigned(live, `/webhooks/retell/functions/${name}`, JSON.stringify(request));
  if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
  return (await response.json()) as Answer;
}

/** Fixture 03 made the live call's: its transcript with the tool call, an analysis asking for the booked time. */
function postAnalysed(
  live: LiveSystem,
  callId: string,
  metadata: unknown,
  turns: { role: string; content?: string }[],
) {
  const analysed = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '03-call_analyzed.salon-inbound.json'), 'utf8'));
  const now = Date.now();
  Object.assign(analysed.call, {
    call_id: callId,
    metadata,
    from_number: CALLER,
    to_number: SALON,
    start_timestamp: now - 90_000,
    end_timestamp: now - 5_000,
    transcript_with_tool_calls: turns,
    transcript: turns
      .filter((t) => t.role === 'agent')
      .map((t) => `Agent: ${t.content}`)
      .join('\n'),
    transcript_object: turns.filter((t) => t.role === 'agent'),
  });
  Object.assign(analysed.call.call_analysis.custom_analysis_data, { termin_gebucht: true, termin_beginn: null });
  return postSigned(live, '/webhooks/retell', JSON.stringify(analysed));
}

const FIXTURES = [
  '01-call_started.salon-inbound.json',
  '02-call_ended.salon-inbound.json',
  '03-call_analyzed.salon-inbound.json',
  '04-call_ended.praxis-outbound-no-answer.json',
  '05-transcript_updated.praxis-inbound.json',
  '06-transfer_started.praxis-inbound.json',
  '07-call_analyzed.praxis-inbound-transfer.json',
];

/** The demo's fixture calls with this round's ids, and two callers wishing the same time after their calls. */
function fixtureCalls(run: string, round: number): string[] {
  const bodies = FIXTURES.map((file) => {
    const raw = readFileSync(join(RETELL_FIXTURES_DIR, file), 'utf8');
    const id = (JSON.parse(raw) as { call: { call_id: string } }).call.call_id;
    return raw.split(id).join(`${id}_${run}`);
  });
  const wishedStart = nextSalonDayAt(['14:30', '15:30', '16:30'][round % 3]!);
  for (const [prefix, from] of [
    ['call_dash_wish', '+4917612345678'],
    ['call_dash_same_wish', '+4915112345679'],
  ] as const) {
    const wish = JSON.parse(bodies[2]!);
    wish.call.call_id = `${prefix}_${run}`;
    wish.call.from_number = from;
    Object.assign(wish.call.call_analysis.custom_analysis_data, { termin_gebucht: false, termin_beginn: wishedStart });
    bodies.push(JSON.stringify(wish));
  }
  return bodies;
}

/** The time (Europe/Berlin) on the next day the salon works (Tuesday to Saturday), with its offset. */
function nextSalonDayAt(time: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const day = new Date(`${today}T12:00:00Z`);
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 1);
  const date = day.toISOString().slice(0, 10);
  const offset = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T${time}:00Z`))
    .find((p) => p.type === 'timeZoneName')!
    .value.replace('GMT', '');
  return `${date}T${time}:00${offset || '+00:00'}`;
}

/**
 * Exchange rates as scripts/demo-prices.sh imports them (pnpm cost:import-rates): the demo's
 * stand-in file for the fixture days, and one for each of the last two weeks (the live calls are
 * today's), with the demo's rate (NOT ECB figures).
 */
async function importRates(databaseUrl: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rb-rates-'));
  try {
    const days = Array.from({ length: 15 }, (_, i) => new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10));
    const cubes = days.map((d) => `<Cube time='${d}'><Cube currency='USD' rate='1.0705'/></Cube>`).join('');
    const recent = join(dir, 'recent.xml');
    writeFileSync(
      recent,
      `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope><Cube>${cubes}</Cube></gesmes:Envelope>`,
    );
    await promisify(execFile)(
      'pnpm',
      ['-s', 'cost:import-rates', join(REPO_ROOT, 'deploy', 'cost', 'ecb-rates.demo.xml'), recent],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The example prices (deploy/cost/plans.example.json) through cost's API, as scripts/demo-prices.sh posts them. */
async function postPrices(costUrl: string, live: LiveSystem): Promise<void> {
  const plans = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'cost', 'plans.example.json'), 'utf8'));
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${costUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`cost ${path}: ${response.status} ${await response.text()}`);
  };
  await post('/plans', { ...plans.platformDefault, seller: 'platform', buyer: { kind: 'default' } });
  const resellers = (await live.callProcessorSql('SELECT id FROM resellers')) as { id: string }[];
  for (const { id } of resellers) {
    await post('/plans', {
      ...plans.wholesaleForEachReseller,
      seller: 'platform',
      buyer: { kind: 'reseller', resellerId: id },
    });
    await post('/plans', { ...plans.eachResellersDefault, seller: id, buyer: { kind: 'default' } });
  }
  for (const rate of plans.twilioRates) await post('/twilio-rates', rate);
}
