export default async function globalTeardown(): Promise<void> {
  await (globalThis as { embeddedTestDb?: { stop(): Promise<void> } }).embeddedTestDb?.stop();
}
