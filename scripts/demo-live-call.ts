/**
 * The demo's live call, part 2 (scripts/demo.ts calls it): one whole phone call as Retell would
 * drive it against the running system — the ring (call_inbound), check_availability for the
 * caller's words, book_appointment for the first free start, then the post-call call_analyzed
 * whose transcript records that tool call and the agent's confirmation. It shows one booking (the
 * post-call analysis asks for the same appointment, and booking keeps the live booking as the
 * call's) and the truth check passing. Then a second call whose agent claimed a booking without
 * ever booking it, and the booking.claim-mismatch.v1 it raises.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRetellBody } from '../services/ingress/test/support';

export interface LiveCallDemo {
  ingressUrl: string;
  bookingUrl: string;
  apiKey: string;
  fixtures: string;
  run: string;
  /** what the demo expected and did not see */
  missing: string[];
  /** reads this run's outcomes (keys in `callIds`) until `enough` says so, 30 s at most */
  readOutcomes: (
    callIds: Set<string>,
    enough: (key: string, event: Record<string, unknown> & { type: string }) => boolean,
  ) => Promise<void>;
}

const SALON = '+4922198765430';
const CALLER = '+4917655501234';

type Answer = Record<string, unknown>;

export async function showWholeLiveCall(demo: LiveCallDemo): Promise<void> {
  const callId = `call_live_${demo.run}`;
  const falseClaimCallId = `call_false_claim_${demo.run}`;
  console.log(`\nA whole live call (${callId}), as Retell drives it:`);
  const metadata = await ringing(demo, callId);
  if (!metadata) return;
  const args = { dienstleistung: 'Haare schneiden', datum_von: 'nächsten Dienstag nachmittags' };
  const free = await tool(demo, 'check_availability', callId, metadata, args);
  const slot = (free.freie_termine as { slot_id: string; gesprochen: string }[] | undefined)?.[0];
  if (!slot) return void demo.missing.push(`check_availability in the live call: no free start (${str(free)})`);
  const bookArgs = { slot_id: slot.slot_id, kunde_name: 'Jonas Weber', dienstleistung: 'Haare schneiden' };
  const booked = await tool(demo, 'book_appointment', callId, metadata, bookArgs);
  if (booked.ok !== true || typeof booked.booking_id !== 'string')
    return void demo.missing.push(`book_appointment: expected a booking, got ${str(booked)}`);
  // Retell's max_retry sends the same tool call again: the same booking, not a second one
  const again = await tool(demo, 'book_appointment', callId, metadata, bookArgs);
  if (again.booking_id !== booked.booking_id)
    demo.missing.push(`book_appointment repeated: expected ${String(booked.booking_id)}, got ${str(again)}`);

  const checksBefore = await claimChecks(demo);
  console.log(`\n  the call ends; Retell posts call_analyzed with the tool calls and the agent's words:`);
  await postAnalysed(
    demo,
    callId,
    metadata,
    [
      ...toolTurns('t1', 'book_appointment', bookArgs, booked),
      agentSays(`Erledigt, Herr Weber: ich habe Sie für ${String(booked.gesprochen)} eingetragen.`),
    ],
    String(booked.beginn),
  );
  console.log(`\n  a second call: the agent says it booked, but never called book_appointment:`);
  const metadata2 = await ringing(demo, falseClaimCallId);
  if (!metadata2) return;
  // Retell's analysis believes the agent (booked during the call), so nobody would book it afterwards
  await postAnalysed(
    demo,
    falseClaimCallId,
    metadata2,
    [agentSays('Alles klar, ich habe Sie für Donnerstag um 11 Uhr eingetragen. Bis dann!')],
    undefined,
    true,
  );

  console.log(`\n  what booking emitted on booking.outcomes.v1 for the two calls:`);
  const confirmed: string[] = [];
  const mismatches = new Map<string, unknown>();
  await demo.readOutcomes(new Set([callId, falseClaimCallId]), (key, event) => {
    console.log(
      `    ${key}  ${event.type}  ${event.type === 'booking.claim-mismatch.v1' ? str(event.mismatches) : ''}`,
    );
    if (event.type === 'booking.confirmed.v1' && key === callId) confirmed.push(key);
    if (event.type === 'booking.claim-mismatch.v1') mismatches.set(key, event.mismatches);
    return mismatches.has(falseClaimCallId) && confirmed.length > 0;
  });
  const checks = await waitForChecks(demo, checksBefore);
  console.log(`  truth checks (booking_claim_checks_total): held +${checks.held}, mismatch +${checks.mismatch}`);
  if (confirmed.length !== 1)
    demo.missing.push(`exactly one booking.confirmed.v1 for ${callId}, saw ${confirmed.length}`);
  if (mismatches.has(callId)) demo.missing.push(`no claim mismatch for ${callId}: its agent told the truth`);
  if (!mismatches.has(falseClaimCallId)) demo.missing.push(`a booking.claim-mismatch.v1 for ${falseClaimCallId}`);
  if (checks.held < 1) demo.missing.push('a truth check that held for the live call');
}

async function ringing(demo: LiveCallDemo, callId: string): Promise<unknown> {
  const body = readFileSync(join(demo.fixtures, '08-call_inbound.request.json'), 'utf8')
    .replace('+493412240870', SALON)
    .replace('+4934155512309', CALLER)
    .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
  const response = await signedPost(demo, '/webhooks/retell/inbound', body);
  const answer = (await response.json()) as { call_inbound?: { metadata?: unknown } };
  console.log(`  ${response.status}  call_inbound → metadata ${str(answer.call_inbound?.metadata)}`);
  if (!answer.call_inbound?.metadata) demo.missing.push(`call_inbound for ${callId}: no metadata (${str(answer)})`);
  return answer.call_inbound?.metadata;
}

async function tool(demo: LiveCallDemo, name: string, callId: string, metadata: unknown, args: Answer) {
  const request = JSON.parse(readFileSync(join(demo.fixtures, '11-function.check_availability.request.json'), 'utf8'));
  Object.assign(request, { name, args });
  Object.assign(request.call, { call_id: callId, metadata, from_number: CALLER, to_number: SALON });
  const response = await signedPost(demo, `/webhooks/retell/functions/${name}`, JSON.stringify(request));
  const answer = (await response.json()) as Answer;
  console.log(`  ${response.status}  ${name} ${str(args)}\n        → ${str(answer)}`);
  return answer;
}

function toolTurns(id: string, name: string, args: Answer, answer: Answer) {
  return [
    { role: 'tool_call_invocation', tool_call_id: id, name, arguments: JSON.stringify(args) },
    { role: 'tool_call_result', tool_call_id: id, content: JSON.stringify(answer), successful: true },
  ];
}
const agentSays = (content: string) => ({ role: 'agent', content, words: [] });

/** Fixture 03 made this call's: its transcript, and an analysis asking for the booked time. */
async function postAnalysed(
  demo: LiveCallDemo,
  callId: string,
  metadata: unknown,
  turns: { role: string; content?: string }[],
  start?: string,
  bookedDuringCall = false,
) {
  const analysed = JSON.parse(readFileSync(join(demo.fixtures, '03-call_analyzed.salon-inbound.json'), 'utf8'));
  const call = analysed.call;
  const now = Date.now();
  Object.assign(call, {
    call_id: callId,
    metadata,
    from_number: CALLER,
    to_number: SALON,
    start_timestamp: now - 90_000,
    end_timestamp: now - 5_000,
    transcript_with_tool_calls: turns,
    // what was said in this call only (the fixture's own conversation would become a wish)
    transcript: turns
      .filter((t) => t.role === 'agent' || t.role === 'user')
      .map((t) => `${t.role === 'agent' ? 'Agent' : 'User'}: ${t.content}`)
      .join('\n'),
    transcript_object: turns.filter((t) => t.role === 'agent' || t.role === 'user'),
  });
  Object.assign(call.call_analysis.custom_analysis_data, {
    termin_gebucht: bookedDuringCall,
    termin_beginn: start ?? null,
  });
  const response = await signedPost(demo, '/webhooks/retell', JSON.stringify(analysed));
  console.log(`  ${response.status}  call_analyzed for ${callId}`);
  if (response.status !== 204) demo.missing.push(`call_analyzed for ${callId}: answered ${response.status}`);
}

function signedPost(demo: LiveCallDemo, path: string, body: string) {
  return fetch(`${demo.ingressUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-retell-signature': signRetellBody(body, demo.apiKey, Date.now()),
    },
    body,
  });
}

async function claimChecks(demo: LiveCallDemo): Promise<{ held: number; mismatch: number }> {
  const text = await (await fetch(`${demo.bookingUrl}/metrics`)).text();
  const count = (verdict: string) =>
    Number(new RegExp(`^booking_claim_checks_total\\{verdict="${verdict}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { held: count('held'), mismatch: count('mismatch') };
}

/** The checks this run added, once both calls were checked (10 s at most). */
async function waitForChecks(demo: LiveCallDemo, before: { held: number; mismatch: number }) {
  for (let waited = 0; ; waited += 200) {
    const now = await claimChecks(demo);
    const added = { held: now.held - before.held, mismatch: now.mismatch - before.mismatch };
    if ((added.held >= 1 && added.mismatch >= 1) || waited >= 10_000) return added;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const str = (value: unknown) => JSON.stringify(value);
