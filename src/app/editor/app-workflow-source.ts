/**
 * The editor's WorkflowSource over the app's data interface: reads the live document from the
 * local database and writes each change at once (RxDB incrementalModify underneath), so there
 * is never unsaved work in the editor and a remote edit arriving mid-write is not overwritten.
 */
import type { WorkflowDoc } from '../../model/workflow.ts';
import type { WorkflowChange, WorkflowSource } from '../../editor/workflow-source.ts';
import type { AppData } from '../data/app-data.ts';

export function createAppWorkflowSource(data: AppData, workflowId: string): WorkflowSource {
  const store = data.workflow(workflowId);
  return {
    current: () => store.get() ?? null,
    subscribe(listener) {
      return store.subscribe(() => {
        const doc = store.get();
        if (doc) listener(doc);
      });
    },
    save: (change: WorkflowChange) => data.updateWorkflow(workflowId, () => change),
    modify: (recipe: (doc: WorkflowDoc) => WorkflowChange) =>
      data.updateWorkflow(workflowId, recipe),
  };
}
