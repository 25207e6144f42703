/**
 * The run panel: the input form generated from the trigger's schema, Run / Cancel / Run again,
 * then the run's trace: each node's state, its streaming text, its error (with the node
 * named), its output. Reads a RunSession; knows nothing of the worker or the database.
 */
import { useId, useMemo, useState, useSyncExternalStore } from 'react';
import type { ExecutionRecord, NodeResultRecord, RuntimeWorkflow } from '../../runtime/index.ts';
import { isTruncatedValue } from '../../runtime/index.ts';
import type { RunSession } from './run-session.ts';
import { inputFormFor, inputFromForm, type FormValues, type InputField } from './trigger-form.ts';

export interface RunPanelProps {
  session: RunSession;
  workflow: RuntimeWorkflow;
}

const STATUS_LABELS: Record<NodeResultRecord['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

function triggerSchema(workflow: RuntimeWorkflow): string {
  const trigger = workflow.nodes.find((n) => n.type === 'trigger');
  const schema = trigger?.data['inputSchema'];
  return typeof schema === 'string' ? schema : '';
}

function showValue(value: NodeResultRecord['output']): string {
  if (value === null) return '';
  if (isTruncatedValue(value)) {
    return `${value.preview}\n… truncated: ${value.bytes} bytes, ${value.keptBytes} kept`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function Field(props: {
  field: InputField;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const id = useId();
  const { field, value, error } = props;
  const described = error ? `${id}-error` : field.description ? `${id}-help` : undefined;
  const common = { id, 'aria-invalid': error !== undefined, 'aria-describedby': described };
  return (
    <div className="fk-field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? ' *' : ''}
      </label>
      {field.kind === 'boolean' ? (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => props.onChange(e.target.checked)}
        />
      ) : field.kind === 'choice' ? (
        <select {...common} value={String(value)} onChange={(e) => props.onChange(e.target.value)}>
          {!field.required && <option value="">—</option>}
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.kind === 'json' ? (
        <textarea
          {...common}
          rows={4}
          value={String(value)}
          onChange={(e) => props.onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type={field.kind === 'text' ? 'text' : 'number'}
          value={String(value)}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {field.description && !error ? (
        <p id={`${id}-help`} className="fk-muted">
          {field.description}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="fk-field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function NodeTrace({ result }: { result: NodeResultRecord }) {
  const text =
    result.status === 'running' ? (result.streamed_text ?? '') : showValue(result.output);
  return (
    <li
      className={`fk-run__node fk-run__node--${result.status}`}
      data-node-id={result.node_id}
      data-status={result.status}
    >
      <span className="fk-run__node-label">{result.label}</span>{' '}
      <span className="fk-run__node-status">{STATUS_LABELS[result.status]}</span>
      {result.duration_ms !== null ? (
        <span className="fk-muted"> · {result.duration_ms} ms</span>
      ) : null}
      {result.usage ? (
        <span className="fk-muted">
          {' '}
          · {result.usage.input_tokens} in / {result.usage.output_tokens} out tokens
        </span>
      ) : null}
      {result.attempts > 1 ? <span className="fk-muted"> · attempt {result.attempts}</span> : null}
      {result.error ? (
        <p className="fk-field__error" role="alert">
          {result.label}: {result.error}
        </p>
      ) : null}
      {text ? <pre className="fk-run__output">{text}</pre> : null}
    </li>
  );
}

export function RunTrace({ record }: { record: ExecutionRecord }) {
  return (
    <div className="fk-run__trace">
      <p className={`fk-run__status fk-run__status--${record.status}`} role="status">
        Run {record.status}
        {record.duration_ms !== null ? ` in ${record.duration_ms} ms` : ''}
      </p>
      {record.error ? (
        <p className="fk-field__error" role="alert">
          {record.error}
        </p>
      ) : null}
      <ol className="fk-run__nodes" aria-label="Nodes of this run">
        {Object.values(record.node_results).map((result) => (
          <NodeTrace key={result.node_id} result={result} />
        ))}
      </ol>
    </div>
  );
}

export function RunPanel({ session, workflow }: RunPanelProps) {
  const form = useMemo(() => inputFormFor(triggerSchema(workflow)), [workflow]);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const state = useSyncExternalStore(session.state.subscribe, session.state.get);
  const headingId = useId();
  const start = () => {
    const result = inputFromForm(form, values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    // The session keeps the outcome in its state; the promise only says the run ended.
    session.start(workflow, result.input).catch(() => undefined);
  };
  return (
    <section className="fk-panel fk-run" aria-labelledby={headingId}>
      <h2 id={headingId}>Run</h2>
      {form.problem ? <p className="fk-field__error">{form.problem}</p> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        {form.fields.map((field) => (
          <Field
            key={field.key}
            field={field}
            value={values[field.key] ?? field.initial}
            error={errors[field.key]}
            onChange={(value) => setValues((old) => ({ ...old, [field.key]: value }))}
          />
        ))}
        <button type="submit" disabled={state.running}>
          Run
        </button>{' '}
        {state.running ? (
          <button type="button" onClick={() => session.cancel()}>
            Cancel
          </button>
        ) : state.lastInput !== undefined ? (
          <button type="button" onClick={() => void session.rerun(workflow).catch(() => undefined)}>
            Run again with the same input
          </button>
        ) : null}
      </form>
      {state.record ? (
        <RunTrace record={state.record} />
      ) : state.running ? (
        <p role="status">Starting…</p>
      ) : null}
    </section>
  );
}
