import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startCost } from './service';

void runService({
  name: 'cost',
  parseConfig,
  start: (config, { log, onFatal }) => startCost(config, { log, onFatal }),
});
