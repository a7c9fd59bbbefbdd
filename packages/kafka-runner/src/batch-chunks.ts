import type { EachBatchPayload } from 'kafkajs';
import type { ConsumedMessage } from './consumed-message';
import { toConsumed } from './consumed-message';
import type { HandlingContext, MessageHandler } from './consumer-runner-options';
import { appendOutbox, claimInboxMany } from './inbox-outbox';
import { chunkSpans, inMessage, reportingInto } from './message-spans';
import type { Outcome } from './outcome-report';

/** What consuming a batch needs of the runner. */
export interface BatchParts {
  /** messages of a partition that share a transaction (`maxChunkSize`, at least 1) */
  chunkSize: number;
  stopping(): boolean;
  /** the partition was paused (a dependency is down) and rewound: nothing more of this batch */
  paused(topic: string, partition: number): boolean;
  /** a chunk in one transaction; false when nothing of it committed */
  handleChunk(chunk: ConsumedMessage[]): Promise<boolean>;
  /** one message on its own, with retries, dead letter or pause */
  handle(message: ConsumedMessage): Promise<void>;
}

type BatchPayload = Pick<EachBatchPayload, 'batch' | 'heartbeat' | 'isRunning' | 'isStale' | 'resolveOffset'>;

/**
 * One fetched batch of a partition, in chunks; a chunk that fails (and a chunk of one) is handled
 * one message at a time. kafkajs fetches on from the last resolved offset: a message is resolved
 * once it is done (processed, duplicate or dead-lettered), never when its partition was paused
 * and rewound.
 */
export async function consumeBatch(payload: BatchPayload, parts: BatchParts): Promise<void> {
  const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
  const paused = () => parts.paused(batch.topic, batch.partition);
  const goOn = () => !parts.stopping() && isRunning() && !isStale() && !paused();
  const messages = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
  for (let start = 0; start < messages.length && goOn(); start += parts.chunkSize) {
    const chunk = messages.slice(start, start + parts.chunkSize);
    if (chunk.length > 1 && (await parts.handleChunk(chunk))) {
      for (const message of chunk) resolveOffset(message.offset);
    } else {
      for (const message of chunk) {
        if (!goOn()) return;
        await parts.handle(message);
        if (paused()) return;
        resolveOffset(message.offset);
        // one at a time can be slow (retries with backoff): stay in the group meanwhile
        await heartbeat();
      }
    }
    await heartbeat();
  }
}

type Decoded<Event> = { message: ConsumedMessage } & ReturnType<MessageHandler<Event>['decode']>;

/**
 * A chunk of one partition's messages in one transaction. False when anything failed: nothing
 * of the chunk was committed, and the caller handles its messages one at a time.
 */
export async function handleChunk<Event, Prepared>(
  chunk: ConsumedMessage[],
  { options, commits, report }: HandlingContext<Event, Prepared>,
): Promise<boolean> {
  const { handler, transactions, groupId } = options;
  const started = Date.now();
  const spans = chunkSpans(chunk, groupId);
  let decoded: Decoded<Event>[];
  let outcomes: Outcome[];
  try {
    decoded = chunk.map((message) => ({ message, ...handler.decode(message) }));
    const prepared: Prepared[] = [];
    for (const [i, d] of decoded.entries())
      prepared.push(
        (handler.prepare
          ? await inMessage(spans.each[i]!, () => handler.prepare!(d.event, d.message))
          : undefined) as Prepared,
      );
    outcomes = await spans.inChunk(() =>
      transactions(async (sql) => {
        // one claim for the chunk; then the handler's set-based statements and one outbox
        // insert, or, without applyChunk, its change event after event
        const claimed = await claimInboxMany(
          sql,
          groupId,
          decoded.map((d) => d.eventId),
        );
        const fresh = decoded.flatMap((d, i) =>
          claimed[i] ? [{ event: d.event, prepared: prepared[i]!, message: d.message, at: spans.each[i]! }] : [],
        );
        if (handler.applyChunk) {
          const items = fresh.map(({ event, prepared, message }) => ({ event, prepared, message }));
          const emitted = fresh.length > 0 ? await handler.applyChunk(items, { sql }) : [];
          await appendOutbox(sql, emitted.flat());
        } else {
          for (const { at, ...f } of fresh)
            await appendOutbox(sql, await inMessage(at, () => handler.apply(f.event, { sql, ...f })));
        }
        return claimed.map((c): Outcome => (c ? 'processed' : 'duplicate'));
      }),
    );
  } catch {
    // nothing of the chunk was committed: its messages are handled one at a time
    spans.end(false);
    return false;
  }
  // committed: from here on nothing may send the chunk through the one-at-a-time path again
  for (const [i, d] of decoded.entries()) {
    const at = spans.each[i]!;
    commits.markDone(d.message);
    inMessage(at, () => reportingInto(at.span, report)(d.message, d.eventType, outcomes[i]!, started));
  }
  spans.end(true);
  if (outcomes.includes('processed')) options.afterCommit?.();
  return true;
}
