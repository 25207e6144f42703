/** The empty canvas's offer: start from one of the built-in templates. */
import { WORKFLOW_TEMPLATES } from './templates.ts';

export function TemplatePicker(props: { onPick: (id: string) => void }) {
  return (
    <section className="fk-templates" aria-label="Start from a template">
      <h2>Start from a template</h2>
      <p className="fk-muted">Or add nodes from the palette.</p>
      <ul>
        {WORKFLOW_TEMPLATES.map((template) => (
          <li key={template.id}>
            <button
              type="button"
              aria-label={`Use template ${template.name}`}
              onClick={() => props.onPick(template.id)}
            >
              <strong>{template.name}</strong>
              <span>{template.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
