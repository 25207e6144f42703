/**
 * Named versions: snapshots of the graph the user creates, browses and restores. They live in
 * the document's `versions` array, so they sync with the workflow. Restoring is an ordinary
 * operation (the diff from now to the snapshot), so it can be undone.
 */
import type { WorkflowVersion } from '../model/workflow.ts';
import { diffGraphs, type GraphChange } from './graph-ops.ts';
import type { WorkflowGraph } from './validate-workflow.ts';

export const MAX_VERSION_NAME = 100;

export type VersionNameCheck = { ok: true; name: string } | { ok: false; error: string };

export function checkVersionName(
  name: string,
  existing: readonly WorkflowVersion[],
): VersionNameCheck {
  const trimmed = name.trim();
  if (trimmed === '')
    return { ok: false, error: 'Give the version a name, for example "Before new prompt".' };
  if (trimmed.length > MAX_VERSION_NAME) {
    return { ok: false, error: `Version names can be at most ${MAX_VERSION_NAME} characters.` };
  }
  if (existing.some((v) => v.name === trimmed)) {
    return {
      ok: false,
      error: `A version named "${trimmed}" already exists; choose another name.`,
    };
  }
  return { ok: true, name: trimmed };
}

export function createVersion(
  graph: WorkflowGraph,
  name: string,
  options: { id: string; createdBy: string | null; at: Date },
): WorkflowVersion {
  return {
    id: options.id,
    name,
    created_at: options.at.toISOString(),
    created_by: options.createdBy,
    nodes: structuredClone([...graph.nodes]),
    edges: structuredClone([...graph.edges]),
  };
}

export function restoreVersionOperation(
  current: WorkflowGraph,
  version: WorkflowVersion,
): GraphChange[] {
  return diffGraphs(current, version);
}

/** Newest first, for the version list. */
export function versionsNewestFirst(versions: readonly WorkflowVersion[]): WorkflowVersion[] {
  return [...versions].sort((a, b) => b.created_at.localeCompare(a.created_at));
}
