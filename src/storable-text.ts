/**
 * Text PostgreSQL cannot store (NUL) or JSON cannot encode faithfully (an unpaired UTF-16 surrogate:
 * `jsonb` refuses its `\ud800` escape). `\p{Cs}` with the `u` flag matches only unpaired surrogates.
 */
const UNSTORABLE_SURROGATE = /\p{Cs}/u;

/** A JSON body is at most 1 MB; walking it is bounded by its size, and by this in nodes. */
const NODES_MAX = 200_000;

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !UNSTORABLE_SURROGATE.test(text);
}

/**
 * The path of the first string (value or object key) in `value` that cannot be stored, or null.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function unstorableTextPath(value: unknown, root: string): string | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let visited = 0; stack.length > 0; visited += 1) {
    if (visited >= NODES_MAX) return root;
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (!isStorableText(node)) return path;
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => {
        stack.push([item, `${path}/${index}`]);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (!isStorableText(key)) return path;
        stack.push([item, `${path}/${key}`]);
      }
    }
  }
  return null;
}
