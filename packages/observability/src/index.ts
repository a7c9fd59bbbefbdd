export * from './logger';
export * from './metrics';
export * from './health';
export * from './consumer-metrics';
export * from './admin-http';
export * from './env-config';
export * from './ops-server';
export * from './rate-limited-log';
