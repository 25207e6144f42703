/**
 * Undo/redo as pure data. Each entry stores the inverse of one user operation, recorded per node
 * and edge id and per touched field (see graph-ops.ts). Undo applies that inverse to the graph as
 * it is NOW, including changes that arrived from other devices since, so it reverts the user's
 * own edit and nothing else; redo is the inverse of the undo, computed at undo time.
 */
import { invertOperation, type Operation } from './graph-ops.ts';
import type { WorkflowGraph } from './validate-workflow.ts';

export interface HistoryEntry {
  label: string;
  /** Applied to the current graph to step this way (undo on `past`, redo on `future`). */
  operation: Operation;
  /** Consecutive entries with the same key (typing in one field) merge into one step. */
  coalesceKey?: string;
  at: number;
}

export interface History {
  past: readonly HistoryEntry[];
  future: readonly HistoryEntry[];
}

export interface RecordOptions {
  label: string;
  coalesceKey?: string;
  /** Milliseconds since epoch; injectable for tests. */
  at?: number;
}

export const HISTORY_LIMIT = 200;
/** Typing pauses longer than this start a new undo step. */
export const COALESCE_WINDOW_MS = 1500;

export const emptyHistory = (): History => ({ past: [], future: [] });

/** Records `operation`, about to be applied to `before`. A no-op operation records nothing. */
export function recordOperation(
  history: History,
  before: WorkflowGraph,
  operation: Operation,
  options: RecordOptions,
): History {
  const inverse = invertOperation(before, operation);
  if (inverse.length === 0) return history;
  const at = options.at ?? Date.now();
  const last = history.past[history.past.length - 1];
  if (
    last &&
    options.coalesceKey !== undefined &&
    last.coalesceKey === options.coalesceKey &&
    at - last.at <= COALESCE_WINDOW_MS
  ) {
    // Undoing (op1 then op2) is undoing op2 then op1.
    const merged: HistoryEntry = { ...last, operation: [...inverse, ...last.operation], at };
    return { past: [...history.past.slice(0, -1), merged], future: [] };
  }
  const entry: HistoryEntry = { label: options.label, operation: inverse, at };
  if (options.coalesceKey !== undefined) entry.coalesceKey = options.coalesceKey;
  return { past: [...history.past, entry].slice(-HISTORY_LIMIT), future: [] };
}

export interface Step {
  history: History;
  /** What to apply to the current graph. */
  operation: Operation;
  label: string;
}

export function undoStep(history: History, current: WorkflowGraph): Step | null {
  const entry = history.past[history.past.length - 1];
  if (!entry) return null;
  const redo: HistoryEntry = {
    label: entry.label,
    operation: invertOperation(current, entry.operation),
    at: 0,
  };
  return {
    history: { past: history.past.slice(0, -1), future: [...history.future, redo] },
    operation: entry.operation,
    label: entry.label,
  };
}

export function redoStep(history: History, current: WorkflowGraph): Step | null {
  const entry = history.future[history.future.length - 1];
  if (!entry) return null;
  const undo: HistoryEntry = {
    label: entry.label,
    operation: invertOperation(current, entry.operation),
    at: 0,
  };
  return {
    history: { past: [...history.past, undo], future: history.future.slice(0, -1) },
    operation: entry.operation,
    label: entry.label,
  };
}
