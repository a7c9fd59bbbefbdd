export type { ServiceDataSourceOptions, Sql, Transactions } from './sql';
export {
  CreateMessagingTables1764000000000,
  DATABASE_TIMEOUT_DEFAULTS,
  serviceDataSource,
  typeormAutocommit,
  typeormTransactions,
} from './sql';
export type { InboxRetentionOptions } from './inbox-retention';
export { INBOX_RETENTION_DEFAULT_MS, InboxRetention, pruneInboxBatch } from './inbox-retention';
export type { OutboxEvent } from './inbox-outbox';
export { appendOutbox, claimInbox } from './inbox-outbox';
export type { OutboxRelayOptions } from './outbox-relay';
export { OutboxRelay } from './outbox-relay';
export type { OutboxBacklog } from './outbox-store';
export { OutboxDeadLettersAndLease1766000000000 } from './outbox-store';
export * from './produce';
export type { ConsumedMessage, ConsumerRunnerOptions, MessageHandler, Outcome, OutcomeReport } from './consumer-runner';
export { ConsumerRunner } from './consumer-runner';
export { asRunnerError, DependencyUnavailableError, isRunnerError, PoisonMessageError, RunnerError } from './errors';
export type { DeadLetterSummary } from './dead-letter';
export { deadLetterMessage, deadLetterTopic, listDeadLetters, replayDeadLetters } from './dead-letter';
export { redactPersonalData, safeErrorCode } from './personal-data';
export { detached, messageLogFields, runDetached } from './message-context';
export type { SpanOutcome } from './message-spans';
export { inConsumerSpan } from './message-spans';
export type { ContractMessage, ContractSchema, EventMeta } from './message-edge';
export {
  buildOutboxEvent,
  contractViolation,
  decodeContractMessage,
  decodeEnvelope,
  decodeFramedValue,
  eventHeaders,
  parseContract,
} from './message-edge';
