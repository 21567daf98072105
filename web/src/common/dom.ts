// Building the page from data without innerHTML: every user string (names, addresses, notes typed by
// staff) becomes a text node, so nothing in the data can turn into markup. `escapeXml` is for the few
// places that build SVG or HTML as text.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.replace(/^on/, ''), value as EventListener);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(node: Element): void { while (node.firstChild) node.removeChild(node.firstChild); }

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeXml(text: string): string { return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]); }

/** The text colour on a coloured marker: the one rule of screen and paper (server/palette.ts). */
export { textColorOn } from '../../../server/palette.ts';
