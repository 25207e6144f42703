import { describe, expect, it } from 'vitest';
import { WORKFLOW_TEMPLATES } from '../../../src/editor/templates.ts';
import { validateWorkflow } from '../../../src/editor/validate-workflow.ts';
import { exportWorkflowFile, parseWorkflowFile } from '../../../src/editor/workflow-file.ts';

describe('templates', () => {
  it.each(WORKFLOW_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s builds a graph with valid wiring and fresh ids',
    (_id, template) => {
      const graph = template.build();
      const result = validateWorkflow(graph);
      // Only field-level gaps the user must fill (model key, connector id...) may remain.
      expect([...result.edges.values()].flat()).toEqual([]);
      for (const issues of result.nodes.values())
        for (const issue of issues) expect(issue.field).toBeDefined();
      expect(
        parseWorkflowFile(
          exportWorkflowFile({ name: 'x', description: '', viewport: null, ...graph }),
        ).ok,
      ).toBe(true);
      const again = template.build();
      expect(again.nodes[0]!.id).not.toBe(graph.nodes[0]!.id);
    },
  );
});
