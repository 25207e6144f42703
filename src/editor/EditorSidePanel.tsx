/**
 * The editor's side panel: lost edits or versions when opened from the toolbar, otherwise the
 * properties of the one selected node, otherwise the problems of the workflow.
 */
import type { JsonValue } from '../model/json.ts';
import type { WorkflowNode, WorkflowVersion } from '../model/workflow.ts';
import { LostEditsPanel } from './LostEditsPanel.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { PropertiesPanel } from './PropertiesPanel.tsx';
import type { LostValue } from './sync-conflicts.ts';
import type { WorkflowIssues } from './validate-workflow.ts';
import type { VersionNameCheck } from './versions.ts';
import { VersionsPanel } from './VersionsPanel.tsx';
import type { SecretOption } from './workflow-source.ts';

export type SidePanelKind = 'versions' | 'lost-edits' | null;

export interface EditorSidePanelProps {
  open: SidePanelKind;
  readOnly: boolean;
  nodes: readonly WorkflowNode[];
  issues: WorkflowIssues;
  selectedNodeIds: ReadonlySet<string>;
  secrets: readonly SecretOption[];
  lostEdits: readonly LostValue[];
  versions: readonly WorkflowVersion[];
  onRestoreLostEdit(lost: LostValue): void;
  onSaveVersion(name: string): VersionNameCheck;
  onRestoreVersion(id: string): void;
  onDeleteVersion(id: string): void;
  onFieldChange(nodeId: string, key: string, value: JsonValue, label: string): void;
  newBranchId(): string;
  onShowNode(id: string): void;
}

export function EditorSidePanel(props: EditorSidePanelProps) {
  const { readOnly, selectedNodeIds } = props;
  const singleSelected =
    selectedNodeIds.size === 1 ? props.nodes.find((n) => selectedNodeIds.has(n.id)) : undefined;
  return (
    <aside className="fk-side" aria-label="Details">
      {props.open === 'lost-edits' ? (
        <LostEditsPanel
          lost={props.lostEdits}
          readOnly={readOnly}
          onRestore={props.onRestoreLostEdit}
        />
      ) : props.open === 'versions' ? (
        <VersionsPanel
          versions={props.versions}
          readOnly={readOnly}
          onSave={props.onSaveVersion}
          onRestore={props.onRestoreVersion}
          onDelete={props.onDeleteVersion}
        />
      ) : singleSelected ? (
        <PropertiesPanel
          node={singleSelected}
          issues={props.issues.nodes.get(singleSelected.id)}
          readOnly={readOnly}
          secrets={props.secrets}
          onFieldChange={props.onFieldChange}
          newBranchId={props.newBranchId}
        />
      ) : (
        <ProblemsList
          graph={props.nodes}
          issues={props.issues}
          onSelect={props.onShowNode}
          selectedCount={selectedNodeIds.size}
        />
      )}
    </aside>
  );
}
