/**
 * "The first screen is on the screen": screens call markFirstScreenShown() once their local
 * data is rendered; the data core waits for it before loading supabase-js and the sync engine,
 * so those never compete with the first paint (and are not part of the first screen's JS).
 */
let markShown: () => void = () => {};
const shown = new Promise<void>((resolve) => {
  markShown = resolve;
});

export function markFirstScreenShown(): void {
  markShown();
}

/** Resolves after the first screen painted, or after `fallbackMs` whatever happens. */
export function afterFirstScreen(fallbackMs = 3000): Promise<void> {
  const painted = shown.then(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
  );
  return Promise.race([painted, new Promise<void>((resolve) => setTimeout(resolve, fallbackMs))]);
}
