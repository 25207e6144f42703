/**
 * The canvas card of one workflow node. Memoized and fed stable data (see flow-elements.ts), so
 * panning, dragging another node or typing in another node's field does not re-render it.
 */
import { Handle, Position, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { getNodeType, nodeTitle, type PortSpec } from './node-types.ts';
import type { FlowNode } from './flow-elements.ts';

function ports(list: readonly PortSpec[], type: 'source' | 'target', readOnly: boolean) {
  return list.map((port, i) => (
    <Handle
      key={port.id}
      id={port.id}
      type={type}
      position={type === 'target' ? Position.Left : Position.Right}
      isConnectable={!readOnly}
      className={`fk-handle fk-handle--${port.dataType}`}
      style={{ top: `${((i + 1) / (list.length + 1)) * 100}%` }}
      title={`${port.label} (${port.dataType})${port.required ? ', required' : ''}`}
      aria-label={`${type === 'target' ? 'Input' : 'Output'} ${port.label} (${port.dataType})`}
    >
      {list.length > 1 && type === 'source' ? (
        <span className="fk-handle__label">{port.label}</span>
      ) : null}
    </Handle>
  ));
}

/**
 * Below this zoom the text is unreadable anyway: the canvas gets a class that hides it, so a
 * whole 1,000-node workflow in view rasterizes fast. One subscription for the whole canvas
 * (not one per card), and cards do not re-render when the threshold is crossed.
 */
export const DETAIL_ZOOM = 0.4;
export const detailedSelector = (state: ReactFlowState): boolean =>
  state.transform[2] >= DETAIL_ZOOM;

function NodeCardView({ data, selected }: NodeProps<FlowNode>) {
  const { node, issues, readOnly } = data;
  const spec = getNodeType(node.type);
  const outputs = useMemo(() => spec?.outputs(node.data) ?? [], [spec, node.data]);
  const category = spec?.category.toLowerCase() ?? 'unknown';
  const classes = ['fk-node', `fk-node--${category}`];
  if (issues) classes.push('fk-node--invalid');
  if (selected) classes.push('fk-node--selected');
  return (
    <div className={classes.join(' ')}>
      {ports(spec?.inputs ?? [], 'target', readOnly)}
      <div className="fk-node__title">{nodeTitle(node.type, node.data)}</div>
      <div className="fk-node__type">{spec?.title ?? `Unknown type "${node.type}"`}</div>
      {spec ? <div className="fk-node__summary">{spec.summary(node.data)}</div> : null}
      {issues ? (
        <div className="fk-node__issues" title={issues.map((i) => i.message).join('\n')}>
          ⚠ {issues.length} problem{issues.length === 1 ? '' : 's'}: {issues[0]!.message}
        </div>
      ) : null}
      {ports(outputs, 'source', readOnly)}
    </div>
  );
}

export const NodeCard = memo(NodeCardView);

/** Stable across renders: React Flow re-creates every node when nodeTypes changes identity. */
export const NODE_COMPONENTS = { workflow: NodeCard };
