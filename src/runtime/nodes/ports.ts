/**
 * Connector and knowledge-base nodes call ports the connectors and knowledge-base features
 * provide. Until those are installed the default ports fail with a clear "not available yet".
 */
import { RuntimeError } from '../errors.ts';
import { renderTemplate } from '../expressions.ts';
import type { ConnectorRunner, JsonValue, KnowledgeRetriever } from '../types.ts';
import { numberField, stringField, type NodeExecutor } from './node-context.ts';

export const unavailableConnectors: ConnectorRunner = {
  run: async ({ connectorId, operation }) => {
    throw new RuntimeError(
      `Connector calls are not available yet: "${operation}" of connector ${connectorId} cannot run until connectors are installed in this app.`,
    );
  },
};

export const unavailableKnowledge: KnowledgeRetriever = {
  retrieve: async ({ knowledgeBaseId }) => {
    throw new RuntimeError(
      `Knowledge-base retrieval is not available yet: knowledge base ${knowledgeBaseId} cannot be searched until knowledge bases are installed in this app.`,
    );
  },
};

export const runConnector: NodeExecutor = async (context) => {
  const { data } = context.node;
  const connectorId = stringField(data, 'connectorId').trim();
  const operation = stringField(data, 'operation').trim();
  if (!connectorId) throw new RuntimeError('No connector is chosen.');
  if (!operation) throw new RuntimeError('No operation is chosen.');
  // The input field is JSON whose string values may hold {{ }} placeholders; empty passes the
  // node's input on unchanged.
  const inputText = stringField(data, 'input', '{}').trim();
  let input: JsonValue = context.scope.input;
  if (inputText !== '' && inputText !== '{}') {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(inputText) as JsonValue;
    } catch (error) {
      throw new RuntimeError(`The connector input is not valid JSON: ${(error as Error).message}`);
    }
    input = await renderStrings(parsed, (text) =>
      renderTemplate(text, context.scope, context.limits, {
        keepType: true,
        signal: context.signal,
      }),
    );
  }
  const result = await context.services.connectors.run({
    connectorId,
    operation,
    input,
    signal: context.signal,
  });
  return { output: result };
};

async function renderStrings(
  value: JsonValue,
  render: (text: string) => Promise<JsonValue>,
): Promise<JsonValue> {
  if (typeof value === 'string') return value.includes('{{') ? render(value) : value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => renderStrings(item, render)));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: await renderStrings(item, render),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export const runKnowledgeRetrieval: NodeExecutor = async (context) => {
  const { data } = context.node;
  const knowledgeBaseId = stringField(data, 'knowledgeBaseId').trim();
  if (!knowledgeBaseId) throw new RuntimeError('No knowledge base is chosen.');
  const query = await renderTemplate(
    stringField(data, 'query', '{{input}}'),
    context.scope,
    context.limits,
    { signal: context.signal },
  );
  const topK = Math.min(50, Math.max(1, Math.floor(numberField(data, 'topK', 5))));
  const minScore = numberField(data, 'minScore', 0);
  const passages = await context.services.knowledge.retrieve({
    knowledgeBaseId,
    query: String(query),
    topK,
    minScore,
    signal: context.signal,
  });
  const documents: JsonValue = passages.slice(0, topK).map((p) => ({
    documentId: p.documentId,
    text: p.text,
    score: p.score,
    ...(p.title !== undefined ? { title: p.title } : {}),
  }));
  return { output: documents, details: { passages: passages.length } };
};
