/**
 * What a plain producer (ingress) needs of the kit, without the database half: importing the
 * package's index loads TypeORM and pg, ~20 MB of RSS a service without a database should not carry.
 */
export {
  compressionFor,
  isTooLargeError,
  messageBytes,
  packRequests,
  PRODUCE_REQUEST_MAX_BYTES,
} from './produce-limits';
export { ReplaceableProducer, within } from './replaceable-producer';
export type { EventMeta } from './message-edge';
export { eventHeaders } from './message-edge';
