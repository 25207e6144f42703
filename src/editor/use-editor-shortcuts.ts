/**
 * Keyboard shortcuts and the copy / paste events, active while focus is in the editor (or
 * nowhere) but not in a field.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { readStoredClipboard } from './use-clipboard.ts';

export interface ShortcutActions {
  isReadOnly(): boolean;
  undo(): void;
  redo(): void;
  duplicate(): void;
  selectAll(): void;
  deleteSelection(): void;
  pasteFromClipboard(): Promise<void>;
  pasteText(text: string): void;
  selectionText(): string | null;
  rememberCopy(text: string): void;
}

function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The user selected page text to copy it: leave that copy alone. */
function textSelected(): boolean {
  const selection = document.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString().trim() !== '';
}

export function useEditorShortcuts(
  rootRef: RefObject<HTMLElement | null>,
  actions: ShortcutActions,
): void {
  const latest = useRef(actions);
  latest.current = actions;

  useEffect(() => {
    // Scope by the focused element: Chromium aims clipboard events at the selection's node
    // (often a link clicked earlier), not at the focused element.
    const inScope = (target: EventTarget | null): boolean => {
      const active = document.activeElement;
      if (isEditableTarget(target) || isEditableTarget(active)) return false;
      return (
        active === null || active === document.body || (rootRef.current?.contains(active) ?? false)
      );
    };
    let pasteEventSeen = false;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!inScope(event.target)) return;
      const act = latest.current;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const editable = !act.isReadOnly();
      if (mod && key === 'z' && !event.shiftKey && editable) {
        event.preventDefault();
        act.undo();
      } else if (mod && ((key === 'z' && event.shiftKey) || key === 'y') && editable) {
        event.preventDefault();
        act.redo();
      } else if (mod && key === 'd' && editable) {
        event.preventDefault();
        act.duplicate();
      } else if (mod && key === 'a') {
        event.preventDefault();
        act.selectAll();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && !mod && editable) {
        event.preventDefault();
        act.deleteSelection();
      } else if (mod && key === 'v' && editable) {
        // Some browsers fire no paste event outside an editable field: fall back to the
        // clipboard API (or the local mirror) if none arrived by the end of this task.
        pasteEventSeen = false;
        setTimeout(() => {
          if (!pasteEventSeen) void latest.current.pasteFromClipboard();
        }, 0);
      } else if (mod && key === 'c' && !textSelected()) {
        // The copy event below fills the system clipboard; keep the local mirror too.
        const text = act.selectionText();
        if (text) act.rememberCopy(text);
      }
    };
    const onCopy = (event: ClipboardEvent) => {
      if (!inScope(event.target) || textSelected()) return;
      const text = latest.current.selectionText();
      if (!text || !event.clipboardData) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
      latest.current.rememberCopy(text);
    };
    const onPaste = (event: ClipboardEvent) => {
      pasteEventSeen = true;
      if (!inScope(event.target) || latest.current.isReadOnly()) return;
      const text = event.clipboardData?.getData('text/plain') || readStoredClipboard();
      if (!text) return;
      event.preventDefault();
      latest.current.pasteText(text);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [rootRef]);
}
