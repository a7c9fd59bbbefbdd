import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { valueSubject } from './topics';

/**
 * JSON Schema for the registry, generated from a zod contract (draft-07: what the registry
 * client's Ajv validates with).
 */
export function toRegistryJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any', io: 'input', reused: 'ref' }) as Record<
    string,
    unknown
  >;
}

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the JSON bytes. */
export function frameJson(schemaId: number, json: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_BYTES + json.byteLength);
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeUInt32BE(schemaId, 1);
  framed.set(json, HEADER_BYTES);
  return framed;
}

export function readSchemaId(framed: Buffer): number {
  if (framed.byteLength < HEADER_BYTES || framed.readUInt8(0) !== MAGIC_BYTE) {
    throw new Error('not in the schema registry wire format (magic byte 0 + schema id)');
  }
  return framed.readUInt32BE(1);
}

/**
 * Registers contract schemas (subject `<topic>-value`, BACKWARD compatibility) and encodes /
 * decodes values in the registry wire format.
 */
export class RegistrySerde {
  readonly registry: SchemaRegistry;

  constructor(registryUrl: string) {
    const ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(ajv);
    this.registry = new SchemaRegistry(
      { host: registryUrl, retry: { retries: 2, initialRetryTimeInSecs: 0.2 } },
      { [SchemaType.JSON]: { ajvInstance: ajv } },
    );
  }

  /** Registers (or finds) the topic's value schema; returns its registry id. */
  async registerValueSchema(topic: string, schema: z.ZodType): Promise<number> {
    const { id } = await this.registry.register(
      { type: SchemaType.JSON, schema: JSON.stringify(toRegistryJsonSchema(schema)) },
      { subject: valueSubject(topic), compatibility: COMPATIBILITY.BACKWARD },
    );
    return id;
  }

  /** Validates against the registered JSON Schema and frames the value. */
  encode(schemaId: number, value: unknown): Promise<Buffer> {
    return this.registry.encode(schemaId, value);
  }

  /** Decodes and validates a framed value against the schema it names. */
  async decode(framed: Buffer): Promise<{ schemaId: number; value: unknown }> {
    const schemaId = readSchemaId(framed);
    const value: unknown = await this.registry.decode(framed);
    return { schemaId, value };
  }
}
