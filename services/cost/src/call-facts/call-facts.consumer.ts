import type { MessageHandler, OutboxEvent, Sql } from '@rb/kafka-runner';
import type { CallCostOutcome, CostCallsDeps } from '../ledger/cost-calls';
import { lockCalls } from '../ledger/call-locks';
import { costCalls } from '../ledger/cost-calls';
import type { CallFactEvent, CallTopics } from './call-fact-changes';
import { decodeCallFact } from './call-fact-changes';
import { recordCallFacts } from './record-call-facts';

export interface CallFactsConsumerDeps {
  topics: CallTopics;
  cost: CostCallsDeps;
  /** each call's costing outcome (for the pending gauge's nudge and logs) */
  onCosted?: (callId: string, outcome: CallCostOutcome) => void;
}

/**
 * calls.lifecycle.v1, calls.booking-intents.v1 and booking.outcomes.v1 → the call's facts →
 * its costing, with the standard recipe (inbox by `ce_id`; facts, ledger entries and the
 * cost event's outbox row in one transaction). A chunk records every message's facts, then costs
 * each call it touched once, from all its facts: the ledger ends where costing after every single
 * message would have left it (a costing depends only on the facts), in fewer revisions.
 */
export function makeCallFactsConsumer(deps: CallFactsConsumerDeps): MessageHandler<CallFactEvent> {
  return {
    decode(message) {
      const { eventType, event } = decodeCallFact(message, deps.topics);
      return { eventId: event.envelope.id, eventType, event };
    },
    async apply(event, { sql }) {
      const [events] = await recordAndCost(sql, [event], deps);
      return events ?? [];
    },
    async applyChunk(items, { sql }) {
      return recordAndCost(
        sql,
        items.map((item) => item.event),
        deps,
      );
    },
  };
}

async function recordAndCost(
  sql: Sql,
  events: readonly CallFactEvent[],
  deps: CallFactsConsumerDeps,
): Promise<OutboxEvent[][]> {
  const lastIndexOf = new Map<string, number>();
  const causes = new Map<string, { id: string; traceparent?: string | undefined }>();
  const facts = events.filter((e) => e.change.kind !== 'none');
  await lockCalls(
    sql,
    facts.map((e) => e.callId),
  );
  await recordCallFacts(sql, facts);
  for (const [index, event] of events.entries()) {
    if (event.change.kind === 'none') continue;
    lastIndexOf.set(event.callId, index);
    causes.set(event.callId, { id: event.envelope.id, traceparent: event.envelope.traceparent });
  }
  const emitted: OutboxEvent[][] = events.map(() => []);
  if (lastIndexOf.size === 0) return emitted;
  // the calls are locked already (lockCalls above), before their facts were recorded
  const outcomes = await costCalls(sql, [...lastIndexOf.keys()], { kind: 'facts', causes }, deps.cost, {
    locked: true,
  });
  for (const [callId, outcome] of outcomes) {
    deps.onCosted?.(callId, outcome);
    // the cost event follows the call's last message in the chunk: it is what caused the revision
    if (outcome.kind === 'revised') emitted[lastIndexOf.get(callId)!]!.push(outcome.event);
  }
  return emitted;
}
