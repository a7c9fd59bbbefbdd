export * from './topics';
export * from './envelope';
export * from './registry';
export * from './retell/call';
export * from './retell/webhook-events';
export * from './retell/call-inbound';
export * from './retell/function-call';
export * from './retell/event-id';
