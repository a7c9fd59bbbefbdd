import type { DataSource } from 'typeorm';
import type { ServiceDataSourceOptions } from '@rb/kafka-runner';
import {
  CreateMessagingTables1764000000000,
  OutboxDeadLettersAndLease1766000000000,
  serviceDataSource,
} from '@rb/kafka-runner';
import { CreateCostTables1767000000100 } from './migrations/1767000000100-create-cost-tables';
import { AddBookingMovedTo1767000000200 } from './migrations/1767000000200-add-booking-moved-to';

/** cost's own database, in order; append only. */
export const MIGRATIONS = [
  CreateMessagingTables1764000000000,
  OutboxDeadLettersAndLease1766000000000,
  CreateCostTables1767000000100,
  AddBookingMovedTo1767000000200,
];

/** cost's DataSource (timeouts: the kit's defaults unless configured). */
export function makeDataSource(url: string, options: ServiceDataSourceOptions = {}): DataSource {
  return serviceDataSource(url, MIGRATIONS, options);
}
