import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startCallProcessor } from './service';

void runService({
  name: 'call-processor',
  parseConfig,
  start: (config, { log, onFatal }) => startCallProcessor(config, { log, onFatal }),
});
