/**
 * Copy and paste of nodes through the system clipboard, with a local mirror so Paste works
 * across tabs even when the browser refuses the clipboard API.
 */
import { useCallback } from 'react';
import type { WorkflowNode } from '../model/workflow.ts';
import { parseClipboard } from './clipboard.ts';
import type { EditorCommands } from './editor-commands.ts';

/** Mirrors the last copy so Paste works across tabs even when the clipboard API is refused. */
export const CLIPBOARD_STORAGE_KEY = 'flowkeep.clipboard';
const CLIPBOARD_READ_TIMEOUT_MS = 1000;

export function readStoredClipboard(): string | null {
  try {
    return localStorage.getItem(CLIPBOARD_STORAGE_KEY);
  } catch {
    return null;
  }
}

export interface ClipboardOptions {
  commands: EditorCommands;
  /** The selected nodes as clipboard text, or null when none is selected. */
  selectionText: () => string | null;
  selectedCount: () => number;
  pasteOffset: (nodes: readonly WorkflowNode[]) => { x: number; y: number };
  announce: (text: string) => void;
}

export function useClipboard(options: ClipboardOptions) {
  const { commands, selectionText, selectedCount, pasteOffset, announce } = options;

  /** Keeps the local mirror of a copy the system clipboard received. */
  const rememberCopy = useCallback(
    (text: string) => {
      try {
        localStorage.setItem(CLIPBOARD_STORAGE_KEY, text);
      } catch {
        // Storage full or disabled: the system clipboard still has it.
      }
      const count = selectedCount();
      announce(`Copied ${count} node${count === 1 ? '' : 's'}.`);
    },
    [announce, selectedCount],
  );

  const copyToClipboard = useCallback(async () => {
    const text = selectionText();
    if (!text) return;
    rememberCopy(text);
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Permission refused: the local mirror lets Paste work in this browser anyway.
    }
  }, [rememberCopy, selectionText]);

  const pasteText = useCallback(
    (text: string) => {
      const message = commands.paste(text, pasteOffset);
      if (message) announce(message);
    },
    [announce, commands, pasteOffset],
  );

  const pasteFromClipboard = useCallback(async () => {
    let text: string | null = null;
    try {
      // Headless or unfocused pages may leave the read pending forever: give it a moment.
      text = await Promise.race([
        navigator.clipboard.readText(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), CLIPBOARD_READ_TIMEOUT_MS)),
      ]);
    } catch {
      text = null;
    }
    if (!text || !parseClipboard(text).ok) text = readStoredClipboard() ?? text;
    if (text) pasteText(text);
    else announce('The clipboard is empty.');
  }, [announce, pasteText]);

  return { rememberCopy, copyToClipboard, pasteText, pasteFromClipboard };
}
