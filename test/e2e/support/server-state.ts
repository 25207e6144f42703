/** Waiting for the server's database to reach an expected state (sync is asynchronous). */
import { isDeepStrictEqual } from 'node:util';
import { vi } from 'vitest';
import type { AppServer } from '../../support/app-server.ts';

export async function waitForRows(
  server: AppServer,
  sql: string,
  expected: Array<Record<string, unknown>>,
  timeoutMs = 30_000,
  params: unknown[] = [],
): Promise<void> {
  await vi.waitFor(
    async () => {
      let last: unknown;
      try {
        last = (await server.sql.query(sql, params)).rows;
      } catch (error) {
        last = error;
      }
      if (!isDeepStrictEqual(last, expected)) {
        throw new Error(
          `The server never reached the expected rows within ${timeoutMs} ms.\nquery: ${sql}\nexpected: ${JSON.stringify(expected)}\nlast: ${JSON.stringify(last)}`,
        );
      }
    },
    { timeout: timeoutMs, interval: 200 },
  );
}
