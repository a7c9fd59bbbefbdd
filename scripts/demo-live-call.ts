/**
 * The demo's live calls, part 2 (scripts/demo.ts calls it): one whole phone call as Retell would
 * drive it against the running system — the ring (call_inbound), check_availability for the
 * caller's words, book_appointment for the first free start, then the post-call call_analyzed
 * whose transcript records that tool call and the agent's confirmation. It shows one booking (the
 * post-call analysis asks for the same appointment, and booking keeps the live booking as the
 * call's) and the truth check passing. Then a second caller who wants the start just booked: it is
 * taken, the agent offers alternatives and she books the first (booking.confirmed.v1 with
 * alternative true). Then a third call whose agent claimed a booking without ever booking it, and
 * the booking.claim-mismatch.v1 it raises. The requests are scripts/lib's, which the dashboards
 * test plays too.
 */
import type { CallTool } from './lib/demo-calls';
import { bookFirstFreeStart, bookOfferedAlternative } from './lib/demo-calls';
import type { Answer, RetellTraffic, Turn } from './lib/retell-traffic';
import { agentSays, LIVE_CALLER, liveTool, postAnalysed, ring, SALON, toolTurns } from './lib/retell-traffic';

export interface LiveCallDemo extends RetellTraffic {
  bookingUrl: string;
  run: string;
  /** what the demo expected and did not see */
  missing: string[];
  /** reads this run's outcomes (keys in `callIds`) until `enough` says so, 30 s at most */
  readOutcomes: (
    callIds: Set<string>,
    enough: (key: string, event: Record<string, unknown> & { type: string }) => boolean,
  ) => Promise<void>;
}

export async function showWholeLiveCall(demo: LiveCallDemo): Promise<void> {
  const calls = {
    live: `call_live_${demo.run}`,
    alternative: `call_live_alternative_${demo.run}`,
    falseClaim: `call_false_claim_${demo.run}`,
  };
  console.log(`\nA whole live call (${calls.live}), as Retell drives it:`);
  const checksBefore = await claimChecks(demo);
  const slotId = await liveCallBooking(demo, calls.live);
  if (!slotId) return;
  console.log(
    `\n  a second caller (${calls.alternative}) wants the same start; it is taken, she takes an alternative:`,
  );
  if (!(await liveCallTakingAlternative(demo, calls.alternative, slotId))) return;
  console.log(`\n  a third call: the agent says it booked, but never called book_appointment:`);
  const metadata = await ringing(demo, calls.falseClaim);
  if (!metadata) return;
  // Retell's analysis believes the agent (booked during the call), so nobody would book it afterwards
  const claim = agentSays('Alles klar, ich habe Sie für Donnerstag um 11 Uhr eingetragen. Bis dann!');
  await analysed(demo, calls.falseClaim, metadata, [claim], null, true);
  await showOutcomes(demo, calls, checksBefore);
}

/** The ring, the free times, the booking and Retell's retry of it, the call's end; the booked slot's id. */
async function liveCallBooking(demo: LiveCallDemo, callId: string): Promise<string | undefined> {
  const metadata = await ringing(demo, callId);
  if (!metadata) return undefined;
  const booking = await bookFirstFreeStart(printedTools(demo, callId, metadata), 'Jonas Weber');
  if (booking.kind === 'no-free-start')
    return void demo.missing.push(`check_availability in the live call: no free start (${str(booking.answer)})`);
  if (booking.kind === 'not-booked')
    return void demo.missing.push(`book_appointment: expected a booking, got ${str(booking.answer)}`);
  const { booked, again } = booking;
  if (again.booking_id !== booked.booking_id)
    demo.missing.push(`book_appointment repeated: expected ${String(booked.booking_id)}, got ${str(again)}`);
  console.log(`\n  the call ends; Retell posts call_analyzed with the tool calls and the agent's words:`);
  const turns = [
    ...toolTurns('t1', 'book_appointment', booking.args, booked),
    agentSays(`Erledigt, Herr Weber: ich habe Sie für ${String(booked.gesprochen)} eingetragen.`),
  ];
  await analysed(demo, callId, metadata, turns, String(booked.beginn));
  return booking.slotId;
}

/** The second caller asks for `takenSlotId`, hears the alternatives, books the first; her call ends. */
async function liveCallTakingAlternative(demo: LiveCallDemo, callId: string, takenSlotId: string): Promise<boolean> {
  const metadata = await ringing(demo, callId);
  if (!metadata) return false;
  const result = await bookOfferedAlternative(printedTools(demo, callId, metadata), takenSlotId, 'Mia Schulz');
  if (result.kind !== 'booked') {
    demo.missing.push(
      `book_appointment of a taken start, then of an alternative: ${result.kind} ${str(result.answer)}`,
    );
    return false;
  }
  const { booked } = result;
  const offered = (result.taken.alternativen as { gesprochen?: string }[])[0]?.gesprochen;
  const turns = [
    ...toolTurns('t1', 'book_appointment', result.wished, result.taken),
    agentSays(`Die Zeit ist leider gerade vergeben. Frei wäre ${String(offered)}.`),
    { role: 'user', content: 'Dann nehme ich den ersten Termin.' },
    ...toolTurns('t2', 'book_appointment', result.chosen, booked),
    agentSays(`Erledigt, Frau Schulz: ich habe Sie für ${String(booked.gesprochen)} eingetragen.`),
  ];
  await analysed(demo, callId, metadata, turns, String(booked.beginn));
  return true;
}

/** What booking emitted for the three calls, and the truth checks they added. */
async function showOutcomes(
  demo: LiveCallDemo,
  calls: { live: string; alternative: string; falseClaim: string },
  checksBefore: Checks,
): Promise<void> {
  console.log(`\n  what booking emitted on booking.outcomes.v1 for the three calls:`);
  const confirmed = new Map<string, boolean[]>();
  const mismatches = new Map<string, unknown>();
  await demo.readOutcomes(new Set(Object.values(calls)), (key, event) => {
    const detail = event.type === 'booking.claim-mismatch.v1' ? str(event.mismatches) : '';
    const alternative = event.type === 'booking.confirmed.v1' ? `alternative=${String(event.alternative)}` : '';
    console.log(`    ${key}  ${event.type}  ${alternative}${detail}`);
    if (event.type === 'booking.confirmed.v1') confirmed.set(key, [...(confirmed.get(key) ?? []), !!event.alternative]);
    if (event.type === 'booking.claim-mismatch.v1') mismatches.set(key, event.mismatches);
    return mismatches.has(calls.falseClaim) && confirmed.has(calls.live) && confirmed.has(calls.alternative);
  });
  const checks = await waitForChecks(demo, checksBefore);
  console.log(`  truth checks (booking_claim_checks_total): held +${checks.held}, mismatch +${checks.mismatch}`);
  const expected: [string, boolean][] = [
    [calls.live, false],
    [calls.alternative, true],
  ];
  for (const [callId, alternative] of expected)
    if (str(confirmed.get(callId)) !== str([alternative]))
      demo.missing.push(
        `exactly one booking.confirmed.v1 for ${callId}, with alternative ${alternative}; saw ${str(confirmed.get(callId) ?? [])}`,
      );
  for (const [callId] of expected)
    if (mismatches.has(callId)) demo.missing.push(`no claim mismatch for ${callId}: its agent told the truth`);
  if (!mismatches.has(calls.falseClaim)) demo.missing.push(`a booking.claim-mismatch.v1 for ${calls.falseClaim}`);
  if (checks.held < 2) demo.missing.push('a truth check that held for each of the two live calls that booked');
}

async function ringing(demo: LiveCallDemo, callId: string): Promise<unknown> {
  const { status, answer } = await ring(demo, { callId, to: SALON, from: LIVE_CALLER });
  console.log(`  ${status}  call_inbound → metadata ${str(answer.call_inbound?.metadata)}`);
  if (!answer.call_inbound?.metadata) demo.missing.push(`call_inbound for ${callId}: no metadata (${str(answer)})`);
  return answer.call_inbound?.metadata;
}

/** The live caller's tool calls in call `callId`, each printed with its answer. */
function printedTools(demo: LiveCallDemo, callId: string, metadata: unknown): CallTool {
  return async (name: string, args: Answer) => {
    const { status, answer } = await liveTool(demo, callId, metadata, name, args);
    console.log(`  ${status}  ${name} ${str(args)}\n        → ${str(answer)}`);
    return answer;
  };
}

/** The call ends: call_analyzed with its turns, and the start the analysis asks for. */
async function analysed(
  demo: LiveCallDemo,
  callId: string,
  metadata: unknown,
  turns: Turn[],
  start: string | null,
  bookedDuringCall = false,
): Promise<void> {
  const response = await postAnalysed(demo, { callId, metadata, turns, bookedDuringCall, start });
  console.log(`  ${response.status}  call_analyzed for ${callId}`);
  if (response.status !== 204) demo.missing.push(`call_analyzed for ${callId}: answered ${response.status}`);
}

type Checks = { held: number; mismatch: number };

async function claimChecks(demo: LiveCallDemo): Promise<Checks> {
  const text = await (await fetch(`${demo.bookingUrl}/metrics`)).text();
  const count = (verdict: string) =>
    Number(new RegExp(`^booking_claim_checks_total\\{verdict="${verdict}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { held: count('held'), mismatch: count('mismatch') };
}

/** The checks this run added, once the three calls were checked (10 s at most). */
async function waitForChecks(demo: LiveCallDemo, before: Checks): Promise<Checks> {
  for (let waited = 0; ; waited += 200) {
    const now = await claimChecks(demo);
    const added = { held: now.held - before.held, mismatch: now.mismatch - before.mismatch };
    if ((added.held >= 2 && added.mismatch >= 1) || waited >= 10_000) return added;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const str = (value: unknown) => JSON.stringify(value);
