import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyRanges,
  frontierOf,
  inclusionRanges,
  leafHash,
  nodeKey,
  perfectNodesOf,
  rangeHash,
  rootOfLeafHashes,
  TreeAppender,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const leaves = (count: number) => Array.from({ length: count }, (_, i) => leafHash(`leaf ${i}`));

/** Every perfect node of a tree, computed the slow way, for proofs over a small tree in memory. */
function allNodes(hashes: readonly Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  for (let level = 0; 2 ** level <= hashes.length; level += 1) {
    const width = 2 ** level;
    for (let index = 0; (index + 1) * width <= hashes.length; index += 1)
      nodes.set(
        nodeKey({ level, index }),
        rootOfLeafHashes(hashes.slice(index * width, (index + 1) * width)),
      );
  }
  return nodes;
}

describe('RFC 6962 Merkle tree', () => {
  it('matches the RFC 6962 test vector root for the empty tree and hashes leaves with a 0x00 prefix', () => {
    expect(rootOfLeafHashes([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    // Certificate Transparency's test vector: the leaf hash of the empty leaf.
    expect(leafHash(new Uint8Array()).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('extends a tree in steps to the same root and kept nodes as building it at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 4 }),
        (steps, keepFromLevel) => {
          const all = leaves(steps.reduce((sum, step) => sum + step, 0));
          const reference = allNodes(all);
          let size = 0;
          let frontier: Buffer[] = [];
          for (const step of steps) {
            const tree = new TreeAppender(size, frontier, keepFromLevel);
            for (const leaf of all.slice(size, size + step)) tree.push(leaf);
            const kept = new Set<string>();
            for (const level of tree.keptLevels())
              level.hashes.forEach((hash, i) => {
                const key = nodeKey({ level: level.level, index: level.firstIndex + i });
                expect(hash).toEqual(reference.get(key));
                kept.add(key);
              });
            const expectedKept = [...reference.keys()].filter((key) => {
              const [level, index] = key.split(':').map(Number) as [number, number];
              const end = (index + 1) * 2 ** level;
              return level >= Math.max(1, keepFromLevel) && end > size && end <= size + step;
            });
            expect([...kept].sort()).toEqual(expectedKept.sort());
            size += step;
            expect(tree.size).toBe(size);
            expect(tree.root().equals(rootOfLeafHashes(all.slice(0, size)))).toBe(true);
            expect(tree.frontier()).toEqual(frontierOf(size).map((node) => reference.get(nodeKey(node))));
            frontier = tree.frontier();
          }
        },
      ),
    );
  });

  it('refuses a frontier that does not fit the tree size', () => {
    expect(() => new TreeAppender(3, [leafHash('only one')], 0)).toThrow(/frontier/);
  });

  it('proves inclusion of every leaf, and refuses a wrong index, a truncated path or another root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, pick) => {
        const all = leaves(size);
        const nodes = allNodes(all);
        const root = rootOfLeafHashes(all);
        const index = pick % size;
        const path = inclusionRanges(index, size).map((range) => rangeHash(range, nodes));
        expect(verifyInclusion(all[index] as Buffer, index, size, path, root)).toBe(true);
        if (path.length > 0)
          expect(verifyInclusion(all[index] as Buffer, index, size, path.slice(0, -1), root)).toBe(false);
        if (size > 1)
          expect(verifyInclusion(all[index] as Buffer, (index + 1) % size, size, path, root)).toBe(false);
        expect(verifyInclusion(leafHash('forged'), index, size, path, root)).toBe(false);
      }),
    );
  });

  it('proves any older tree is a prefix of a newer one, and refuses a changed old leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 70 }), (oldSize, grown) => {
        const all = leaves(oldSize + grown);
        const nodes = allNodes(all);
        const oldRoot = rootOfLeafHashes(all.slice(0, oldSize));
        const newRoot = rootOfLeafHashes(all);
        const proof = consistencyRanges(oldSize, all.length).map((range) => rangeHash(range, nodes));
        expect(verifyConsistency(oldSize, all.length, oldRoot, newRoot, proof)).toBe(true);
        const rewritten = [...all];
        rewritten[0] = leafHash('rewritten history');
        const forgedRoot = rootOfLeafHashes(rewritten);
        const forgedProof = consistencyRanges(oldSize, all.length).map((range) =>
          rangeHash(range, allNodes(rewritten)),
        );
        expect(verifyConsistency(oldSize, all.length, oldRoot, forgedRoot, forgedProof)).toBe(false);
      }),
    );
  });

  it('splits ranges into aligned perfect subtrees only', () => {
    expect(perfectNodesOf({ start: 0, end: 7 })).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
  });
});
