import { messageLogFields } from '@rb/kafka-runner';
import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startCallProcessor } from './service';

void runService({
  name: 'call-processor',
  parseConfig,
  // every line logged while a message is handled names it: ce_id, correlation_id, causation_id
  logFields: messageLogFields,
  start: (config, { log, onFatal }) => startCallProcessor(config, { log, onFatal }),
});
