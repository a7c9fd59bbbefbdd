import { runService } from '@rb/observability';
import { parseConfig } from './config';
import { startIngress } from './service';

void runService({ name: 'ingress', parseConfig, start: (config, { log }) => startIngress(config, { log }) });
