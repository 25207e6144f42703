/**
 * The fields of the selected node, read from the registry, validating as the user types. Each
 * change is an operation on one data field (coalesced per field into one undo step), so the
 * sync layer's field-level merge keeps a colleague's edit of another field.
 */
import { memo, useEffect, useId, useState } from 'react';
import type { JsonObject, JsonValue } from '../model/json.ts';
import type { WorkflowNode } from '../model/workflow.ts';
import { getNodeType, readBranches, type ConditionBranch, type FieldSpec } from './node-types.ts';
import type { Issue } from './validate-workflow.ts';
import type { SecretOption } from './workflow-source.ts';

export interface PropertiesPanelProps {
  node: WorkflowNode;
  issues: readonly Issue[] | undefined;
  readOnly: boolean;
  secrets: readonly SecretOption[];
  onFieldChange: (nodeId: string, key: string, value: JsonValue, label: string) => void;
  newBranchId: () => string;
}

interface FieldProps {
  field: FieldSpec;
  value: JsonValue | undefined;
  data: JsonObject;
  error: string | undefined;
  readOnly: boolean;
  secrets: readonly SecretOption[];
  onChange: (value: JsonValue) => void;
  newBranchId: () => string;
}

const asText = (value: JsonValue | undefined): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** Keeps what the user types ("0.", "-") while storing a number as soon as the text is one. */
function NumberInput(props: {
  id: string;
  value: JsonValue | undefined;
  readOnly: boolean;
  describedBy: string | undefined;
  invalid: boolean;
  onChange: (v: JsonValue) => void;
}) {
  const [draft, setDraft] = useState(asText(props.value));
  useEffect(() => {
    setDraft((current) =>
      Number(current) === props.value && current.trim() !== '' ? current : asText(props.value),
    );
  }, [props.value]);
  return (
    <input
      id={props.id}
      type="text"
      inputMode="decimal"
      value={draft}
      readOnly={props.readOnly}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        const number = Number(text);
        props.onChange(text.trim() !== '' && Number.isFinite(number) ? number : text);
      }}
    />
  );
}

function BranchesEditor(props: FieldProps & { id: string }) {
  const branches = readBranches(props.data);
  const update = (next: ConditionBranch[]) => props.onChange(next.map((b) => ({ ...b })));
  return (
    <div
      className="fk-branches"
      role="group"
      aria-labelledby={`${props.id}-legend`}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
    >
      <div id={`${props.id}-legend`} className="fk-field__label">
        {props.field.label}
      </div>
      {branches.map((branch, index) => (
        <div key={branch.id} className="fk-branch">
          <label>
            Branch {index + 1} label
            <input
              type="text"
              value={branch.label}
              readOnly={props.readOnly}
              onChange={(e) =>
                update(
                  branches.map((b) => (b.id === branch.id ? { ...b, label: e.target.value } : b)),
                )
              }
            />
          </label>
          <label>
            Branch {index + 1} expression
            <input
              type="text"
              value={branch.expression}
              readOnly={props.readOnly}
              onChange={(e) =>
                update(
                  branches.map((b) =>
                    b.id === branch.id ? { ...b, expression: e.target.value } : b,
                  ),
                )
              }
            />
          </label>
          {!props.readOnly && (
            <button
              type="button"
              aria-label={`Remove branch ${index + 1}`}
              onClick={() => update(branches.filter((b) => b.id !== branch.id))}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      {!props.readOnly && (
        <button
          type="button"
          onClick={() =>
            update([
              ...branches,
              { id: props.newBranchId(), label: `Branch ${branches.length + 1}`, expression: '' },
            ])
          }
        >
          Add branch
        </button>
      )}
    </div>
  );
}

function Field(props: FieldProps) {
  const id = useId();
  const { field, value, readOnly, error } = props;
  const describedBy =
    [error ? `${id}-error` : null, field.help ? `${id}-help` : null].filter(Boolean).join(' ') ||
    undefined;
  const required = field.required === true || (field.requiredWhen?.(props.data) ?? false);
  const common = {
    id,
    'aria-invalid': error !== undefined,
    'aria-describedby': describedBy,
    'aria-required': required,
  };
  let control;
  switch (field.kind) {
    case 'text':
    case 'url':
      control = (
        <input
          {...common}
          type="text"
          value={asText(value)}
          readOnly={readOnly}
          placeholder={field.placeholder}
          onChange={(e) => props.onChange(e.target.value)}
        />
      );
      break;
    case 'template':
    case 'json':
      control = (
        <textarea
          {...common}
          rows={field.kind === 'json' ? 5 : 4}
          value={asText(value)}
          readOnly={readOnly}
          spellCheck={field.kind === 'template'}
          onChange={(e) => props.onChange(e.target.value)}
        />
      );
      break;
    case 'number':
      control = (
        <NumberInput
          id={id}
          value={value}
          readOnly={readOnly}
          describedBy={describedBy}
          invalid={error !== undefined}
          onChange={props.onChange}
        />
      );
      break;
    case 'select':
      control = (
        <select
          {...common}
          value={asText(value)}
          disabled={readOnly}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          disabled={readOnly}
          onChange={(e) => props.onChange(e.target.checked)}
        />
      );
      break;
    case 'secret': {
      const current = asText(value);
      const known = props.secrets.some((s) => s.id === current);
      control = (
        <select
          {...common}
          value={current}
          disabled={readOnly}
          onChange={(e) => props.onChange(e.target.value)}
        >
          <option value="">No secret</option>
          {!known && current !== '' ? (
            <option value={current}>Missing secret ({current})</option>
          ) : null}
          {props.secrets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.provider ? ` (${s.provider})` : ''}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'branches':
      return (
        <div className="fk-field">
          <BranchesEditor {...props} id={id} />
          {error ? (
            <p id={`${id}-error`} className="fk-field__error">
              {error}
            </p>
          ) : null}
        </div>
      );
  }
  return (
    <div className={`fk-field${field.kind === 'boolean' ? ' fk-field--inline' : ''}`}>
      <label
        htmlFor={id}
        className={`fk-field__label${required ? ' fk-field__label--required' : ''}`}
      >
        {field.label}
      </label>
      {control}
      {field.help ? (
        <p id={`${id}-help`} className="fk-field__help">
          {field.help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="fk-field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function PropertiesPanelView(props: PropertiesPanelProps) {
  const { node, issues, readOnly } = props;
  const spec = getNodeType(node.type);
  const headingId = useId();
  if (!spec) {
    return (
      <section aria-labelledby={headingId} className="fk-panel">
        <h2 id={headingId}>Unknown node type</h2>
        <p>
          This node has type "{node.type}", which this version of Flowkeep does not know. Delete it
          or update the app.
        </p>
      </section>
    );
  }
  const fieldErrors = new Map<string, string>();
  const nodeErrors: Issue[] = [];
  for (const issue of issues ?? []) {
    if (issue.field) {
      if (!fieldErrors.has(issue.field)) fieldErrors.set(issue.field, issue.message);
    } else nodeErrors.push(issue);
  }
  return (
    <section aria-labelledby={headingId} className="fk-panel">
      <h2 id={headingId}>{spec.title} properties</h2>
      <p className="fk-panel__description">{spec.description}</p>
      {nodeErrors.length > 0 ? (
        <ul className="fk-panel__node-issues" aria-label="Problems with this node">
          {nodeErrors.map((issue) => (
            <li key={issue.message}>{issue.message}</li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={(e) => e.preventDefault()} aria-label={`${spec.title} fields`}>
        {spec.fields.map((field) => (
          <Field
            key={`${node.id}:${field.key}`}
            field={field}
            value={node.data[field.key]}
            data={node.data}
            error={fieldErrors.get(field.key)}
            readOnly={readOnly}
            secrets={props.secrets}
            newBranchId={props.newBranchId}
            onChange={(value) => props.onFieldChange(node.id, field.key, value, field.label)}
          />
        ))}
      </form>
    </section>
  );
}

export const PropertiesPanel = memo(PropertiesPanelView);
