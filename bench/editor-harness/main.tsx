/**
 * Bench page: opens the real editor on an in-memory workflow of ?nodes=N&edges=M, and reports
 * on window.__editorBench when the canvas is drawn, and the frame times of a recording window.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import WorkflowEditor from '../../src/editor/WorkflowEditor.tsx';
import {
  createMemoryWorkflowSource,
  emptyWorkflowDoc,
} from '../../test/support/memory-workflow-source.ts';
import { generateWorkflow } from './generate-workflow.ts';

interface FrameRecording {
  /** rAF-to-rAF intervals, ms. */
  intervals: number[];
  /** Main-thread time from the frame's rAF until its rendering work ended, ms. */
  work: number[];
}

const params = new URLSearchParams(location.search);
const nodeCount = Number(params.get('nodes') ?? '100');
const edgeCount = Number(params.get('edges') ?? '120');
const graph = generateWorkflow(nodeCount, edgeCount);
const source = createMemoryWorkflowSource(
  emptyWorkflowDoc({ ...graph, name: `Bench ${nodeCount}` }),
);

let recording: FrameRecording | null = null;
const channel = new MessageChannel();
let frameStart = 0;
channel.port1.onmessage = () => {
  recording?.work.push(performance.now() - frameStart);
};
let last = 0;
const onFrame = (now: number) => {
  if (recording) {
    if (last) recording.intervals.push(now - last);
    frameStart = performance.now();
    // Runs after this frame's style, layout and paint: measures the frame's main-thread work.
    channel.port2.postMessage(null);
  }
  last = now;
  requestAnimationFrame(onFrame);
};
requestAnimationFrame(onFrame);

const ready = new Promise<number>((resolve) => {
  const check = () => {
    const rendered = document.querySelectorAll<HTMLElement>('.react-flow__node');
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
    const drawn =
      rendered.length > 0 &&
      [...rendered].every((n) => n.style.visibility !== 'hidden') &&
      viewport !== null &&
      !/scale\(1\)$/.test(viewport.style.transform);
    if (drawn) requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});

Object.assign(window, {
  __editorBench: {
    ready,
    renderedNodes: () => document.querySelectorAll('.react-flow__node').length,
    startRecording() {
      recording = { intervals: [], work: [] };
      last = 0;
    },
    stopRecording(): FrameRecording {
      const result = recording ?? { intervals: [], work: [] };
      recording = null;
      return result;
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <div style={{ width: '100vw', height: '100vh' }}>
      <WorkflowEditor source={source} />
    </div>
  </StrictMode>,
);
