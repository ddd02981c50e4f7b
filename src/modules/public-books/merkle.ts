import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle trees over SHA-256, leaf and node hashes domain-
 * separated: leaf = SHA-256(0x00 || leaf bytes), node = SHA-256(0x01 || left || right). Pure code,
 * shared by the sealer, the prover and the offline verifier (`hanbat verify`).
 */

const LEAF_PREFIX = Buffer.from([0]);
/** One reused buffer for 0x01 || left || right: hashing is synchronous, so no call can interleave. */
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 1;

export const EMPTY_TREE_HASH: string = createHash('sha256').digest('hex');

// One-shot `hash` over one buffer: several times cheaper than a Hash object per call.
// A string leaf is hashed as "\u0000" + text: UTF-8 encodes U+0000 as the single byte 0x00.
export function leafHash(leafBytes: Uint8Array | string): Buffer {
  if (typeof leafBytes === 'string') return hash('sha256', `\u0000${leafBytes}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leafBytes]), 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) throw new Error('merkle: node children are 32-byte hashes');
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** Largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

/** A perfect, aligned subtree: covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeRef {
  level: number;
  index: number;
}

export function nodeKey(node: NodeRef): string {
  return `${node.level}:${node.index}`;
}

/** A range of leaves [start, end) of the tree. */
export interface LeafRange {
  start: number;
  end: number;
}

/** The perfect aligned subtrees whose hashes give MTH of a range (the RFC's left-heavy split). */
export function perfectNodesOf(range: LeafRange, out: NodeRef[] = []): NodeRef[] {
  const size = range.end - range.start;
  if (size <= 0) throw new Error(`merkle: empty range ${range.start}..${range.end}`);
  if (isPowerOfTwo(size) && range.start % size === 0) {
    out.push({ level: Math.log2(size), index: range.start / size });
    return out;
  }
  const k = splitPoint(size);
  perfectNodesOf({ start: range.start, end: range.start + k }, out);
  return perfectNodesOf({ start: range.start + k, end: range.end }, out);
}

/** MTH of a range from the hashes of its perfect subtrees (as `perfectNodesOf` lists them). */
export function rangeHash(range: LeafRange, nodes: ReadonlyMap<string, Buffer>): Buffer {
  const parts = perfectNodesOf(range).map((node) => {
    const hash = nodes.get(nodeKey(node));
    if (!hash) throw new Error(`merkle: missing node ${nodeKey(node)}`);
    return hash;
  });
  // The decomposition is left-heavy: fold from the right, as the RFC recursion does.
  let hash = parts[parts.length - 1] as Buffer;
  for (let i = parts.length - 2; i >= 0; i -= 1) hash = nodeHash(parts[i] as Buffer, hash);
  return hash;
}

/** The ranges whose MTH make the inclusion path of leaf m in a tree of n leaves (RFC 6962 PATH). */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  if (!(m >= 0 && m < n)) throw new Error(`merkle: leaf ${m} is not in a tree of ${n}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let index = m;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      index -= k;
    }
  }
  return ranges.reverse();
}

/** The ranges whose MTH make the consistency proof from size m to size n (RFC 6962 PROOF). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(m >= 0 && m <= n)) throw new Error(`merkle: no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let oldSize = m;
  let complete = true;
  while (oldSize !== end - start) {
    const k = splitPoint(end - start);
    if (oldSize <= k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      oldSize -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push({ start, end });
  return ranges.reverse();
}

/** MTH of a whole list of leaf hashes, by the RFC's recursion (for tests and small trees). */
export function rootOfLeafHashes(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.from(EMPTY_TREE_HASH, 'hex');
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(rootOfLeafHashes(leaves.slice(0, k)), rootOfLeafHashes(leaves.slice(k)));
}

function isOdd(value: number): boolean {
  return value % 2 === 1;
}

/** RFC 9162 §2.1.3.2: does `path` lead from the leaf hash at `index` to `root` in a tree of `size`? */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size))
    return false;
  let fn = index;
  let sn = size - 1;
  let hash = leaf;
  for (const sibling of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hash.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `size2` with `root2` extends `size1` with `root1`? */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Buffer,
  root2: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size1 <= size2))
    return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let firstHash = path[0] as Buffer;
  let secondHash = path[0] as Buffer;
  for (const sibling of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      firstHash = nodeHash(sibling, firstHash);
      secondHash = nodeHash(sibling, secondHash);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      secondHash = nodeHash(secondHash, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && firstHash.equals(root1) && secondHash.equals(root2);
}

/**
 * The perfect subtrees that make up a tree of `size` leaves, one per set bit, largest first: all a
 * sealer needs from the old tree to extend it (the "frontier"). Keyed like `nodeKey`.
 */
export function frontierOf(size: number): NodeRef[] {
  const nodes: NodeRef[] = [];
  for (let level = 0; 2 ** level <= size; level += 1) {
    const count = Math.floor(size / 2 ** level);
    if (isOdd(count)) nodes.push({ level, index: count - 1 });
  }
  return nodes.reverse();
}

/** New nodes of one level: hashes of indices [firstIndex, firstIndex + hashes.length). */
export interface LevelAppend {
  level: number;
  firstIndex: number;
  hashes: Buffer[];
}

/**
 * Extends a tree one leaf at a time with the RFC's stack of perfect subtrees (the frontier): memory
 * is one hash per level, and each leaf costs one hash plus, on average, one node hash. It keeps the
 * new perfect nodes from level `keepFromLevel` up, which is what the store needs for proofs.
 */
export class TreeAppender {
  private readonly stack: Array<{ level: number; hash: Buffer }>;
  private readonly kept = new Map<number, LevelAppend>();
  private sizeNow: number;

  /** `frontier`: the hashes of `frontierOf(size)`, in that order (largest subtree first). */
  constructor(
    size: number,
    frontier: readonly Buffer[],
    private readonly keepFromLevel: number,
  ) {
    const nodes = frontierOf(size);
    if (nodes.length !== frontier.length)
      throw new Error(`merkle: a tree of ${size} has ${nodes.length} frontier nodes, not ${frontier.length}`);
    this.stack = nodes.map((node, i) => ({ level: node.level, hash: frontier[i] as Buffer }));
    this.sizeNow = size;
  }

  get size(): number {
    return this.sizeNow;
  }

  push(leaf: Buffer): void {
    this.sizeNow += 1;
    let hash = leaf;
    let level = 0;
    for (let top = this.stack.at(-1); top?.level === level; top = this.stack.at(-1)) {
      this.stack.pop();
      hash = nodeHash(top.hash, hash);
      level += 1;
      if (level >= this.keepFromLevel) this.keep(level, Math.floor(this.sizeNow / 2 ** level) - 1, hash);
    }
    this.stack.push({ level, hash });
  }

  private keep(level: number, index: number, hash: Buffer): void {
    const append = this.kept.get(level);
    if (append) append.hashes.push(hash);
    else this.kept.set(level, { level, firstIndex: index, hashes: [hash] });
  }

  /** The new perfect nodes at the kept levels, lowest level first. */
  keptLevels(): LevelAppend[] {
    return [...this.kept.values()].sort((a, b) => a.level - b.level);
  }

  frontier(): Buffer[] {
    return this.stack.map((entry) => entry.hash);
  }

  /** MTH of the whole tree: the frontier folded from the right, as the RFC recursion splits. */
  root(): Buffer {
    if (this.stack.length === 0) return Buffer.from(EMPTY_TREE_HASH, 'hex');
    let hash = (this.stack.at(-1) as { hash: Buffer }).hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1)
      hash = nodeHash((this.stack[i] as { hash: Buffer }).hash, hash);
    return hash;
  }
}
