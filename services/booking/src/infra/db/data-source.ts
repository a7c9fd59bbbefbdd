import type { DataSource } from 'typeorm';
import type { ServiceDataSourceOptions } from '@rb/kafka-runner';
import { serviceDataSource } from '@rb/kafka-runner';
import { MIGRATIONS } from './migrations';

/** booking's own database (a Cal.com call can hold a connection a while: a larger pool). */
export function makeDataSource(url: string, options: ServiceDataSourceOptions = {}): DataSource {
  return serviceDataSource(url, MIGRATIONS, { poolSize: 20, ...options });
}
