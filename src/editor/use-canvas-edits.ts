/**
 * What the canvas reports, turned into commands: settled drags become moves, connections are
 * checked before they are made, and a node type dropped from the palette is added where it
 * landed.
 */
import type { Connection, NodeChange, OnConnectEnd, ReactFlowInstance } from '@xyflow/react';
import { useCallback, useEffect, type DragEvent, type RefObject } from 'react';
import type { EditorCommands } from './editor-commands.ts';
import type { EditorSession } from './editor-session.ts';
import type { FlowEdge, FlowNode } from './flow-elements.ts';
import { moveNodesOp, type Graph } from './graph-ops.ts';
import { getNodeType } from './node-types.ts';
import { NODE_DRAG_MIME } from './Palette.tsx';
import { checkConnection } from './validate-workflow.ts';

export interface CanvasEditsOptions {
  session: EditorSession;
  commands: EditorCommands;
  /** The graph and the canvas nodes as last rendered. */
  latest: RefObject<{ graph: Graph; nodes: FlowNode[] }>;
  flow: ReactFlowInstance<FlowNode, FlowEdge>;
  applyViewChanges: (changes: NodeChange<FlowNode>[]) => void;
  addNode: (type: string, at?: { x: number; y: number }) => void;
  announce: (text: string | null) => void;
}

export function useCanvasEdits(options: CanvasEditsOptions) {
  const { session, commands, latest, flow, applyViewChanges, addNode, announce } = options;

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      applyViewChanges(changes);
      // A position that settled (the end of a drag, or an arrow-key move) is an edit; the
      // frames in between are only shown, so a drag is saved once, at its end.
      const moves: { id: string; position: { x: number; y: number } }[] = [];
      for (const change of changes) {
        if (change.type === 'position' && change.dragging !== true && change.position) {
          moves.push({ id: change.id, position: change.position });
        }
      }
      commands.moveNodes(moves);
    },
    [applyViewChanges, commands],
  );

  // A drag interrupted by leaving the editor is still saved.
  useEffect(
    () => () => {
      const { graph, nodes } = latest.current;
      const stored = new Map(graph.nodes.map((n) => [n.id, n.position] as const));
      const moves = nodes
        .filter((n) => {
          const at = stored.get(n.id);
          return n.dragging && at && (at.x !== n.position.x || at.y !== n.position.y);
        })
        .map((n) => ({ id: n.id, position: n.position }));
      if (moves.length > 0) session.commit(moveNodesOp(moves), { label: 'Move nodes' });
    },
    [latest, session],
  );

  const isValidConnection = useCallback(
    (connection: FlowEdge | Connection) => checkConnection(latest.current.graph, connection).ok,
    [latest],
  );
  const onConnect = useCallback(
    (connection: Connection) => announce(commands.connect(connection)),
    [announce, commands],
  );
  /** A drop the canvas refused: say why. */
  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, connection) => {
      const { fromNode, toNode, fromHandle, toHandle } = connection;
      if (connection.isValid !== false || !fromNode || !toNode || !fromHandle || !toHandle) return;
      const fromSource = fromHandle.type === 'source';
      const check = checkConnection(latest.current.graph, {
        source: fromSource ? fromNode.id : toNode.id,
        sourceHandle: fromSource ? fromHandle.id : toHandle.id,
        target: fromSource ? toNode.id : fromNode.id,
        targetHandle: fromSource ? toHandle.id : fromHandle.id,
      });
      if (!check.ok) announce(`Cannot connect: ${check.reason}`);
    },
    [announce, latest],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(NODE_DRAG_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_MIME);
      if (!type || !getNodeType(type)) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: Math.round(at.x), y: Math.round(at.y) });
    },
    [addNode, flow],
  );

  return { onNodesChange, isValidConnection, onConnect, onConnectEnd, onDragOver, onDrop };
}
