import { messageLogFields } from '@rb/kafka-runner';
import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startBooking } from './service';

void runService({
  name: 'booking',
  parseConfig,
  // every line logged while a message is handled names it: ce_id, correlation_id, causation_id
  logFields: messageLogFields,
  start: (config, { log, onFatal }) => startBooking(config, { log, onFatal }),
});
