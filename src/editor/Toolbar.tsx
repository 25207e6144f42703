/** Editor commands as buttons, each with an accessible name and its keyboard shortcut. */
import { memo, useRef } from 'react';
import type { SaveStatus } from './editor-session.ts';

export interface ToolbarProps {
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  selectedCount: number;
  nodeCount: number;
  edgeCount: number;
  saveStatus: SaveStatus;
  saveError: string | null;
  versionsOpen: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
  onAutoLayout: () => void;
  onFitView: () => void;
  onExport: () => void;
  onImport: (file: File) => void;
  onToggleVersions: () => void;
  lostEditCount: number;
  lostEditsOpen: boolean;
  onToggleLostEdits: () => void;
}

const MOD =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

function ToolbarView(p: ToolbarProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const none = p.selectedCount === 0;
  return (
    <div className="fk-toolbar" role="toolbar" aria-label="Workflow editor">
      {!p.readOnly && (
        <>
          <button
            type="button"
            aria-label="Undo"
            title={`Undo (${MOD}Z)`}
            disabled={!p.canUndo}
            onClick={p.onUndo}
          >
            Undo
          </button>
          <button
            type="button"
            aria-label="Redo"
            title={`Redo (${MOD}Shift+Z or ${MOD}Y)`}
            disabled={!p.canRedo}
            onClick={p.onRedo}
          >
            Redo
          </button>
        </>
      )}
      <button
        type="button"
        aria-label="Copy selection"
        title={`Copy (${MOD}C)`}
        disabled={none}
        onClick={p.onCopy}
      >
        Copy
      </button>
      {!p.readOnly && (
        <>
          <button type="button" aria-label="Paste" title={`Paste (${MOD}V)`} onClick={p.onPaste}>
            Paste
          </button>
          <button
            type="button"
            aria-label="Duplicate selection"
            title={`Duplicate (${MOD}D)`}
            disabled={none}
            onClick={p.onDuplicate}
          >
            Duplicate
          </button>
          <button
            type="button"
            aria-label="Delete selection"
            title="Delete (Delete or Backspace)"
            disabled={none}
            onClick={p.onDelete}
          >
            Delete
          </button>
          <button
            type="button"
            aria-label="Auto-layout"
            title="Arrange nodes left to right"
            onClick={p.onAutoLayout}
          >
            Auto-layout
          </button>
        </>
      )}
      <button
        type="button"
        aria-label="Fit view"
        title="Show the whole workflow"
        onClick={p.onFitView}
      >
        Fit view
      </button>
      <button
        type="button"
        aria-label="Export workflow file"
        title="Download as a Flowkeep workflow JSON file"
        onClick={p.onExport}
      >
        Export
      </button>
      {!p.readOnly && (
        <>
          <button
            type="button"
            aria-label="Import workflow file"
            title="Replace this workflow with a Flowkeep JSON file (undoable)"
            onClick={() => fileInput.current?.click()}
          >
            Import
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            aria-label="Workflow file to import"
            className="fk-visually-hidden"
            tabIndex={-1}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) p.onImport(file);
            }}
          />
        </>
      )}
      <button
        type="button"
        aria-label="Versions"
        aria-pressed={p.versionsOpen}
        onClick={p.onToggleVersions}
      >
        Versions
      </button>
      {p.lostEditCount > 0 && (
        <button
          type="button"
          aria-label="Lost edits"
          aria-pressed={p.lostEditsOpen}
          title="Your values that lost a sync conflict with another device"
          onClick={p.onToggleLostEdits}
        >
          Lost edits ({p.lostEditCount})
        </button>
      )}
      <span className="fk-size" role="status" aria-label="Workflow size">
        {p.nodeCount} node{p.nodeCount === 1 ? '' : 's'} · {p.edgeCount} connection
        {p.edgeCount === 1 ? '' : 's'}
        {p.selectedCount > 0 ? ` · ${p.selectedCount} selected` : ''}
      </span>
      <span className={`fk-save fk-save--${p.saveStatus}`} role="status" aria-label="Save status">
        {p.saveStatus === 'saved'
          ? 'All changes saved'
          : p.saveStatus === 'saving'
            ? 'Saving…'
            : (p.saveError ?? 'Could not save')}
      </span>
    </div>
  );
}

export const Toolbar = memo(ToolbarView);
