// Building the pages from data without innerHTML (resident map, phone page, admin): every user string
// (names, addresses, notes typed by staff) becomes a text node, so nothing in the data can turn into
// markup. `escapeXml` is for the few places that build SVG or HTML as text.
export type Child = Node | string | number | null | undefined | false;

type Props = Record<string, unknown> & {
  class?: string;
  style?: string;
  dataset?: Record<string, string>;
};

/**
 * An element with its props and children. `class`, `style` and `dataset` as named; `onclick`/`onClick`
 * add a listener; a non-string value for an element property (`hidden: true`, `disabled`, `checked`)
 * sets the property; anything else is an attribute (`true` as an empty one). null/undefined/false skip.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'style') node.setAttribute('style', String(value));
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key in node && typeof value !== 'string') {
      (node as unknown as Record<string, unknown>)[key] = value;
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(node: Element): void { while (node.firstChild) node.removeChild(node.firstChild); }

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeXml(text: string): string { return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]); }

/** The text colour on a coloured marker: the one rule of screen and paper (server/palette.ts). */
export { textColorOn } from '../../../server/palette.ts';
