/**
 * Shows the system working: posts the shared Retell fixtures to ingress as Retell would (signed,
 * one of them twice, one with a bad signature), prints what landed on the Retell events topic,
 * then what call-processor made of it: lifecycle events and booking intents or callbacks.
 * Each run gives the fixture calls fresh ids, so a second run is not taken for redeliveries.
 * Usage (after scripts/up.sh started ingress): tsx scripts/demo.ts
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TOPICS } from '@rb/contracts';
import { RegistrySerde } from '@rb/contracts/serde';
import { Kafka, logLevel } from 'kafkajs';
import { signRetellBody } from '../services/ingress/src/webhooks/verify-signature';

const INGRESS_URL = process.env.INGRESS_URL ?? 'http://127.0.0.1:3000';
const API_KEY = process.env.RETELL_API_KEY ?? '';
const FIXTURES = resolve(process.env.SHARED_DIR ?? join(__dirname, '..', '..', 'shared'), 'retell', 'fixtures');
const FILES = [
  '01-call_started.salon-inbound.json',
  '02-call_ended.salon-inbound.json',
  '03-call_analyzed.salon-inbound.json',
  '04-call_ended.praxis-outbound-no-answer.json',
  '05-transcript_updated.praxis-inbound.json',
  '06-transfer_started.praxis-inbound.json',
  '07-call_analyzed.praxis-inbound-transfer.json',
];

async function post(label: string, body: string, signature = signRetellBody(body, API_KEY, Date.now())) {
  const response = await fetch(`${INGRESS_URL}/webhooks/retell`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': signature },
    body,
  });
  const text = await response.text();
  console.log(`  ${String(response.status).padEnd(4)} ${label}${text ? `  ${text}` : ''}`);
}

async function main(): Promise<void> {
  if (!API_KEY) throw new Error('RETELL_API_KEY must be set to the key ingress verifies with');
  const run = Date.now().toString(36);
  const callIds = new Set<string>();
  const bodies = FILES.map((file) => {
    const raw = readFileSync(join(FIXTURES, file), 'utf8');
    const id = (JSON.parse(raw) as { call: { call_id: string } }).call.call_id;
    callIds.add(`${id}_${run}`);
    return { file, body: raw.split(id).join(`${id}_${run}`) };
  });
  // both fixture calls were settled during the call (booked, moved); one more salon call whose
  // analysis leaves the booking to us shows a booking intent
  const wish = JSON.parse(bodies[2]!.body) as {
    call: { call_id: string; call_analysis: { custom_analysis_data: Record<string, unknown> } };
  };
  wish.call.call_id = `call_wish_${run}`;
  wish.call.call_analysis.custom_analysis_data.termin_gebucht = false;
  callIds.add(wish.call.call_id);
  bodies.push({ file: '03-call_analyzed.salon-inbound.json, not booked during the call', body: JSON.stringify(wish) });

  console.log(`\nPOST ${INGRESS_URL}/webhooks/retell (signed like Retell, call ids suffixed _${run}):`);
  for (const { file, body } of bodies) await post(file, body);
  await post(`${bodies[1]!.file} again (Retell redelivery)`, bodies[1]!.body);
  await post(
    `${bodies[0]!.file} with a wrong key`,
    bodies[0]!.body,
    signRetellBody(bodies[0]!.body, 'wrong-key', Date.now()),
  );
  await post('a body that is not JSON', '{"event":', undefined);

  console.log(`\nMessages on ${TOPICS.retellWebhookEvents} for this run:`);
  const kafka = new Kafka({
    clientId: 'demo',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const serde = new RegistrySerde(process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7');
  const consumer = kafka.consumer({ groupId: `demo-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.retellWebhookEvents, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`only ${seen} of ${bodies.length} messages arrived within 30 s`)),
      30_000,
    );
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString() ?? '';
        if (!callIds.has(key)) return;
        const { schemaId, value } = await serde.decode(message.value!);
        const event = (value as { event: string }).event;
        console.log(
          `  p${partition}@${message.offset}  key=${key}  ce_id=${String(message.headers?.ce_id)}  ` +
            `event=${event}  schema=${schemaId}  ${message.value!.byteLength} bytes`,
        );
        if (++seen === bodies.length) {
          clearTimeout(timer);
          done();
        }
      },
    });
  });
  await consumer.disconnect();
  console.log(`\n${seen} events stored once each; the redelivery was acknowledged but not stored again.`);
  await showCallProcessorOutput(kafka, serde, run, callIds);
}

/** What call-processor emitted for this run's calls, until every call has ended (30 s at most). */
async function showCallProcessorOutput(kafka: Kafka, serde: RegistrySerde, run: string, callIds: Set<string>) {
  console.log(`\nWhat call-processor emitted on ${TOPICS.callLifecycle} and ${TOPICS.bookingIntents}:`);
  const ended = new Set<string>();
  const consumer = kafka.consumer({ groupId: `demo-out-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.callLifecycle, TOPICS.bookingIntents], fromBeginning: true });
  await new Promise<void>((done) => {
    const timer = setTimeout(() => {
      console.log(`  (${ended.size} of ${callIds.size} calls ended within 30 s; see .run/call-processor.log)`);
      done();
    }, 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (!callIds.has(key)) return;
        const { value } = await serde.decode(message.value!);
        const event = value as Record<string, unknown> & { type: string };
        console.log(`  ${key}  ${event.type.padEnd(28)} ${summary(event)}`);
        if (event.type === 'call.ended.v1') ended.add(key);
        if (ended.size === callIds.size) {
          clearTimeout(timer);
          setTimeout(done, 1_000); // intents of the last call follow its ended event
        }
      },
    });
  });
  await consumer.disconnect();
}

function summary(event: Record<string, unknown>): string {
  const pick = (...keys: string[]) =>
    keys
      .filter((k) => event[k] !== undefined && event[k] !== null)
      .map((k) => `${k}=${JSON.stringify(event[k])}`)
      .join(' ');
  switch (event.type) {
    case 'booking.intent-requested.v1':
      return `${pick('requestedStart')} service=${JSON.stringify((event.service as { name: string }).name)}`;
    case 'call.routed.v1':
      return pick('direction', 'timeZone');
    default:
      return pick('reason', 'outcome', 'durationMs', 'disconnectionReason');
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
