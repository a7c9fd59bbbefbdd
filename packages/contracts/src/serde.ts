import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { readSchemaId, registerValueSchema } from './registry';

/**
 * Registers contract schemas (subject `<topic>-value`, BACKWARD compatibility) and encodes /
 * decodes values in the registry wire format.
 */
export class RegistrySerde {
  readonly registry: SchemaRegistry;

  constructor(private readonly registryUrl: string) {
    const ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(ajv);
    this.registry = new SchemaRegistry(
      { host: registryUrl, retry: { retries: 2, initialRetryTimeInSecs: 0.2 } },
      { [SchemaType.JSON]: { ajvInstance: ajv } },
    );
  }

  /** Registers (or finds) the topic's value schema; returns its registry id. */
  registerValueSchema(topic: string, schema: z.ZodType): Promise<number> {
    return registerValueSchema(this.registryUrl, topic, schema);
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
