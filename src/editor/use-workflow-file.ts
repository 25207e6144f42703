/**
 * Export the workflow as a versioned file (workflow-file.ts) and import one as a single
 * undoable step; an import that fails leaves the workflow alone and says why.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { useCallback, useState } from 'react';
import { downloadTextFile } from './download.ts';
import type { EditorCommands } from './editor-commands.ts';
import type { EditorSession } from './editor-session.ts';
import type { FlowEdge, FlowNode } from './flow-elements.ts';
import { exportWorkflowFile, readWorkflowFile, workflowFileName } from './workflow-file.ts';

export interface WorkflowFileOptions {
  session: EditorSession;
  commands: EditorCommands;
  flow: ReactFlowInstance<FlowNode, FlowEdge>;
  announce: (text: string | null) => void;
  /** After an import: show the whole new graph. */
  onImported: () => void;
}

export function useWorkflowFile(options: WorkflowFileOptions) {
  const { session, commands, flow, announce, onImported } = options;
  const [importError, setImportError] = useState<string | null>(null);

  const exportFile = useCallback(() => {
    const { doc, name: current, graph } = session.getState();
    const name = current || 'Workflow';
    const text = exportWorkflowFile({
      name,
      description: doc?.description ?? '',
      viewport: flow.getViewport(),
      nodes: graph.nodes,
      edges: graph.edges,
    });
    const fileName = workflowFileName(name);
    downloadTextFile(fileName, text, 'application/json');
    announce(`Exported ${fileName}.`);
  }, [announce, flow, session]);

  const importFile = useCallback(
    async (file: File) => {
      const result = await readWorkflowFile(file);
      if (!result.ok) {
        setImportError(`Could not import ${file.name}: ${result.error}`);
        return;
      }
      setImportError(null);
      announce(commands.importWorkflow(result.workflow, file.name));
      onImported();
    },
    [announce, commands, onImported],
  );

  const dismissImportError = useCallback(() => setImportError(null), []);

  return { exportFile, importFile, importError, dismissImportError };
}
