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
 * Characters that change what a reader sees without showing themselves: controls other than tab and
 * line breaks (a bell, an escape that recolours a terminal log, a backspace), and the bidirectional
 * embeddings, overrides and isolates that reorder text, so that a shop named `\u202Eeerf` reads
 * "free" reversed on a payment screen. No name, label, note or address needs them; a JSON client
 * that sends one is refused rather than shown to someone else.
 */
const HIDDEN_CONTROL = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;

export function hasHiddenControl(text: string): boolean {
  return HIDDEN_CONTROL.test(text);
}

/**
 * The path of the first string (value or object key) in `value` that cannot be stored, or null.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function unstorableTextPath(value: unknown, root: string): string | null {
  return firstTextPath(value, root, (text) => !isStorableText(text));
}

/** The path of the first string (value or object key) carrying a hidden control character, or null. */
export function hiddenControlPath(value: unknown, root: string): string | null {
  return firstTextPath(value, root, hasHiddenControl);
}

function firstTextPath(value: unknown, root: string, isBad: (text: string) => boolean): string | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let visited = 0; stack.length > 0; visited += 1) {
    if (visited >= NODES_MAX) return root;
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (isBad(node)) return path;
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => {
        stack.push([item, `${path}/${index}`]);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (isBad(key)) return path;
        stack.push([item, `${path}/${key}`]);
      }
    }
  }
  return null;
}
