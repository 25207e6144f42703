/**
 * The canvas viewport: where things are on screen, fitting the view, and saving the viewport
 * when a pan or zoom ends (coalesced), so reopening the workflow shows the same view.
 */
import { useReactFlow, type Viewport } from '@xyflow/react';
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { WorkflowNode } from '../model/workflow.ts';
import { DEFAULT_NODE_SIZE } from './auto-layout.ts';
import { PASTE_OFFSET } from './clipboard.ts';
import type { EditorSession } from './editor-session.ts';
import type { FlowEdge, FlowNode } from './flow-elements.ts';

const VIEWPORT_SAVE_DELAY_MS = 800;

type Point = { x: number; y: number };

export function useViewport(
  session: EditorSession,
  isReadOnly: () => boolean,
  rootRef: RefObject<HTMLDivElement | null>,
) {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const canvasRef = useRef<HTMLDivElement>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const onMoveStart = useCallback(() => {
    canvasRef.current?.classList.add('fk-canvas--moving');
  }, []);
  const onMoveEnd = useCallback(
    (_event: unknown, viewport: Viewport) => {
      canvasRef.current?.classList.remove('fk-canvas--moving');
      if (isReadOnly()) return;
      if (saveTimer.current) clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(() => {
        session.saveViewport({ x: viewport.x, y: viewport.y, zoom: viewport.zoom });
      }, VIEWPORT_SAVE_DELAY_MS);
    },
    [isReadOnly, session],
  );
  useEffect(
    () => () => {
      if (saveTimer.current) clearTimeout(saveTimer.current);
    },
    [],
  );

  const fitView = useCallback(() => {
    void flow.fitView({ padding: 0.1, duration: 0 });
  }, [flow]);

  const canvasBox = useCallback(
    () => rootRef.current?.querySelector('.fk-canvas')?.getBoundingClientRect(),
    [rootRef],
  );

  /** Where a node added from the palette goes: the centre of the view, fanned out by `index`. */
  const placeInView = useCallback(
    (index: number): Point => {
      const box = canvasBox();
      const centre = box
        ? { x: box.left + box.width / 2, y: box.top + box.height / 2 }
        : { x: 0, y: 0 };
      const at = flow.screenToFlowPosition(centre);
      // Successive clicks fan out instead of stacking exactly.
      const offset = (index % 8) * 24;
      return { x: Math.round(at.x - 110 + offset), y: Math.round(at.y - 40 + offset) };
    },
    [canvasBox, flow],
  );

  /** Next to the originals when they are in view, else centred in view, so a paste is seen. */
  const pasteOffset = useCallback(
    (pasted: readonly WorkflowNode[]): Point => {
      const shifted = { x: PASTE_OFFSET, y: PASTE_OFFSET };
      const box = canvasBox();
      if (!box || pasted.length === 0) return shifted;
      const topLeft = flow.screenToFlowPosition({ x: box.left, y: box.top });
      const bottomRight = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
      const xs = pasted.map((n) => n.position.x + PASTE_OFFSET);
      const ys = pasted.map((n) => n.position.y + PASTE_OFFSET);
      const minX = Math.min(...xs);
      const minY = Math.min(...ys);
      const maxX = Math.max(...xs) + DEFAULT_NODE_SIZE.width;
      const maxY = Math.max(...ys) + DEFAULT_NODE_SIZE.height;
      const visible =
        minX < bottomRight.x && maxX > topLeft.x && minY < bottomRight.y && maxY > topLeft.y;
      if (visible) return shifted;
      const centre = { x: (topLeft.x + bottomRight.x) / 2, y: (topLeft.y + bottomRight.y) / 2 };
      return {
        x: Math.round(centre.x - (minX + maxX) / 2 + PASTE_OFFSET),
        y: Math.round(centre.y - (minY + maxY) / 2 + PASTE_OFFSET),
      };
    },
    [canvasBox, flow],
  );

  /** Brings a node into view, zooming in if the view is far out. */
  const centreOn = useCallback(
    (position: Point) => {
      void flow.setCenter(position.x + 110, position.y + 40, {
        zoom: Math.max(flow.getZoom(), 0.8),
      });
    },
    [flow],
  );

  return { flow, canvasRef, onMoveStart, onMoveEnd, fitView, placeInView, pasteOffset, centreOn };
}
