/** Waiting for the server's database to reach an expected state (sync is asynchronous). */
import { isDeepStrictEqual } from 'node:util';
import type { AppServer } from './server.ts';

export async function waitForRows(
  server: AppServer,
  sql: string,
  expected: Array<Record<string, unknown>>,
  timeoutMs = 30_000,
  params: unknown[] = [],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const { rows } = await server.sql.query(sql, params);
      last = rows;
      if (isDeepStrictEqual(rows, expected)) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `The server never reached the expected rows within ${timeoutMs} ms.\nquery: ${sql}\nexpected: ${JSON.stringify(expected)}\nlast: ${JSON.stringify(last)}`,
  );
}
