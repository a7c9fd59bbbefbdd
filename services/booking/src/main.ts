import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startBooking } from './service';

void runService({
  name: 'booking',
  parseConfig,
  start: (config, { log, onFatal }) => startBooking(config, { log, onFatal }),
});
