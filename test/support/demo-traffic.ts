import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CallTool } from '../../scripts/lib/demo-calls';
import {
  bookFirstFreeStart,
  bookOfferedAlternative,
  fixtureCalls,
  LIVE_ASK,
  nextSalonDayAt,
  sameWishCalls,
} from '../../scripts/lib/demo-calls';
import type { RetellTraffic } from '../../scripts/lib/retell-traffic';
import {
  agentSays,
  LIVE_CALLER,
  liveTool,
  postAnalysed,
  postSigned,
  ring,
  SALON,
  toolTurns,
} from '../../scripts/lib/retell-traffic';
import type { RunningCost } from '../../services/cost/src/service';
import { ADMIN_TOKEN, COST_MIGRATIONS, startService as startCost } from '../../services/cost/test/cost-harness';
import { TEST_API_KEY } from '../../services/ingress/test/support';
import { REPO_ROOT, RETELL_FIXTURES_DIR } from '../paths';
import { createTopic, uniqueName } from './kafka';
import type { LiveSystem } from './live-system';
import { startExampleLiveSystem } from './live-system';
import { createTestDatabase } from './postgres';

/** The four services as scripts/up.sh runs them: the live system, and cost on its topics with rates and prices. */
export interface DemoSystem {
  live: LiveSystem;
  cost: RunningCost;
  /** each service's ops listener (host:port), by the job name deploy/prometheus/prometheus.yml gives it */
  scrapeTargets: Record<'ingress' | 'call-processor' | 'booking' | 'cost', string[]>;
  stop(): Promise<void>;
}

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
 * find_appointments in args-only mode, call_analyzed with the tool call), a second live caller who
 * picks the slot just booked and takes an alternative (for the business dashboard's
 * alternatives-taken panels), a ring for a number nobody has, the fixture calls posted signed (one
 * redelivered, one wrongly signed, one not JSON), two callers wishing the same time after their
 * calls, cost's reports and a re-cost. The requests are the demo's own (scripts/lib).
 */
export async function driveDemoRound(system: DemoSystem, round: number): Promise<void> {
  const run = `${Date.now().toString(36)}r${round}`;
  const retell: RetellTraffic = {
    ingressUrl: system.live.ingress.url,
    apiKey: TEST_API_KEY,
    fixtures: RETELL_FIXTURES_DIR,
  };
  const { callId: liveCallId, bookedSlotId } = await liveCall(retell, system.live, run);
  await liveCallTakingAlternative(retell, run, bookedSlotId);
  await postCallWebhooks(retell, run, round);
  await costApi(system.cost.url, liveCallId);
}

async function expectStatus(what: string, response: Promise<Response>, status: number): Promise<Response> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${await answer.text()}, not ${status}`);
  return answer;
}

/** The ring at `to`; the call's metadata. */
async function ringAt(retell: RetellTraffic, callId: string, to: string): Promise<unknown> {
  const { status, answer } = await ring(retell, { callId, to, from: LIVE_CALLER });
  if (status !== 200) throw new Error(`call_inbound: ${status}`);
  return answer.call_inbound?.metadata;
}

/** The live caller's tool calls in call `callId`, each answered 200. */
function toolsOf(retell: RetellTraffic, callId: string, metadata: unknown): CallTool {
  return async (name, args) => {
    const { status, answer } = await liveTool(retell, callId, metadata, name, args);
    if (status !== 200) throw new Error(`${name}: ${status}`);
    return answer;
  };
}

/** The ring, the tools, Retell's retry of the book, and call_analyzed with the tool call; returns the call's id and its slot. */
async function liveCall(
  retell: RetellTraffic,
  live: LiveSystem,
  run: string,
): Promise<{ callId: string; bookedSlotId: string }> {
  const callId = `call_dash_live_${run}`;
  const metadata = await ringAt(retell, callId, SALON);
  await ringAt(retell, `call_dash_nobody_${run}`, '+4930000000000');
  const tool = toolsOf(retell, callId, metadata);
  await tool('check_availability', LIVE_ASK); // the cold cache; bookFirstFreeStart asks again
  const booking = await bookFirstFreeStart(tool, 'Jonas Weber');
  if (booking.kind !== 'booked') throw new Error(`the live call's booking: ${booking.kind} ${JSON.stringify(booking)}`);
  const salon = live.companies.find((c) => c.slug === 'salon-haarmonie')!;
  const argsOnly = { branch_id: salon.branchId, call_id: callId, anrufer_nummer: LIVE_CALLER };
  const found = postSigned(retell, '/webhooks/retell/functions/find_appointments', JSON.stringify(argsOnly));
  await expectStatus('find_appointments, args only', found, 200);
  const turns = [
    ...toolTurns('t1', 'book_appointment', booking.args, booking.booked),
    agentSays(`Erledigt: ich habe Sie für ${String(booking.booked.gesprochen)} eingetragen.`),
  ];
  const analysed = postAnalysed(retell, { callId, metadata, turns, bookedDuringCall: true, start: null });
  await expectStatus('call_analyzed of the live call', analysed, 204);
  return { callId, bookedSlotId: booking.slotId };
}

/** A second caller books the slot the first one just got and takes the first alternative offered. */
async function liveCallTakingAlternative(retell: RetellTraffic, run: string, takenSlotId: string): Promise<void> {
  const callId = `call_dash_alternative_${run}`;
  const metadata = await ringAt(retell, callId, SALON);
  const result = await bookOfferedAlternative(toolsOf(retell, callId, metadata), takenSlotId, 'Mia Schulz');
  if (result.kind !== 'booked') throw new Error(`booking an offered alternative: ${JSON.stringify(result)}`);
}

/** The fixture calls and the two wishes, one redelivered, one wrongly signed, one body that is not JSON. */
async function postCallWebhooks(retell: RetellTraffic, run: string, round: number): Promise<void> {
  const calls = fixtureCalls(retell, run).map((call) => call.body);
  const wishedStart = nextSalonDayAt(['14:30', '15:30', '16:30'][round % 3]!);
  const wishes = sameWishCalls(calls[2]!, wishedStart, [`call_dash_wish_${run}`, `call_dash_same_wish_${run}`]);
  const posted = [...calls, ...wishes.map((wish) => wish.body)];
  for (const body of posted) await expectStatus('a fixture webhook', postSigned(retell, '/webhooks/retell', body), 204);
  await expectStatus('a redelivery', postSigned(retell, '/webhooks/retell', posted[1]!), 200);
  const wrongKey = postSigned(retell, '/webhooks/retell', posted[0]!, 'v=1,d=00');
  await expectStatus('a wrong signature', wrongKey, 401);
  await expectStatus('a body that is not JSON', postSigned(retell, '/webhooks/retell', '{"event":'), 400);
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
