/** What is wrong with the workflow, by node, shown when no single node is selected. */
import { memo } from 'react';
import type { WorkflowNode } from '../model/workflow.ts';
import { nodeTitle } from './node-types.ts';
import type { WorkflowIssues } from './validate-workflow.ts';

const MAX_LISTED_PROBLEMS = 50;

export const ProblemsList = memo(function ProblemsList(props: {
  graph: readonly WorkflowNode[];
  issues: WorkflowIssues;
  selectedCount: number;
  onSelect: (id: string) => void;
}) {
  const { issues } = props;
  const byId = new Map(props.graph.map((n) => [n.id, n] as const));
  const nodeProblems = [...issues.nodes.entries()].slice(0, MAX_LISTED_PROBLEMS);
  const edgeProblemCount = [...issues.edges.values()].reduce((sum, list) => sum + list.length, 0);
  return (
    <section className="fk-panel" aria-labelledby="fk-problems-heading">
      <h2 id="fk-problems-heading">Problems</h2>
      {props.selectedCount > 1 && (
        <p className="fk-muted">{props.selectedCount} nodes selected. Select one to edit it.</p>
      )}
      {issues.workflow.map((issue) => (
        <p key={issue.message} className="fk-warning">
          {issue.message}
        </p>
      ))}
      {nodeProblems.length === 0 && edgeProblemCount === 0 ? (
        <p className="fk-muted">No problems found. Select a node to edit its properties.</p>
      ) : (
        <ul className="fk-problems" aria-label="Problems by node">
          {nodeProblems.map(([id, list]) => {
            const node = byId.get(id);
            const title = node ? nodeTitle(node.type, node.data) : id;
            return (
              <li key={id}>
                <button
                  type="button"
                  aria-label={`Show ${title}`}
                  onClick={() => props.onSelect(id)}
                >
                  {title}
                </button>
                : {list.map((i) => i.message).join(' ')}
              </li>
            );
          })}
          {edgeProblemCount > 0 && (
            <li>
              {edgeProblemCount} problem{edgeProblemCount === 1 ? '' : 's'} with connections (shown
              in red).
            </li>
          )}
        </ul>
      )}
    </section>
  );
});
