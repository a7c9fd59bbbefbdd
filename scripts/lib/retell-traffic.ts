/**
 * Retell's side of the demo, written once: the requests Retell sends ingress (the ring, the tools
 * during a call, the post-call webhooks), built from the shared fixtures and signed with the key
 * ingress verifies. scripts/demo.ts and scripts/demo-live-call.ts play them against the services
 * scripts/up.sh started; test/support/demo-traffic.ts plays the same against the services a test
 * started, so the dashboards test sees the traffic the demo makes. What each does with an answer
 * (print it, count it as missing, throw) stays with the caller.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRetellBody } from '../../services/ingress/test/support';

/** Where Retell's requests go, the key they are signed with, and the folder of the shared Retell fixtures. */
export interface RetellTraffic {
  ingressUrl: string;
  apiKey: string;
  fixtures: string;
}

export type Answer = Record<string, unknown>;
/** One turn of Retell's transcript_with_tool_calls. */
export type Turn = { role: string; content?: string } & Answer;

/** Salon Haarmonie's number (deploy/tenants.example.yaml) and the live caller's. */
export const SALON = '+4922198765430';
export const LIVE_CALLER = '+4917655501234';

/** A POST to ingress, signed as Retell signs it (or with `signature`, to show a wrong one refused). */
export function postSigned(retell: RetellTraffic, path: string, body: string, signature?: string): Promise<Response> {
  return fetch(`${retell.ingressUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-retell-signature': signature ?? signRetellBody(body, retell.apiKey, Date.now()),
    },
    body,
  });
}

/** A shared Retell fixture's text. */
export function fixture(retell: RetellTraffic, file: string): string {
  return readFileSync(join(retell.fixtures, file), 'utf8');
}

/** The phone rings at `to`: Retell's call_inbound (fixture 08) asks which business this is; `from` defaults to the fixture's caller. */
export async function ring(
  retell: RetellTraffic,
  call: { callId: string; to: string; from?: string },
): Promise<{ status: number; answer: { call_inbound?: Answer } }> {
  const request = JSON.parse(fixture(retell, '08-call_inbound.request.json'));
  Object.assign(request.call_inbound, { call_id: call.callId, to_number: call.to });
  if (call.from) request.call_inbound.from_number = call.from;
  const response = await postSigned(retell, '/webhooks/retell/inbound', JSON.stringify(request));
  return { status: response.status, answer: (await response.json()) as { call_inbound?: Answer } };
}

/** A tool call during a call (fixture 11 with `name` and `args`); `call` replaces the fixture call's fields given. */
export async function callTool(
  retell: RetellTraffic,
  name: string,
  args: Answer,
  call: { call_id?: string; metadata: unknown; from_number?: string; to_number?: string },
): Promise<{ status: number; answer: Answer }> {
  const request = JSON.parse(fixture(retell, '11-function.check_availability.request.json'));
  Object.assign(request, { name, args });
  Object.assign(request.call, call);
  const response = await postSigned(retell, `/webhooks/retell/functions/${name}`, JSON.stringify(request));
  return { status: response.status, answer: (await response.json()) as Answer };
}

/** A tool call of the live caller's call to the salon. */
export function liveTool(retell: RetellTraffic, callId: string, metadata: unknown, name: string, args: Answer) {
  return callTool(retell, name, args, { call_id: callId, metadata, from_number: LIVE_CALLER, to_number: SALON });
}

/** A tool call and its result, as Retell writes them into transcript_with_tool_calls. */
export function toolTurns(id: string, name: string, args: Answer, answer: Answer): Turn[] {
  return [
    { role: 'tool_call_invocation', tool_call_id: id, name, arguments: JSON.stringify(args) },
    { role: 'tool_call_result', tool_call_id: id, content: JSON.stringify(answer), successful: true },
  ];
}
export const agentSays = (content: string): Turn => ({ role: 'agent', content, words: [] });

/**
 * The live caller's call to the salon ends: Retell's call_analyzed (fixture 03) with this call's
 * turns as its transcript — what was said in this call only, since the fixture's own conversation
 * would become a wish — and an analysis saying whether the agent booked during the call and which
 * start the caller wants (`start`, null for none).
 */
export function postAnalysed(
  retell: RetellTraffic,
  call: { callId: string; metadata: unknown; turns: Turn[]; bookedDuringCall: boolean; start: string | null },
): Promise<Response> {
  const analysed = JSON.parse(fixture(retell, '03-call_analyzed.salon-inbound.json'));
  const now = Date.now();
  const spoken = call.turns.filter((t) => t.role === 'agent' || t.role === 'user');
  Object.assign(analysed.call, {
    call_id: call.callId,
    metadata: call.metadata,
    from_number: LIVE_CALLER,
    to_number: SALON,
    start_timestamp: now - 90_000,
    end_timestamp: now - 5_000,
    transcript_with_tool_calls: call.turns,
    transcript: spoken.map((t) => `${t.role === 'agent' ? 'Agent' : 'User'}: ${t.content}`).join('\n'),
    transcript_object: spoken,
  });
  Object.assign(analysed.call.call_analysis.custom_analysis_data, {
    termin_gebucht: call.bookedDuringCall,
    termin_beginn: call.start,
  });
  return postSigned(retell, '/webhooks/retell', JSON.stringify(analysed));
}
