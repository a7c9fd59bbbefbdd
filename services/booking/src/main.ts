import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startBookingService } from './service';

void runService({
  name: 'booking',
  parseConfig,
  start: (config, { log, onFatal }) => startBookingService(config, { log, onFatal }),
});
