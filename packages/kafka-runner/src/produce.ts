/**
 * What a plain client (ingress: a producer, and the directory's reader) needs of the kit, without
 * the database half: importing the package's index loads TypeORM and pg, ~20 MB of RSS a service
 * without a database should not carry.
 */
export {
  compressionFor,
  isTooLargeError,
  messageBytes,
  packRequests,
  PRODUCE_REQUEST_MAX_BYTES,
} from './produce-limits';
export { ReplaceableProducer, within } from './replaceable-producer';
export type { ContractMessage, EventMeta } from './message-edge';
export { decodeContractMessage, eventHeaders } from './message-edge';
export { PoisonMessageError } from './errors';
export type { ConsumedMessage } from './consumed-message';
export { toConsumed } from './consumed-message';
