import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../test/paths';
import { asyncApiDocument, asyncApiYaml } from './asyncapi';
import { BookingOutcomeV1Schema } from './booking/booking-outcome.v1';
import { contractDocs } from './docs';
import { toKafkaHeaders } from './envelope';
import { TOPICS } from './topics';

/** what every booking outcome carries */
const common = {
  callId: 'call_1',
  idempotencyKey: 'call_1:booking-intent',
  attribution: {
    companyId: '00000000-0000-4000-8000-000000000001',
    branchId: '00000000-0000-4000-8000-000000000002',
    phoneNumberId: '00000000-0000-4000-8000-000000000003',
  },
  occurredAt: '2026-10-13T08:05:00.000Z',
};

describe('the generated contract docs for downstream teams', () => {
  it('when the committed docs/contracts are compared with what the contracts generate, then they are the same (run pnpm contracts:docs)', () => {
    for (const [name, text] of contractDocs()) {
      expect(readFileSync(join(REPO_ROOT, 'docs', 'contracts', name), 'utf8')).toBe(text);
    }
  });

  it('when the committed docs/asyncapi.yaml is compared with what the contracts generate, then it is the same (run pnpm contracts:docs)', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'asyncapi.yaml'), 'utf8')).toBe(asyncApiYaml());
  });
});

describe('docs/asyncapi.yaml', () => {
  type Node = Record<string, unknown>;
  const doc = parse(asyncApiYaml()) as Node;
  const section = (node: unknown, name: string) => (node as Record<string, Node>)[name] ?? {};
  /** A local $ref's target, or undefined when it points nowhere. */
  const resolve = (ref: unknown): unknown =>
    typeof ref === 'string' && ref.startsWith('#/')
      ? ref
          .slice(2)
          .split('/')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc)
      : undefined;
  const refOf = (node: unknown) => (node as { $ref?: unknown }).$ref;
  const messages = section(doc.components, 'messages');
  // the payloads point at each other through #/components/schemas, so the whole document is added
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'asyncapi');
  const validator = (ref: unknown) => ajv.getSchema(`asyncapi${String(refOf(ref))}`);

  it('when it is read back, then it is AsyncAPI 3.0.0 with one channel per topic, addressed by the topic name', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const addresses = Object.values(section(doc, 'channels')).map((c) => (c as Node).address);
    expect(addresses.sort()).toEqual(Object.values(TOPICS).sort());
  });

  it("when each channel's messages are followed, then they resolve to components and every message has a payload schema", () => {
    for (const channel of Object.values(section(doc, 'channels'))) {
      const refs = Object.values(section(channel, 'messages')).map(refOf);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(resolve(ref)).toBeDefined();
    }
    for (const message of Object.values(messages)) {
      const payload = resolve(refOf((message as Node).payload));
      expect(ajv.validateSchema(payload as Node)).toBe(true);
      // compiling also follows the payload's $refs to the shared schemas
      expect(validator((message as Node).payload)).toEqual(expect.any(Function));
    }
  });

  it('when each operation is followed, then it sends or receives on an existing channel, and downstream teams receive booking.outcomes.v1', () => {
    const operations = Object.values(section(doc, 'operations')) as Node[];
    for (const operation of operations) {
      expect(['send', 'receive']).toContain(operation.action);
      expect(resolve(refOf(operation.channel))).toBeDefined();
    }
    const downstream = operations.filter(
      (o) => o.action === 'receive' && refOf(o.channel) === '#/channels/bookingOutcomes',
    );
    expect(downstream).not.toHaveLength(0);
    const sends = operations.filter((o) => o.action === 'send').map((o) => refOf(o.channel));
    expect(sends.sort()).toEqual(
      Object.keys(TOPICS)
        .map((id) => `#/channels/${id}`)
        .sort(),
    );
  });

  it('when an outcome is checked against its message payload, then its own type passes and another type does not', () => {
    const outcome = {
      type: 'booking.failed.v1',
      ...common,
      reason: 'no_availability',
      detail: 'nothing free this week',
    };
    expect(validator(section(messages, 'booking.failed.v1').payload)?.(outcome)).toBe(true);
    expect(validator(section(messages, 'booking.cancelled.v1').payload)?.(outcome)).toBe(false);
  });

  it('when headers are written by toKafkaHeaders, then they match the documented headers schema, and without ce_id they do not', () => {
    const headersValid = validator({ $ref: '#/components/schemas/CloudEventsHeaders' });
    const written = toKafkaHeaders({
      id: 'call_1:booking.failed.v1',
      type: 'booking.failed.v1',
      source: '/retell-booking/booking',
      time: '2026-10-13T08:05:00.000Z',
      subject: 'call_1',
      contentType: 'application/json',
      correlationId: 'call_1',
      causationId: 'call_1:booking.intent-requested.v1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const documented = Object.keys(section(section(doc.components, 'schemas'), 'CloudEventsHeaders').properties ?? {});
    expect(Object.keys(written).sort()).toEqual(documented.sort());
    const { ce_id: _id, ...withoutId } = written;
    expect(headersValid?.(written)).toBe(true);
    expect(headersValid?.(withoutId)).toBe(false);
  });

  it('when the AsyncAPI parser validates it, then it reports no errors or warnings', async () => {
    const diagnostics = await new Parser().validate(asyncApiYaml());
    // severity 0 is an error, 1 a warning; information and hints (e.g. "3.1.0 exists") are fine
    expect(
      diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ).toEqual([]);
  });

  it('when it is generated twice and read back, then nothing changes (stable order, no YAML type surprises)', () => {
    expect(asyncApiYaml()).toBe(asyncApiYaml());
    expect(asyncApiDocument()).toEqual(doc);
  });
});

describe('booking.outcomes.v1', () => {
  const at = (utc: string, local: string) => ({ utc, local, timeZone: 'Europe/Berlin' });

  it('when each kind of outcome is written, then the contract accepts it', () => {
    const booking = {
      uid: 'bk_1',
      eventTypeId: 1201,
      start: at('2026-10-16T12:30:00Z', '2026-10-16T14:30:00'),
      end: at('2026-10-16T13:15:00Z', '2026-10-16T15:15:00'),
      status: 'accepted',
    };
    for (const outcome of [
      { type: 'booking.confirmed.v1', ...common, booking, alternative: false },
      {
        type: 'booking.alternatives-offered.v1',
        ...common,
        requestedStart: at('2026-10-16T12:30:00Z', '2026-10-16T14:30:00'),
        alternatives: [{ start: at('2026-10-16T13:30:00Z', '2026-10-16T15:30:00'), strategy: 'same_day_other_time' }],
      },
      { type: 'booking.failed.v1', ...common, reason: 'calcom_unauthorized', detail: 'Cal.com 401' },
      { type: 'booking.cancelled.v1', ...common, uid: 'bk_1', cause: 'compensation' },
      { type: 'booking.rescheduled.v1', ...common, fromUid: 'bk_0', booking },
    ]) {
      expect(BookingOutcomeV1Schema.safeParse(outcome).success).toBe(true);
    }
  });

  it('when an outcome has an unknown reason or an extra field, then the contract refuses it', () => {
    expect(
      BookingOutcomeV1Schema.safeParse({ type: 'booking.failed.v1', ...common, reason: 'oops', detail: '' }).success,
    ).toBe(false);
    expect(
      BookingOutcomeV1Schema.safeParse({
        type: 'booking.cancelled.v1',
        ...common,
        uid: 'bk_1',
        cause: 'caller',
        apiKey: 'cal_live_x',
      }).success,
    ).toBe(false);
  });
});
