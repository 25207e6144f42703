/** The node types the user can add: click to place one in view, or drag it onto the canvas. */
import { memo } from 'react';
import { NODE_TYPE_LIST_ORDERED, type NodeCategory } from './node-types.ts';

export const NODE_DRAG_MIME = 'application/x-flowkeep-node-type';

const CATEGORIES: NodeCategory[] = ['Triggers', 'AI', 'Integrations', 'Logic', 'Output'];

function PaletteView(props: { onAdd: (type: string) => void }) {
  return (
    <nav className="fk-palette" aria-label="Node palette">
      {CATEGORIES.map((category) => (
        <div key={category} className="fk-palette__group" role="group" aria-label={category}>
          <h3>{category}</h3>
          {NODE_TYPE_LIST_ORDERED.filter((spec) => spec.category === category).map((spec) => (
            <button
              key={spec.type}
              type="button"
              className={`fk-palette__item fk-node--${category.toLowerCase()}`}
              aria-label={`Add ${spec.title}`}
              title={spec.description}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(NODE_DRAG_MIME, spec.type);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => props.onAdd(spec.type)}
            >
              {spec.title}
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}

export const Palette = memo(PaletteView);
