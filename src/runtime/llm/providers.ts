/**
 * The LLM providers the editor lists: how to ask each for a streamed chat completion and how to
 * read its stream. One entry per wire format; Mistral speaks OpenAI's.
 */
import { RuntimeError } from '../errors.ts';

export const LLM_PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'openai-compatible',
  'ollama',
] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<LlmProvider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  mistral: 'Mistral',
  'openai-compatible': 'The OpenAI-compatible endpoint',
  ollama: 'Ollama',
};

/** Where each provider is reached unless the node (baseUrl) or the run's options say otherwise. */
export const DEFAULT_BASE_URLS: Record<LlmProvider, string | null> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
  mistral: 'https://api.mistral.ai/v1',
  'openai-compatible': null,
  ollama: 'http://127.0.0.1:11434',
};

export interface LlmRequest {
  model: string;
  systemPrompt: string;
  userPrompt: string;
  temperature: number;
  maxTokens: number;
}

export interface ProviderCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  stream: 'sse' | 'ndjson';
}

/** What one stream event contributed. */
export interface StreamStep {
  text?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** The provider said the answer is complete. */
  done?: boolean;
}

export interface ProviderWire {
  build(request: LlmRequest, baseUrl: string, apiKey: string | null): ProviderCall;
  /** Reads one event (SSE: its event name and data; NDJSON: the parsed line). */
  read(event: string, data: unknown): StreamStep;
  /** Whether the stream must end with an explicit completion marker. */
  needsDone: boolean;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

type Loose = Record<string, unknown> | undefined;
const obj = (value: unknown): Loose =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function streamError(data: unknown): void {
  const error = obj(data)?.['error'];
  if (error === undefined) return;
  const message = typeof error === 'string' ? error : obj(error)?.['message'];
  throw new RuntimeError(
    `the server reported an error mid-stream: ${typeof message === 'string' ? message.slice(0, 300) : 'no message'}`,
  );
}

const messages = (request: LlmRequest) => [
  ...(request.systemPrompt ? [{ role: 'system', content: request.systemPrompt }] : []),
  { role: 'user', content: request.userPrompt },
];

function openAiWire(includeUsageOption: boolean): ProviderWire {
  return {
    needsDone: true,
    build(request, baseUrl, apiKey) {
      return {
        url: `${trimSlash(baseUrl)}/chat/completions`,
        headers: {
          'content-type': 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: request.model,
          messages: messages(request),
          temperature: request.temperature,
          max_tokens: request.maxTokens,
          stream: true,
          ...(includeUsageOption ? { stream_options: { include_usage: true } } : {}),
        }),
        stream: 'sse',
      };
    },
    read(_event, data) {
      if (data === '[DONE]') return { done: true };
      streamError(data);
      const chunk = obj(data);
      const choice = obj((chunk?.['choices'] as unknown[] | undefined)?.[0]);
      const content = obj(choice?.['delta'])?.['content'];
      const usage = obj(chunk?.['usage']);
      return {
        ...(typeof content === 'string' && content !== '' ? { text: content } : {}),
        ...(usage
          ? {
              inputTokens: num(usage['prompt_tokens']),
              outputTokens: num(usage['completion_tokens']),
            }
          : {}),
      };
    },
  };
}

const anthropicWire: ProviderWire = {
  needsDone: true,
  build(request, baseUrl, apiKey) {
    return {
      url: `${trimSlash(baseUrl)}/v1/messages`,
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        // Anthropic refuses browser calls (CORS) without this; the key is the user's own.
        'anthropic-dangerous-direct-browser-access': 'true',
        ...(apiKey ? { 'x-api-key': apiKey } : {}),
      },
      body: JSON.stringify({
        model: request.model,
        max_tokens: request.maxTokens,
        temperature: request.temperature,
        ...(request.systemPrompt ? { system: request.systemPrompt } : {}),
        messages: [{ role: 'user', content: request.userPrompt }],
        stream: true,
      }),
      stream: 'sse',
    };
  },
  read(event, data) {
    streamError(data);
    const body = obj(data);
    switch (event === 'message' ? body?.['type'] : event) {
      case 'message_start': {
        const usage = obj(obj(body?.['message'])?.['usage']);
        return {
          inputTokens: num(usage?.['input_tokens']),
          outputTokens: num(usage?.['output_tokens']),
        };
      }
      case 'content_block_delta': {
        const text = obj(body?.['delta'])?.['text'];
        return typeof text === 'string' && text !== '' ? { text } : {};
      }
      case 'message_delta': {
        const usage = obj(body?.['usage']);
        return { outputTokens: num(usage?.['output_tokens']) };
      }
      case 'message_stop':
        return { done: true };
      default:
        return {};
    }
  },
};

const geminiWire: ProviderWire = {
  // Gemini's stream simply ends; its last chunk carries a finishReason.
  needsDone: false,
  build(request, baseUrl, apiKey) {
    return {
      url: `${trimSlash(baseUrl)}/v1beta/models/${encodeURIComponent(request.model)}:streamGenerateContent?alt=sse`,
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { 'x-goog-api-key': apiKey } : {}),
      },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: request.userPrompt }] }],
        ...(request.systemPrompt
          ? { systemInstruction: { parts: [{ text: request.systemPrompt }] } }
          : {}),
        generationConfig: { temperature: request.temperature, maxOutputTokens: request.maxTokens },
      }),
      stream: 'sse',
    };
  },
  read(_event, data) {
    streamError(data);
    const chunk = obj(data);
    const candidate = obj((chunk?.['candidates'] as unknown[] | undefined)?.[0]);
    const parts = (obj(candidate?.['content'])?.['parts'] as unknown[] | undefined) ?? [];
    const text = parts
      .map((part) => obj(part)?.['text'])
      .filter((t): t is string => typeof t === 'string')
      .join('');
    const usage = obj(chunk?.['usageMetadata']);
    return {
      ...(text ? { text } : {}),
      ...(usage
        ? {
            inputTokens: num(usage['promptTokenCount']),
            outputTokens: num(usage['candidatesTokenCount']),
          }
        : {}),
      ...(typeof candidate?.['finishReason'] === 'string' ? { done: true } : {}),
    };
  },
};

const ollamaWire: ProviderWire = {
  needsDone: true,
  build(request, baseUrl) {
    return {
      url: `${trimSlash(baseUrl)}/api/chat`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: request.model,
        messages: messages(request),
        stream: true,
        options: { temperature: request.temperature, num_predict: request.maxTokens },
      }),
      stream: 'ndjson',
    };
  },
  read(_event, data) {
    streamError(data);
    const line = obj(data);
    const text = obj(line?.['message'])?.['content'];
    return {
      ...(typeof text === 'string' && text !== '' ? { text } : {}),
      ...(line?.['done'] === true
        ? {
            done: true,
            inputTokens: num(line['prompt_eval_count']),
            outputTokens: num(line['eval_count']),
          }
        : {}),
    };
  },
};

export const PROVIDER_WIRES: Record<LlmProvider, ProviderWire> = {
  openai: openAiWire(true),
  'openai-compatible': openAiWire(true),
  mistral: openAiWire(false),
  anthropic: anthropicWire,
  google: geminiWire,
  ollama: ollamaWire,
};

export function isLlmProvider(value: unknown): value is LlmProvider {
  return typeof value === 'string' && (LLM_PROVIDERS as readonly string[]).includes(value);
}
