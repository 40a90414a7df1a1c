// Saving a document as a minimal edit of the YAML the user wrote: only changed values are replaced,
// so comments, key order, quoting and flow style ([a, b], { k: v }) of everything else survive.
import { randomBytes } from 'node:crypto';
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, Scalar, visit, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ak = Object.keys(a);
    return ak.length === Object.keys(b).length && ak.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** A new node; inside a flow collection (or among flow siblings) it is written in flow style too. */
function createNode(doc: Document, value: unknown, flow: boolean): Node {
  const node = doc.createNode(value) as Node;
  if (flow && isCollection(node)) node.flow = true;
  return node;
}

/** Nodes found unchanged by the current edit (their source text may be reused as written). */
let unchanged = new Set<unknown>();

/** Returns the node to keep in place of `node` for `value`: the same node edited, or a new one. */
function edit(doc: Document, node: unknown, value: unknown, flow: boolean): unknown {
  // Unchanged (aliases included): keep the node as written.
  if (isNode(node) && deepEqual(node.toJS(doc), value)) {
    unchanged.add(node);
    return node;
  }
  if (isPlainObject(value) && isMap(node)) {
    editMap(doc, node, value);
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    editSeq(doc, node, value);
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    // Keeps the comment next to it; the quoting style follows the new value.
    node.value = value;
    if (typeof value !== 'string') delete node.type;
    return node;
  }
  const created = createNode(doc, value, flow);
  if (isNode(node) && node.comment) created.comment = node.comment;
  if (isNode(node) && node.commentBefore) created.commentBefore = node.commentBefore;
  return created;
}

function editMap(doc: Document, map: YAMLMap, value: Record<string, unknown>): void {
  const flow = Boolean(map.flow);
  const kept: Pair[] = [];
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const key = keyOf(item);
    // A removed key goes; one whose value is now absent too.
    if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
    item.value = edit(doc, item.value, value[key], flow);
    kept.push(item);
  }
  const present = new Set(kept.map(keyOf));
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || present.has(key)) continue;
    kept.push(doc.createPair(key, createNode(doc, v, flow)) as Pair);
  }
  map.items = kept;
}

function nameOf(value: unknown): string | null {
  return isPlainObject(value) && typeof value.name === 'string' ? value.name : null;
}

function nodeName(doc: Document, node: unknown): string | null {
  if (!isMap(node)) return null;
  const name = node.get('name');
  return typeof name === 'string' ? name : null;
}

/**
 * Lists of named entries (targets, checks) are matched by name, so removing or reordering one
 * keeps the comments of the others; an entry whose name changed takes the node at its position.
 */
function editSeq(doc: Document, seq: YAMLSeq, values: unknown[]): void {
  const old = seq.items;
  const flowSiblings = Boolean(seq.flow) || (old.length > 0 && old.every((n) => isCollection(n) && n.flow));
  const used = new Set<number>();
  const match: Array<number | null> = values.map((v) => {
    const name = nameOf(v);
    if (name === null) return null;
    const index = old.findIndex((n, i) => !used.has(i) && nodeName(doc, n) === name);
    if (index < 0) return null;
    used.add(index);
    return index;
  });
  values.forEach((v, i) => {
    if (match[i] === null && i < old.length && !used.has(i) && (nameOf(v) === null || nodeName(doc, old[i]) === null || !values.some((x) => nameOf(x) === nodeName(doc, old[i])))) {
      match[i] = i;
      used.add(i);
    }
  });
  seq.items = values.map((v, i) => {
    const index = match[i];
    return index === null || index === undefined ? createNode(doc, v, flowSiblings) : edit(doc, old[index], v, flowSiblings);
  });
}

/** Applies `value` to `doc` in place, touching only what differs; returns the unchanged nodes. */
export function applyMinimalEdit(doc: Document, value: unknown): Set<unknown> {
  unchanged = new Set();
  try {
    doc.contents = edit(doc, doc.contents, value, false) as Node;
    return unchanged;
  } finally {
    unchanged = new Set();
  }
}

/**
 * Renders `doc` after an edit of the document parsed from `source`. The yaml library re-renders
 * every node; one-line flow collections left unchanged are put back exactly as written
 * (`[prod, eu]` stays so, not `[ prod, eu ]`), and new ones follow the file's usual padding.
 */
export function renderEdited(doc: Document, source: string | null, unchanged: Set<unknown>): string {
  const kept = new Map<string, { node: Node; text: string }>();
  const salt = randomBytes(4).toString('hex');
  if (source !== null) {
    visit(doc, {
      Collection(_key, node) {
        // An anchor or tag sits outside the node's range: such nodes are left to the renderer.
        if (!node.flow || !unchanged.has(node) || !node.range || node.anchor || node.tag) return undefined;
        const text = source.slice(node.range[0], node.range[1]);
        if (text.includes('\n') || !/^[[{][\s\S]*[\]}]$/.test(text)) return undefined;
        const token = `kaavankeep${salt}x${kept.size}`;
        kept.set(token, { node, text });
        const placeholder = new Scalar(token);
        if (node.comment) placeholder.comment = node.comment;
        if (node.commentBefore) placeholder.commentBefore = node.commentBefore;
        if (node.spaceBefore) placeholder.spaceBefore = node.spaceBefore;
        return placeholder;
      },
    });
  }
  const padded = source === null ? 0 : (source.match(/[[{] [^\s\]}]/g) ?? []).length;
  const tight = source === null ? 0 : (source.match(/[[{][^\s\]}]/g) ?? []).length;
  // Lists written flush with their key ("key:\n- a") stay so, rather than all being re-indented.
  const indentSeq = source === null || !/^( *)[^\s#-][^\n]*:[ \t]*(#[^\n]*)?\r?\n\1- /m.test(source);
  let text = doc.toString({ lineWidth: 0, flowCollectionPadding: padded >= tight, indentSeq });
  if (kept.size) {
    text = text.replace(new RegExp(`kaavankeep${salt}x(\\d+)`, 'g'), (token) => kept.get(token)?.text ?? token);
    // Put the real nodes back: the document stays the one that was edited.
    visit(doc, {
      Scalar(_key, node) {
        const entry = typeof node.value === 'string' ? kept.get(node.value) : undefined;
        return entry ? entry.node : undefined;
      },
    });
  }
  return text;
}
