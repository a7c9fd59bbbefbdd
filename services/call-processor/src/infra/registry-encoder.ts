import type { z } from 'zod';
import { frameJson, registerValueSchema } from '@rb/contracts';

/**
 * Registers each topic's value schema (BACKWARD) and returns an encoder that validates a value
 * against its zod contract and frames it in the registry wire format.
 */
export async function makeRegistryEncoder(registryUrl: string, schemas: Record<string, z.ZodType>) {
  const ids = new Map<string, { id: number; schema: z.ZodType }>();
  for (const [topic, schema] of Object.entries(schemas)) {
    ids.set(topic, { id: await registerValueSchema(registryUrl, topic, schema), schema });
  }
  return (topic: string, value: unknown): Buffer => {
    const entry = ids.get(topic);
    if (!entry) throw new Error(`no schema registered for ${topic}`);
    return frameJson(entry.id, Buffer.from(JSON.stringify(entry.schema.parse(value))));
  };
}
