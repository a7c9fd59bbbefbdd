import { z } from 'zod';
import { uniqueName, testRegistryUrl } from '../../../test/support/kafka';
import { TOPIC_CONTRACTS } from './docs';
import {
  BookingOutcomeV1Schema,
  readSchemaId,
  registerValueSchema,
  RetellWebhookEventValueSchema,
  StoredKnownRetellWebhookEventSchema,
  toRegistryJsonSchema,
} from './index';
import { RegistrySerde } from './serde';

/** Integration: the real schema registry (Apicurio's Confluent-compatible API). */
describe('registry serializer', () => {
  const serde = new RegistrySerde(testRegistryUrl());

  it('when a contract is registered and a value encoded, then it decodes to the same value in the wire format', async () => {
    const topic = uniqueName('it.serde');
    const id = await serde.registerValueSchema(topic, RetellWebhookEventValueSchema);
    const value = {
      event: 'call_started',
      call: { call_id: 'c1', call_type: 'phone_call', agent_id: 'a', call_status: 'ongoing', extra: 'ß' },
    };
    const framed = await serde.encode(id, value);
    expect(framed.readUInt8(0)).toBe(0);
    expect(readSchemaId(framed)).toBe(id);
    expect(await serde.decode(framed)).toEqual({ schemaId: id, value });
    // registering the same contract again finds the same schema
    expect(await serde.registerValueSchema(topic, RetellWebhookEventValueSchema)).toBe(id);
  });

  it('when every topic contract is registered, then the registry takes it and a valid booking outcome round-trips', async () => {
    for (const contract of TOPIC_CONTRACTS) {
      expect(await serde.registerValueSchema(uniqueName(`it.${contract.topic}`), contract.schema)).toBeGreaterThan(0);
    }
    const id = await serde.registerValueSchema(uniqueName('it.outcomes'), BookingOutcomeV1Schema);
    const failed = {
      type: 'booking.failed.v1',
      callId: 'call_1',
      idempotencyKey: 'call_1:booking-intent',
      attribution: {
        companyId: '00000000-0000-4000-8000-000000000001',
        branchId: '00000000-0000-4000-8000-000000000002',
        phoneNumberId: '00000000-0000-4000-8000-000000000003',
      },
      occurredAt: '2026-10-13T08:05:00.000Z',
      reason: 'no_availability',
      detail: 'nothing free within 7 days',
    };
    expect((await serde.decode(await serde.encode(id, failed))).value).toEqual(failed);
  });

  it('when a value violates the registered JSON Schema, then encoding refuses it', async () => {
    const id = await serde.registerValueSchema(uniqueName('it.serde'), RetellWebhookEventValueSchema);
    await expect(serde.encode(id, { event: 'call_started', call: {} })).rejects.toThrow();
  });

  it('when the Retell events contract before call_inbound is registered first, then the one with it is accepted as BACKWARD and a call_inbound body round-trips', async () => {
    const topic = uniqueName('it.retell-compat');
    const before = z.union([
      StoredKnownRetellWebhookEventSchema,
      z.looseObject({ event: z.string().min(1), call: z.looseObject({ call_id: z.string().min(1) }) }),
    ]);
    const old = await serde.registerValueSchema(topic, before);
    const now = await serde.registerValueSchema(topic, RetellWebhookEventValueSchema);
    expect(now).not.toBe(old);
    const inbound = {
      event: 'call_inbound',
      call_inbound: { from_number: '+4917612345678', to_number: '+4922198765430', call_id: 'call_1' },
    };
    expect((await serde.decode(await serde.encode(now, inbound))).value).toEqual(inbound);
    // the old version could not store it: the new branch is what admits it
    await expect(serde.encode(old, inbound)).rejects.toThrow();
  });

  // Apicurio's JSON Schema checker treats adding a property to an open object as narrowing, so our
  // own events use closed objects (z.strictObject): then adding an optional field is BACKWARD.
  it('when a new version of a closed contract adds an optional field, then BACKWARD accepts it; a required one is refused', async () => {
    const topic = uniqueName('it.compat');
    const v1 = z.strictObject({ id: z.string() });
    await serde.registerValueSchema(topic, v1);
    await expect(serde.registerValueSchema(topic, v1.extend({ note: z.string().optional() }))).resolves.toEqual(
      expect.any(Number),
    );
    await expect(serde.registerValueSchema(topic, v1.extend({ must: z.number() }))).rejects.toThrow();
  });

  it('when the generated JSON Schema is inspected, then it is draft-07 with shared definitions', () => {
    const schema = toRegistryJsonSchema(RetellWebhookEventValueSchema);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(JSON.stringify(schema).length).toBeLessThan(20_000);
  });

  it('when the registry cannot be reached, then registering fails with a coded error, not a hang', async () => {
    await expect(
      registerValueSchema('http://127.0.0.1:9/apis/ccompat/v7', 'it.none', RetellWebhookEventValueSchema, {
        timeoutMs: 2_000,
      }),
    ).rejects.toMatchObject({ code: 'SCHEMA_REGISTRY_REQUEST_FAILED', status: undefined });
  });

  it('when a subject exists with another compatibility level, then registering refuses it', async () => {
    const topic = uniqueName('it.compat');
    const subject = encodeURIComponent(`${topic}-value`);
    const put = await fetch(`${testRegistryUrl()}/config/${subject}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    expect(put.ok).toBe(true);
    await expect(registerValueSchema(testRegistryUrl(), topic, z.strictObject({ id: z.string() }))).rejects.toThrow(
      /NONE, not BACKWARD/,
    );
  });
});
