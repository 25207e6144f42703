/**
 * Phoenix channel framing as supabase-js's RealtimeClient speaks it: serializer vsn 2.0.0
 * sends `[join_ref, ref, topic, event, payload]` arrays, vsn 1.0.0 sends objects with the
 * same fields; both are JSON text frames. Replies and pushes go out as arrays.
 */

export type Frame = [string | null, string | null, string, string, unknown];

/** Parses one text frame; throws if it is not a Phoenix message. */
export function toFrame(parsed: unknown): Frame {
  if (
    Array.isArray(parsed) &&
    parsed.length === 5 &&
    typeof parsed[2] === 'string' &&
    typeof parsed[3] === 'string'
  ) {
    return [nullableString(parsed[0]), nullableString(parsed[1]), parsed[2], parsed[3], parsed[4]];
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const message = parsed as Record<string, unknown>;
    if (typeof message.topic === 'string' && typeof message.event === 'string') {
      return [
        nullableString(message.join_ref),
        nullableString(message.ref),
        message.topic,
        message.event,
        message.payload,
      ];
    }
  }
  throw new Error('not a Phoenix message');
}

/** The `phx_reply` to `frame`. */
export function replyTo(frame: Frame, status: 'ok' | 'error', response: object): Frame {
  return [frame[0], frame[1], frame[2], 'phx_reply', { status, response }];
}

/** A `system` message on a channel, as Realtime sends for subscription status and errors. */
export function systemFrame(
  joinRef: string | null,
  topic: string,
  status: 'ok' | 'error',
  message: string,
  extension: string,
): Frame {
  return [
    joinRef,
    null,
    topic,
    'system',
    { message, status, extension, channel: topic.replace(/^realtime:/, '') },
  ];
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
