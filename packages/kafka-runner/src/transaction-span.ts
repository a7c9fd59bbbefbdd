import { SpanKind, trace } from '@opentelemetry/api';
import { errorType, markFailed } from '@rb/observability';
import { TRACER } from './message-spans';

const NOT_COUNTED = () => undefined;

/**
 * A database transaction as a CLIENT span, when it runs as part of traced work (a consumed
 * message, a request, the relay's send): a child of the active span, with how many statements
 * it ran besides BEGIN/COMMIT. It is not made active, so what the work emits meanwhile still
 * names the span of the message it follows. Transactions outside traced work (the relay polling
 * an empty outbox five times a second, pruning) make no span of their own; nor does anything
 * while tracing is off.
 */
export async function inTransactionSpan<T>(run: (counted: () => void) => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return run(NOT_COUNTED);
  const span = trace.getTracer(TRACER).startSpan('transaction postgresql', {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'transaction' },
  });
  let statements = 0;
  try {
    return await run(() => statements++);
  } catch (error) {
    markFailed(span, errorType(error));
    throw error;
  } finally {
    span.setAttribute('db.transaction.statements', statements);
    span.end();
  }
}
