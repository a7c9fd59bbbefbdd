import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
/** The wire format's header: magic byte and schema id, before the JSON bytes. */
export const WIRE_HEADER_BYTES = 5;
const HEADER_BYTES = WIRE_HEADER_BYTES;

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the JSON bytes. */
export function frameJson(schemaId: number, json: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_BYTES + json.byteLength);
  framed.set(json, HEADER_BYTES);
  return frameInPlace(schemaId, framed);
}

/**
 * Writes the wire format's header into the first WIRE_HEADER_BYTES of `framed`, whose JSON bytes
 * already follow them: framing without copying the JSON (ingress reads bodies this way).
 */
export function frameInPlace(schemaId: number, framed: Buffer): Buffer {
  if (framed.byteLength < HEADER_BYTES) throw new Error('no room for the wire format header');
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeUInt32BE(schemaId, 1);
  return framed;
}

export function readSchemaId(framed: Buffer): number {
  if (framed.byteLength < HEADER_BYTES || framed.readUInt8(0) !== MAGIC_BYTE) {
    throw new Error('not in the schema registry wire format (magic byte 0 + schema id)');
  }
  return framed.readUInt32BE(1);
}

/** The JSON value of a wire-format message (not yet checked against any contract); throws if unreadable. */
export function readFramedJson(framed: Buffer | null | undefined): unknown {
  if (!framed) throw new Error('no value');
  readSchemaId(framed);
  return JSON.parse(framed.subarray(HEADER_BYTES).toString('utf8'));
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class RegistryError extends Error {
  readonly code = 'SCHEMA_REGISTRY_REQUEST_FAILED';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Registers (or finds) the topic's value schema, subject `<topic>-value`, and returns its id. A
 * new subject is set to BACKWARD compatibility; an existing subject configured otherwise is an
 * error. Plain HTTP against the Confluent-compatible API, so a service that only produces needs no
 * registry client library (see `@rb/contracts/serde` for encoding and decoding with validation).
 */
export async function registerValueSchema(
  registryUrl: string,
  topic: string,
  schema: z.ZodType,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  const subject = encodeURIComponent(valueSubject(topic));
  const call = (method: string, path: string, body?: unknown) =>
    registryRequest(registryUrl, method, path, body, options.timeoutMs ?? 5_000);
  const config = await call('GET', `/config/${subject}`);
  const firstRegistration = config.status === 404;
  if (!firstRegistration) {
    const level = String((config.body as { compatibilityLevel?: unknown }).compatibilityLevel ?? '').toUpperCase();
    if (level !== 'BACKWARD') throw new RegistryError(`subject ${valueSubject(topic)} is ${level}, not BACKWARD`, 409);
  }
  const registered = await call('POST', `/subjects/${subject}/versions`, {
    schemaType: 'JSON',
    schema: JSON.stringify(toRegistryJsonSchema(schema)),
  });
  if (firstRegistration) await call('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
  const id = (registered.body as { id?: unknown }).id;
  if (typeof id !== 'number') throw new RegistryError('registry answered without a schema id', registered.status);
  return id;
}

/**
 * Registers each topic's value schema (BACKWARD) and returns an encoder that validates a value
 * against its zod contract and frames it in the registry wire format: what a service's outbox
 * writes.
 */
export async function makeRegistryEncoder(
  registryUrl: string,
  schemas: Record<string, z.ZodType>,
): Promise<(topic: string, value: unknown) => Buffer> {
  const ids = new Map<string, { id: number; schema: z.ZodType }>();
  for (const [topic, schema] of Object.entries(schemas)) {
    ids.set(topic, { id: await registerValueSchema(registryUrl, topic, schema), schema });
  }
  return (topic, value) => {
    const entry = ids.get(topic);
    if (!entry) throw new Error(`no schema registered for ${topic}`);
    return frameJson(entry.id, Buffer.from(JSON.stringify(entry.schema.parse(value))));
  };
}

/**
 * One JSON request with node:http(s). Not fetch: loading undici costs a process ~16 MB of RSS,
 * too much for one request at start-up in a service held to 150 MB.
 */
function registryRequest(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(`${baseUrl.replace(/\/$/, '')}${path}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: { accept: CONTENT_TYPE, ...(payload === undefined ? {} : { 'content-type': CONTENT_TYPE }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { message: text };
          }
          // a missing subject config is an answer, not a failure
          if ((status >= 200 && status < 300) || (status === 404 && method === 'GET')) {
            return resolve({ status, body: parsed });
          }
          const message = (parsed as { message?: unknown }).message;
          reject(
            new RegistryError(
              `schema registry ${method} ${path} answered ${status}: ${typeof message === 'string' ? message : text}`,
              status,
            ),
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) =>
      reject(new RegistryError(`schema registry unreachable: ${error.message}`, undefined, { cause: error })),
    );
    req.end(payload);
  });
}
