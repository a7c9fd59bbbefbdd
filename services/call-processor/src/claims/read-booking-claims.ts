import type { BookingClaim } from '@rb/contracts';
import type { NamedService } from './sentence-claims';
import { sentenceClaims } from './sentence-claims';
import type { TranscriptItem } from './tool-result-claims';
import { toolResultClaim } from './tool-result-claims';

export type { NamedService } from './sentence-claims';

/** What the truth check reads of a Retell call (call_analyzed's `call`). */
export interface ClaimsCall {
  /** ms epoch: relative days the agent names ("Donnerstag", "morgen") count from it */
  start_timestamp?: number | null;
  transcript_with_tool_calls?: readonly TranscriptItem[] | null;
}

/** call.analysed.v1 carries at most this many (the contract's bound); the first ones said are kept */
export const MAX_CLAIMS = 20;

/**
 * What the agent told the caller about bookings during the call, in the order it happened: the
 * answers of its booking tools (book/reschedule/cancel_appointment, matched to their invocation
 * by `tool_call_id`) and its own sentences claiming a booking was made, moved or cancelled. Days
 * and times are read in the branch's zone from the call's start; `language` is the call's (the
 * language of the tool answers' claims; a sentence's claim has the language it was said in);
 * `services` are the branch's, named in a sentence (optional). Pure.
 */
export function readBookingClaims(
  call: ClaimsCall,
  branchZone: string,
  language: BookingClaim['language'],
  services: readonly NamedService[] = [],
): BookingClaim[] {
  const items = call.transcript_with_tool_calls ?? [];
  const callStart = typeof call.start_timestamp === 'number' ? new Date(call.start_timestamp) : undefined;
  const invocations = new Map<string, TranscriptItem>();
  const claims: BookingClaim[] = [];
  items.forEach((item, index) => {
    if (item.role === 'tool_call_invocation' && typeof item.tool_call_id === 'string') {
      invocations.set(item.tool_call_id, item);
    } else if (item.role === 'tool_call_result') {
      const claim = toolResultClaim(item, invocations, language);
      if (claim) claims.push(claim);
    } else if (item.role === 'agent' && typeof item.content === 'string') {
      claims.push(...sentenceClaims(item.content, `agent:${index}`, { callStart, timeZone: branchZone, services }));
    }
  });
  return claims.slice(0, MAX_CLAIMS);
}

const ENGLISH = /(?<![\p{L}])(the|you|your|and|is|are|for|at|with|what|I|I've|I'm|it's)(?![\p{L}])/giu;
const GERMAN = /(?<![\p{L}])(der|die|das|und|ist|sind|Sie|Ihr|Ihnen|für|um|ich|mit|was)(?![\p{L}])/giu;

/** The call's language by its agent's words (German unless English clearly outweighs it). */
export function languageOfCall(call: ClaimsCall): BookingClaim['language'] {
  const said = (call.transcript_with_tool_calls ?? [])
    .filter((item) => item.role === 'agent' && typeof item.content === 'string')
    .map((item) => item.content as string)
    .join(' ');
  const count = (pattern: RegExp) => said.match(pattern)?.length ?? 0;
  return count(ENGLISH) > count(GERMAN) ? 'en' : 'de';
}
