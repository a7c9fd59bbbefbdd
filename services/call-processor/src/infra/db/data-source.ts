import type { DataSource } from 'typeorm';
import type { ServiceDataSourceOptions } from '@rb/kafka-runner';
import {
  CreateMessagingTables1764000000000,
  OutboxDeadLettersAndLease1766000000000,
  serviceDataSource,
} from '@rb/kafka-runner';
import { CreateTenantDirectory1764000000100 } from './migrations/1764000000100-create-tenant-directory';
import { CreateCallRecords1764000000200 } from './migrations/1764000000200-create-call-records';
import { AddCallTranscript1764000000300 } from './migrations/1764000000300-add-call-transcript';
import { AddCompanyAnalysisFields1764000000400 } from './migrations/1764000000400-add-company-analysis-fields';
import { AddDirectoryVersions1764000000510 } from './migrations/1764000000510-add-directory-versions';
import { AddResellersAndNumberKinds1764000000600 } from './migrations/1764000000600-add-resellers-and-number-kinds';
import { AddCallLines1764000000700 } from './migrations/1764000000700-add-call-lines';
import { AddBranchProfiles1764000000800 } from './migrations/1764000000800-add-branch-profiles';
import { DirectoryChangeTimes1764000000900 } from './migrations/1764000000900-directory-change-times';

export const MIGRATIONS = [
  CreateMessagingTables1764000000000,
  CreateTenantDirectory1764000000100,
  CreateCallRecords1764000000200,
  AddCallTranscript1764000000300,
  AddCompanyAnalysisFields1764000000400,
  AddDirectoryVersions1764000000510,
  AddResellersAndNumberKinds1764000000600,
  AddCallLines1764000000700,
  AddBranchProfiles1764000000800,
  DirectoryChangeTimes1764000000900,
  OutboxDeadLettersAndLease1766000000000,
];

/** call-processor's own database (timeouts: the kit's defaults unless configured). */
export function makeDataSource(url: string, options: ServiceDataSourceOptions = {}): DataSource {
  return serviceDataSource(url, MIGRATIONS, options);
}
