/**
 * Flowkeep's workflow file format (docs/workflow-format.md): export a workflow to JSON and read
 * one back, refusing a bad file with a message that names the exact problem and where it is.
 * Reading never changes anything; the caller applies a successful result as one undoable step.
 */
import type { JsonObject, JsonValue } from '../model/json.ts';
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import { NODE_TYPE_LIST_ORDERED, getNodeType } from './node-types.ts';
import { inputPorts, outputPorts } from './validate-workflow.ts';

export const WORKFLOW_FILE_FORMAT = 'flowkeep.workflow';
export const WORKFLOW_FILE_VERSION = 1;
export const MAX_WORKFLOW_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_WORKFLOW_NODES = 10_000;

export interface WorkflowFileContent {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  viewport: { x: number; y: number; zoom: number } | null;
}

export interface WorkflowFileV1 extends WorkflowFileContent {
  format: typeof WORKFLOW_FILE_FORMAT;
  version: typeof WORKFLOW_FILE_VERSION;
  exportedAt: string;
}

export type WorkflowFileResult =
  { ok: true; workflow: WorkflowFileContent } | { ok: false; error: string };

export function exportWorkflowFile(workflow: WorkflowFileContent, exportedAt = new Date()): string {
  const file: WorkflowFileV1 = {
    format: WORKFLOW_FILE_FORMAT,
    version: WORKFLOW_FILE_VERSION,
    exportedAt: exportedAt.toISOString(),
    name: workflow.name,
    description: workflow.description,
    viewport: workflow.viewport,
    nodes: workflow.nodes.map(normalizeNode),
    edges: workflow.edges.map(normalizeEdge),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A file name for the download: "Support triage" → "support-triage.flowkeep.json". */
export function workflowFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'workflow'}.flowkeep.json`;
}

function formatBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const tooLarge = (bytes: number): string =>
  `The file is ${formatBytes(bytes)}; a workflow file can be at most ${formatBytes(MAX_WORKFLOW_FILE_BYTES)}. Nothing was imported.`;

/** Reads a chosen file, refusing one over the size limit before reading any of it. */
export async function readWorkflowFile(file: Blob): Promise<WorkflowFileResult> {
  if (file.size > MAX_WORKFLOW_FILE_BYTES) return { ok: false, error: tooLarge(file.size) };
  let text: string;
  try {
    text = typeof file.text === 'function' ? await file.text() : await readWithFileReader(file);
  } catch (error) {
    return {
      ok: false,
      error: `The file could not be read (${(error as Error).message}). Nothing was imported.`,
    };
  }
  return parseWorkflowFile(text);
}

/** For browsers (and jsdom) whose Blob has no text(). */
function readWithFileReader(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file);
  });
}

class FileProblem extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : `${typeof value} ${JSON.stringify(value)}`;

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (isObject(value)) return Object.values(value).every((v) => isJsonValue(v, depth + 1));
  return false;
}

const KNOWN_TYPES = NODE_TYPE_LIST_ORDERED.map((s) => s.type).join(', ');

/** Checks a list of nodes and edges (from a file or the clipboard); throws FileProblem. */
function readGraph(
  nodesRaw: unknown,
  edgesRaw: unknown,
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  if (!Array.isArray(nodesRaw))
    throw new FileProblem(`"nodes" must be a list, but it is ${describe(nodesRaw)}.`);
  if (!Array.isArray(edgesRaw))
    throw new FileProblem(`"edges" must be a list, but it is ${describe(edgesRaw)}.`);
  if (nodesRaw.length > MAX_WORKFLOW_NODES) {
    throw new FileProblem(
      `The file has ${nodesRaw.length} nodes; a workflow can have at most ${MAX_WORKFLOW_NODES}.`,
    );
  }
  const nodes: WorkflowNode[] = [];
  const ids = new Map<string, number>();
  nodesRaw.forEach((raw, i) => {
    const at = `nodes[${i}]`;
    if (!isObject(raw))
      throw new FileProblem(`${at} must be an object, but it is ${describe(raw)}.`);
    const { id, type, position, data } = raw;
    if (typeof id !== 'string' || id === '')
      throw new FileProblem(`${at}.id must be a non-empty string.`);
    if (ids.has(id))
      throw new FileProblem(`${at}.id "${id}" is already used by nodes[${ids.get(id)}].`);
    ids.set(id, i);
    if (typeof type !== 'string') throw new FileProblem(`${at}.type must be a string.`);
    if (!getNodeType(type)) {
      throw new FileProblem(
        `${at}.type: unknown node type "${type}" (known types: ${KNOWN_TYPES}).`,
      );
    }
    if (!isObject(position) || !Number.isFinite(position['x']) || !Number.isFinite(position['y'])) {
      throw new FileProblem(`${at}.position must be an object with numeric x and y.`);
    }
    if (data !== undefined && !isObject(data))
      throw new FileProblem(`${at}.data must be an object.`);
    if (data !== undefined && !isJsonValue(data)) {
      throw new FileProblem(`${at}.data holds a value that is not plain JSON.`);
    }
    nodes.push({
      id,
      type,
      position: { x: position['x'] as number, y: position['y'] as number },
      data: (data ?? {}) as JsonObject,
    });
  });

  const edges: WorkflowEdge[] = [];
  const edgeIds = new Map<string, number>();
  edgesRaw.forEach((raw, i) => {
    const at = `edges[${i}]`;
    if (!isObject(raw))
      throw new FileProblem(`${at} must be an object, but it is ${describe(raw)}.`);
    const { id, source, target, sourceHandle, targetHandle } = raw;
    if (typeof id !== 'string' || id === '')
      throw new FileProblem(`${at}.id must be a non-empty string.`);
    if (edgeIds.has(id))
      throw new FileProblem(`${at}.id "${id}" is already used by edges[${edgeIds.get(id)}].`);
    edgeIds.set(id, i);
    for (const [key, value] of [
      ['source', source],
      ['target', target],
    ] as const) {
      if (typeof value !== 'string')
        throw new FileProblem(`${at}.${key} must be a node id (a string).`);
      if (!ids.has(value))
        throw new FileProblem(`${at}.${key}: node "${value}" is not in the file (dangling edge).`);
    }
    for (const [key, value] of [
      ['sourceHandle', sourceHandle],
      ['targetHandle', targetHandle],
    ] as const) {
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw new FileProblem(`${at}.${key} must be a string or null.`);
      }
    }
    const edge: WorkflowEdge = {
      id,
      source: source as string,
      target: target as string,
      sourceHandle: (sourceHandle as string | null | undefined) ?? null,
      targetHandle: (targetHandle as string | null | undefined) ?? null,
    };
    const sourceNode = nodes[ids.get(edge.source)!]!;
    const targetNode = nodes[ids.get(edge.target)!]!;
    if (edge.sourceHandle && !outputPorts(sourceNode).some((p) => p.id === edge.sourceHandle)) {
      throw new FileProblem(
        `${at}.sourceHandle: ${sourceNode.type} node "${sourceNode.id}" has no output "${edge.sourceHandle}".`,
      );
    }
    if (edge.targetHandle && !inputPorts(targetNode).some((p) => p.id === edge.targetHandle)) {
      throw new FileProblem(
        `${at}.targetHandle: ${targetNode.type} node "${targetNode.id}" has no input "${edge.targetHandle}".`,
      );
    }
    edges.push(edge);
  });
  return { nodes, edges };
}

export function parseWorkflowFile(text: string): WorkflowFileResult {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit: encode only when the length alone cannot decide.
  let bytes = text.length;
  if (text.length > MAX_WORKFLOW_FILE_BYTES / 3 && text.length <= MAX_WORKFLOW_FILE_BYTES) {
    bytes = new TextEncoder().encode(text).byteLength;
  }
  if (bytes > MAX_WORKFLOW_FILE_BYTES) return { ok: false, error: tooLarge(bytes) };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `This file is not JSON (${(error as Error).message}). Choose a workflow file exported from Flowkeep. Nothing was imported.`,
    };
  }
  try {
    if (!isObject(raw))
      throw new FileProblem(`The file holds ${describe(raw)}, not a Flowkeep workflow object.`);
    if (raw['format'] !== WORKFLOW_FILE_FORMAT) {
      throw new FileProblem(
        raw['format'] === undefined
          ? `This is not a Flowkeep workflow file: "format" is missing (expected "${WORKFLOW_FILE_FORMAT}").`
          : `This is not a Flowkeep workflow file: "format" is ${JSON.stringify(raw['format'])}, expected "${WORKFLOW_FILE_FORMAT}".`,
      );
    }
    const version = raw['version'];
    if (version !== WORKFLOW_FILE_VERSION) {
      throw new FileProblem(
        typeof version === 'number' && Number.isInteger(version) && version > WORKFLOW_FILE_VERSION
          ? `This file is format version ${version}, made by a newer Flowkeep; this app reads version ${WORKFLOW_FILE_VERSION}. Update the app and try again.`
          : `Unsupported format version ${JSON.stringify(version)}; this app reads version ${WORKFLOW_FILE_VERSION}.`,
      );
    }
    const name = raw['name'];
    const description = raw['description'] ?? '';
    if (typeof name !== 'string') throw new FileProblem('"name" must be a string.');
    if (typeof description !== 'string') throw new FileProblem('"description" must be a string.');
    const viewport = raw['viewport'] ?? null;
    if (
      viewport !== null &&
      !(isObject(viewport) && ['x', 'y', 'zoom'].every((k) => Number.isFinite(viewport[k])))
    ) {
      throw new FileProblem('"viewport" must be null or an object with numeric x, y and zoom.');
    }
    const { nodes, edges } = readGraph(raw['nodes'], raw['edges']);
    return {
      ok: true,
      workflow: {
        name,
        description,
        nodes,
        edges,
        viewport: viewport as WorkflowFileContent['viewport'],
      },
    };
  } catch (error) {
    if (error instanceof FileProblem)
      return { ok: false, error: `${error.message} Nothing was imported.` };
    throw error;
  }
}

/** Validates nodes and edges from another source (the clipboard) with the same rules. */
export function readGraphJson(
  nodes: unknown,
  edges: unknown,
): { ok: true; nodes: WorkflowNode[]; edges: WorkflowEdge[] } | { ok: false; error: string } {
  try {
    return { ok: true, ...readGraph(nodes, edges) };
  } catch (error) {
    if (error instanceof FileProblem) return { ok: false, error: error.message };
    throw error;
  }
}

function normalizeNode(node: WorkflowNode): WorkflowNode {
  return { id: node.id, type: node.type, position: { ...node.position }, data: node.data };
}

function normalizeEdge(edge: WorkflowEdge): WorkflowEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle ?? null,
    targetHandle: edge.targetHandle ?? null,
  };
}
