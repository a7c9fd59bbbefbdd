export default async function globalTeardown(): Promise<void> {
  const started =
    (globalThis as { __STARTED_CONTAINERS__?: { stop(): Promise<unknown> }[] }).__STARTED_CONTAINERS__ ?? [];
  for (const container of started.reverse()) await container.stop();
}
