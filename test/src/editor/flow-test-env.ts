/**
 * What @xyflow/react needs from a browser that jsdom lacks: ResizeObserver, DOMMatrixReadOnly,
 * element sizes (so nodes count as measured and become visible) and SVG bounding boxes.
 * Import this module before rendering the editor in a jsdom test.
 */
class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve(): void {}
  disconnect(): void {}
}

class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([0-9.]+)\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

const globals = globalThis as unknown as Record<string, unknown>;
globals['ResizeObserver'] ??= ResizeObserverStub;
globals['DOMMatrixReadOnly'] ??= DOMMatrixReadOnlyStub;

// Nodes measure as cards; everything else (the canvas) as a large screen.
const size = (element: HTMLElement, pixels: string, node: number, screen: number): number =>
  pixels.endsWith('px')
    ? parseFloat(pixels)
    : element.classList.contains('react-flow__node')
      ? node
      : screen;

Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: {
    configurable: true,
    get(this: HTMLElement) {
      return size(this, this.style.height, 80, 800);
    },
  },
  offsetWidth: {
    configurable: true,
    get(this: HTMLElement) {
      return size(this, this.style.width, 220, 1200);
    },
  },
});

(SVGElement.prototype as unknown as { getBBox: () => DOMRect }).getBBox = () =>
  ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;
