/**
 * LLM prompt node: renders the prompts, asks the provider for a streamed completion, streams the
 * text into the trace as it arrives and records token usage. The API key is resolved from the
 * vault by reference for this call only.
 */
import { RuntimeError } from '../errors.ts';
import { renderTemplate } from '../expressions.ts';
import { callServer, failedResponse, requireOnline } from '../http-call.ts';
import { parseStreamJson, readNdjson, readSse } from '../llm/stream-lines.ts';
import {
  DEFAULT_BASE_URLS,
  PROVIDER_LABELS,
  PROVIDER_WIRES,
  isLlmProvider,
  type LlmProvider,
  type StreamStep,
} from '../llm/providers.ts';
import type { TokenUsage } from '../types.ts';
import { numberField, stringField, type NodeContext, type NodeExecutor } from './node-context.ts';

function baseUrlFor(context: NodeContext, provider: LlmProvider): string {
  const own = stringField(context.node.data, 'baseUrl').trim();
  const url = own || context.services.llmBaseUrls[provider] || DEFAULT_BASE_URLS[provider];
  if (!url)
    throw new RuntimeError(`${PROVIDER_LABELS[provider]} needs a base URL (the node's "baseUrl").`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RuntimeError(`The base URL ${JSON.stringify(url)} is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RuntimeError('The base URL must start with http:// or https://.');
  }
  return url;
}

const isLoopback = (url: string): boolean =>
  /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url);

export const runLlm: NodeExecutor = async (context) => {
  const { data } = context.node;
  const provider = stringField(data, 'provider', 'openai');
  if (!isLlmProvider(provider)) throw new RuntimeError(`Unknown LLM provider "${provider}".`);
  const label = PROVIDER_LABELS[provider];
  const model = stringField(data, 'model').trim();
  if (!model) throw new RuntimeError('No model is set.');
  const baseUrl = baseUrlFor(context, provider);
  // A model on this machine (Ollama) needs no network.
  if (!isLoopback(baseUrl)) requireOnline(context.services.isOnline, label);

  const render = (key: string, fallback: string) =>
    renderTemplate(stringField(data, key, fallback), context.scope, context.limits, {
      signal: context.signal,
    }).then(String);
  const request = {
    model,
    systemPrompt: await render('systemPrompt', ''),
    userPrompt: await render('userPrompt', '{{input}}'),
    temperature: numberField(data, 'temperature', 0.7),
    maxTokens: Math.floor(numberField(data, 'maxTokens', 1024)),
  };
  if (request.userPrompt.trim() === '')
    throw new RuntimeError('The user prompt is empty once rendered.');

  const secretId = stringField(data, 'secretId').trim();
  let apiKey: string | null = null;
  if (secretId) apiKey = await context.resolveSecret(secretId);
  else if (provider !== 'ollama' && provider !== 'openai-compatible') {
    throw new RuntimeError(`${label} needs an API key: pick a secret from the vault.`);
  }

  const wire = PROVIDER_WIRES[provider];
  const call = wire.build(request, baseUrl, apiKey);
  apiKey = null;
  const response = await callServer(
    context.services.fetch,
    call.url,
    { method: 'POST', headers: call.headers, body: call.body, signal: context.signal },
    label,
  );
  if (!response.ok) throw await failedResponse(response, label, context.signal);
  if (!response.body) throw new RuntimeError(`${label} answered without a body.`);

  let text = '';
  let done = false;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const take = (step: StreamStep) => {
    if (step.text) {
      if (text.length + step.text.length > context.limits.maxStreamChars) {
        throw new RuntimeError(
          `${label} streamed more than ${context.limits.maxStreamChars} characters; the answer was stopped.`,
        );
      }
      text += step.text;
      context.onToken(step.text);
    }
    if (step.inputTokens !== undefined) usage.inputTokens = step.inputTokens;
    if (step.outputTokens !== undefined) usage.outputTokens = step.outputTokens;
    if (step.done) done = true;
  };
  const what = `${label} stream`;
  try {
    if (call.stream === 'sse') {
      for await (const event of readSse(response.body, context.signal, what)) {
        take(
          wire.read(
            event.event,
            event.data === '[DONE]' ? '[DONE]' : parseStreamJson(event.data, what),
          ),
        );
        if (done && provider !== 'google') break;
      }
    } else {
      for await (const line of readNdjson(response.body, context.signal, what)) {
        take(wire.read('message', line));
        if (done) break;
      }
    }
  } catch (error) {
    if (error instanceof RuntimeError && !error.message.startsWith(label)) {
      throw new RuntimeError(`${label}: ${error.message}`, { retryable: error.retryable });
    }
    throw error;
  } finally {
    // Stops the download when the answer ended early (done, error, abort); a no-op at its end.
    void response.body.cancel().catch(() => undefined);
  }
  if (wire.needsDone && !done) {
    throw new RuntimeError(
      `${what} ended before the answer was complete (malformed or cut-off stream).`,
    );
  }
  return { output: text, usage, details: { provider, model } };
};
