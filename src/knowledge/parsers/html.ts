/**
 * The readable text of an HTML page, with htmlparser2 (a streaming parser: no DOM, so it runs in
 * a worker and in Node, and nothing of the page is ever rendered or executed). Scripts, styles,
 * templates and other non-text elements are dropped with everything inside them; block elements
 * become line breaks so paragraphs stay paragraphs for the chunker.
 */
import { Parser } from 'htmlparser2';

/** Elements whose content is never readable text. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'embed',
  'canvas',
  'head',
  'select',
  'button',
]);

/** Elements that start a new paragraph. */
const PARAGRAPHS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'aside',
  'header',
  'footer',
  'nav',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'table',
  'blockquote',
  'pre',
  'figure',
  'form',
  'hr',
  'dl',
]);

/** Elements that start a new line. */
const LINES = new Set(['br', 'li', 'tr', 'dt', 'dd', 'figcaption', 'caption', 'title']);

export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipDepth = 0;
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (SKIPPED.has(name)) skipDepth++;
        else if (skipDepth === 0) breakBefore(name);
      },
      ontext(text) {
        if (inTitle) title += text;
        else if (skipDepth === 0) parts.push(text.replace(/\s+/g, ' '));
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (skipDepth === 0) breakBefore(name);
        else if (name === 'td' || name === 'th') parts.push(' ');
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  function breakBefore(name: string): void {
    const wanted = PARAGRAPHS.has(name) ? '\n\n' : LINES.has(name) ? '\n' : null;
    if (wanted === null) {
      if (name === 'td' || name === 'th') parts.push(' ');
      return;
    }
    // Breaks in a row (a closing </li> then an opening <li>) count once, the strongest.
    const last = parts.at(-1);
    if (last === '\n' || last === '\n\n')
      parts[parts.length - 1] = last.length > wanted.length ? last : wanted;
    else parts.push(wanted);
  }
  parser.write(html);
  parser.end();
  const body = parts
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
  const heading = title.replace(/\s+/g, ' ').trim();
  // The page title is kept once, on top, unless the page repeats it near the top.
  return heading && !body.slice(0, 500).includes(heading) ? `${heading}\n\n${body}` : body;
}
