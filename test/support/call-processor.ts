import type { OutcomeReport } from '@rb/kafka-runner';
import type { Logger } from '@rb/observability';
import { startCallProcessor } from '../../services/call-processor/src/service';
import {
  callProcessorConfig,
  createCallProcessorDatabase,
} from '../../services/call-processor/test/call-processor-harness';
import { uniqueName } from './kafka';

/**
 * call-processor started through its composition root, on a database of its own holding
 * `deploy/tenants.example.yaml`, reading `retellTopic` and writing to the test's own lifecycle and
 * intent topics (the directory's events, none here, to a topic of its own). For tests that follow
 * an event from ingress through call-processor.
 */
export async function startTestCallProcessor(options: {
  retellTopic: string;
  lifecycleTopic: string;
  intentsTopic: string;
  log: Logger;
}): Promise<{
  reports: OutcomeReport[];
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}> {
  const { retellTopic, lifecycleTopic, intentsTopic, log } = options;
  const db = await createCallProcessorDatabase('call_processor_e2e');
  const reports: OutcomeReport[] = [];
  const service = await startCallProcessor(callProcessorConfig(db.url, { MAX_ATTEMPTS: '2' }), {
    log,
    backoff: { initialMs: 10, maxMs: 20 },
    topics: {
      retell: retellTopic,
      lifecycle: lifecycleTopic,
      intents: intentsTopic,
      directory: uniqueName('it.directory'),
    },
    onOutcome: (report) => {
      reports.push(report);
      log.debug({ topic: report.topic, eventType: report.eventType, outcome: report.outcome }, 'message handled');
    },
  });
  return {
    reports,
    query: (sql, params) => db.dataSource.query(sql, params),
    async stop() {
      await service.stop();
      await db.drop();
    },
  };
}
