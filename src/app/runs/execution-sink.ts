/**
 * Where the app keeps a run's record: the `executions` collection of the local database, which
 * syncs like every other collection. The first write inserts the row with the columns every
 * synced row has; later writes patch only the run's own columns, so the sync layer's fields
 * (server_txid) are never overwritten by a run still in progress.
 */
import type { SyncedRxCollection } from '../../db/index.ts';
import type { ExecutionRecord, ExecutionSink } from '../../runtime/index.ts';

export interface ExecutionSinkContext {
  tenantId: string;
  userId: string;
  now?: () => Date;
}

export function createRxExecutionSink(
  executions: SyncedRxCollection<'executions'>,
  context: ExecutionSinkContext,
): ExecutionSink {
  const now = context.now ?? (() => new Date());
  return {
    async write(record: ExecutionRecord) {
      const at = now().toISOString();
      const columns = {
        workflow_id: record.workflow_id,
        status: record.status,
        started_at: record.started_at,
        finished_at: record.finished_at,
        duration_ms: record.duration_ms,
        input: record.input,
        output: record.output,
        node_results: record.node_results,
        error: record.error,
      };
      const existing = await executions.findOne(record.id).exec();
      if (existing) {
        await existing.incrementalPatch({ ...columns, updated_at: at });
        return;
      }
      await executions.insert({
        id: record.id,
        tenant_id: context.tenantId,
        created_by: context.userId,
        created_at: at,
        updated_at: at,
        server_txid: null,
        ...columns,
      });
    },
  };
}
