import type { Sql } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import type { TallyState } from './figures.js';
import { type LevelAppend, type NodeRef, nodeKey } from './merkle.js';
import type { PublicFigures, PublicKeyRecord, StoredCheckpoint } from './types.js';

/** SQL of the public-books module. Hashes travel as hex text and are kept as bytea. */

export const CHUNK_SIZE = 1024;
const CHUNKS_PER_STATEMENT = 64;
/** Padding for nodes a chunk does not hold (no SHA-256 output is all zero in practice). */
const ABSENT_HASH_HEX = '0'.repeat(64);

interface CheckpointRow {
  tenant_id: string;
  sequence: number;
  sealed_at: Date;
  through_commit_seq: number;
  first_transfer_id: string | null;
  last_transfer_id: string | null;
  transfer_count: number;
  tree_size: number;
  root_hash: string;
  previous_root_hash: string;
  signature: string;
  public_key_id: string;
  frontier: string[];
  figures: PublicFigures;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    sequence: Number(row.sequence),
    tenantId: row.tenant_id,
    sealedAt: row.sealed_at,
    firstTransferId: row.first_transfer_id,
    lastTransferId: row.last_transfer_id,
    transferCount: Number(row.transfer_count),
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    previousRootHash: row.previous_root_hash,
    signature: row.signature,
    publicKeyId: row.public_key_id,
    throughCommitSeq: Number(row.through_commit_seq),
    frontier: row.frontier,
    figures: row.figures,
  };
}

export async function selectCheckpoints(
  sql: Sql,
  tenantId: string,
  options: { beforeSequence?: number; fromSequence?: number; limit: number; order: 'asc' | 'desc' },
): Promise<StoredCheckpoint[]> {
  const rows = await sql.query<CheckpointRow>(
    `select * from public_checkpoints
     where tenant_id = $1 and ($2::bigint is null or sequence < $2) and ($3::bigint is null or sequence >= $3)
     order by sequence ${options.order === 'asc' ? 'asc' : 'desc'} limit $4`,
    [tenantId, options.beforeSequence ?? null, options.fromSequence ?? null, options.limit],
  );
  return rows.map(toCheckpoint);
}

export async function selectCheckpoint(
  sql: Sql,
  tenantId: string,
  sequence: number,
): Promise<StoredCheckpoint | undefined> {
  const [row] = await sql.query<CheckpointRow>(
    'select * from public_checkpoints where tenant_id = $1 and sequence = $2',
    [tenantId, sequence],
  );
  return row ? toCheckpoint(row) : undefined;
}

export async function insertCheckpoint(tx: Sql, checkpoint: StoredCheckpoint): Promise<void> {
  await tx.query(
    `insert into public_checkpoints (tenant_id, sequence, sealed_at, through_commit_seq, first_transfer_id,
       last_transfer_id, transfer_count, tree_size, root_hash, previous_root_hash, signature, public_key_id, frontier, figures)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      checkpoint.tenantId,
      checkpoint.sequence,
      checkpoint.sealedAt,
      checkpoint.throughCommitSeq,
      checkpoint.firstTransferId,
      checkpoint.lastTransferId,
      checkpoint.transferCount,
      checkpoint.treeSize,
      checkpoint.rootHash,
      checkpoint.previousRootHash,
      checkpoint.signature,
      checkpoint.publicKeyId,
      JSON.stringify(checkpoint.frontier),
      JSON.stringify(checkpoint.figures),
    ],
  );
}

/** Publishes the signing key for the tenant (once); a new key closes the validity of the one before. */
export async function publishKey(
  tx: Sql,
  tenantId: string,
  keyId: string,
  publicKey: string,
  now: Date,
): Promise<void> {
  const [known] = await tx.query<{ valid_until: Date | null }>(
    'select valid_until from public_book_keys where tenant_id = $1 and key_id = $2',
    [tenantId, keyId],
  );
  // A key a newer one replaced stays retired: what it signed now would fall outside its published validity.
  if (known?.valid_until) throw keyRetired(keyId, known.valid_until);
  if (known) return;
  await tx.query(
    'update public_book_keys set valid_until = $2 where tenant_id = $1 and valid_until is null',
    [tenantId, now],
  );
  await tx.query(
    'insert into public_book_keys (tenant_id, key_id, public_key, valid_from) values ($1, $2, $3, $4)',
    [tenantId, keyId, publicKey, now],
  );
}

function keyRetired(keyId: string, validUntil: Date): DomainError {
  return new DomainError({
    code: 'CHECKPOINT_KEY_RETIRED',
    httpStatus: 503,
    message: `the checkpoint signing key ${keyId} was replaced at ${validUntil.toISOString()} and signs no more; configure the current key (HANBAT_CHECKPOINT_KEY or HANBAT_CHECKPOINT_KEY_FILE)`,
    messageKo: `체크포인트 서명 키 ${keyId}는 ${validUntil.toISOString()}에 교체되어 더 이상 서명할 수 없습니다. 현재 키를 설정하세요 (HANBAT_CHECKPOINT_KEY 또는 HANBAT_CHECKPOINT_KEY_FILE)`,
  });
}

export async function selectKeys(sql: Sql, tenantId: string): Promise<PublicKeyRecord[]> {
  const rows = await sql.query<{
    key_id: string;
    public_key: string;
    valid_from: Date;
    valid_until: Date | null;
  }>(
    'select key_id, public_key, valid_from, valid_until from public_book_keys where tenant_id = $1 order by valid_from, key_id',
    [tenantId],
  );
  return rows.map((row) => ({
    keyId: row.key_id,
    algorithm: 'Ed25519',
    publicKey: row.public_key,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
  }));
}

interface ChunkPiece {
  level: number;
  chunk: number;
  /** Position of the first new hash inside the chunk: the chunk must hold exactly that many already. */
  offset: number;
  hex: string;
}

function piecesOf(append: LevelAppend): ChunkPiece[] {
  const pieces: ChunkPiece[] = [];
  let position = 0;
  while (position < append.hashes.length) {
    const index = append.firstIndex + position;
    const offset = index % CHUNK_SIZE;
    const take = Math.min(CHUNK_SIZE - offset, append.hashes.length - position);
    const hex = Buffer.concat(append.hashes.slice(position, position + take)).toString('hex');
    pieces.push({ level: append.level, chunk: Math.floor(index / CHUNK_SIZE), offset, hex });
    position += take;
  }
  return pieces;
}

/**
 * Appends new nodes at the end of each level; refuses (throws) if a chunk is not exactly as long as
 * expected. A new chunk that starts mid-way (a level older versions did not store) is padded with
 * zero hashes, which read as absent.
 */
export async function appendNodes(tx: Sql, tenantId: string, levels: readonly LevelAppend[]): Promise<void> {
  const pieces = levels.flatMap(piecesOf);
  for (let start = 0; start < pieces.length; start += CHUNKS_PER_STATEMENT) {
    const batch = pieces.slice(start, start + CHUNKS_PER_STATEMENT);
    const written = await tx.query(
      `insert into public_book_nodes as n (tenant_id, level, chunk, hashes)
       select $1, x.level, x.chunk, decode(repeat('00', 32 * x."offset") || x.hex, 'hex')
       from json_to_recordset($2::json) as x(level smallint, chunk bigint, "offset" int, hex text)
       on conflict (tenant_id, level, chunk) do update
         set hashes = n.hashes || substring(excluded.hashes from octet_length(n.hashes) + 1)
         where octet_length(n.hashes) = 32 * (
           select p."offset" from json_to_recordset($2::json) as p(level smallint, chunk bigint, "offset" int)
           where p.level = n.level and p.chunk = n.chunk)
       returning 1`,
      [tenantId, JSON.stringify(batch)],
    );
    if (written.length !== batch.length)
      throw new Error(`public books invariant: appended ${written.length} of ${batch.length} node chunks`);
  }
}

/** One integrated leaf: its place in the tree, its transfer's commit number and its hash. */
export interface StoredLeaf {
  leafIndex: number;
  commitSeq: number;
  hash: Buffer;
}

/** Appends leaves [firstIndex, firstIndex + commitSeqs.length); a leaf index or commit number stored twice is refused (key). */
export async function insertLeaves(
  tx: Sql,
  tenantId: string,
  firstIndex: number,
  commitSeqs: readonly number[],
  hashes: readonly Buffer[],
): Promise<void> {
  if (commitSeqs.length !== hashes.length) throw new Error('public books: one hash per leaf');
  if (commitSeqs.length === 0) return;
  // The hex is decoded once (the lateral subquery), then cut into 32-byte hashes.
  await tx.query(
    `insert into public_book_leaves (tenant_id, leaf_index, commit_seq, leaf_hash)
     select $1, $2::bigint + u.i - 1, u.seq, substring(d.all_hashes from ((u.i - 1) * 32 + 1)::int for 32)
     from (select decode($4, 'hex') as all_hashes) d, unnest($3::bigint[]) with ordinality as u (seq, i)`,
    [tenantId, firstIndex, [...commitSeqs], Buffer.concat([...hashes]).toString('hex')],
  );
}

interface LeafRow {
  leaf_index: string;
  commit_seq: string;
  leaf_hash: string;
}

function toLeaf(row: LeafRow): StoredLeaf {
  return {
    leafIndex: Number(row.leaf_index),
    commitSeq: Number(row.commit_seq),
    hash: Buffer.from(row.leaf_hash, 'hex'),
  };
}

/** The leaf of the transfer with this commit number, if integrated. */
export async function selectLeafBySeq(
  sql: Sql,
  tenantId: string,
  commitSeq: number,
): Promise<StoredLeaf | undefined> {
  const [row] = await sql.query<LeafRow>(
    `select leaf_index, commit_seq, encode(leaf_hash, 'hex') as leaf_hash from public_book_leaves
     where tenant_id = $1 and commit_seq = $2`,
    [tenantId, commitSeq],
  );
  return row ? toLeaf(row) : undefined;
}

/** Leaves [start, end) in order (fewer when not all are integrated). */
export async function selectLeafRange(
  sql: Sql,
  tenantId: string,
  start: number,
  end: number,
): Promise<StoredLeaf[]> {
  const rows = await sql.query<LeafRow>(
    `select leaf_index, commit_seq, encode(leaf_hash, 'hex') as leaf_hash from public_book_leaves
     where tenant_id = $1 and leaf_index >= $2 and leaf_index < $3 order by leaf_index`,
    [tenantId, start, end],
  );
  return rows.map(toLeaf);
}

/** How far the integrator has folded the journal into the tree (integrator.ts). */
export interface IntegrationCursor {
  treeSize: number;
  throughCommitSeq: number;
  lastTransferId: string | null;
  frontier: Buffer[];
  tally: TallyState | undefined;
}

export const EMPTY_CURSOR: IntegrationCursor = {
  treeSize: 0,
  throughCommitSeq: 0,
  lastTransferId: null,
  frontier: [],
  tally: undefined,
};

export async function selectCursor(
  sql: Sql,
  tenantId: string,
  options: { lock?: 'share' } = {},
): Promise<IntegrationCursor> {
  const [row] = await sql.query<{
    tree_size: string;
    through_commit_seq: string;
    last_transfer_id: string | null;
    frontier: string[];
    tally: TallyState;
  }>(
    `select tree_size, through_commit_seq, last_transfer_id, frontier, tally from public_book_integration
     where tenant_id = $1 ${options.lock === 'share' ? 'for share' : ''}`,
    [tenantId],
  );
  if (!row) return EMPTY_CURSOR;
  return {
    treeSize: Number(row.tree_size),
    throughCommitSeq: Number(row.through_commit_seq),
    lastTransferId: row.last_transfer_id,
    frontier: row.frontier.map((hex) => Buffer.from(hex, 'hex')),
    tally: row.tally,
  };
}

/**
 * Moves the cursor from `from` to `to`; false when another integrator moved it first (the caller's
 * transaction must then roll back: its leaves were computed from a stale cursor).
 */
export async function advanceCursor(
  tx: Sql,
  tenantId: string,
  from: IntegrationCursor,
  to: IntegrationCursor,
): Promise<boolean> {
  const values = [
    tenantId,
    to.treeSize,
    to.throughCommitSeq,
    to.lastTransferId,
    JSON.stringify(to.frontier.map((hash) => hash.toString('hex'))),
    JSON.stringify(to.tally ?? null),
    from.treeSize,
    from.throughCommitSeq,
  ];
  // The first page inserts the row; a row another integrator wrote meanwhile fails the condition.
  const moved = await tx.query(
    `insert into public_book_integration as c (tenant_id, tree_size, through_commit_seq, last_transfer_id, frontier, tally)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id) do update set tree_size = $2, through_commit_seq = $3, last_transfer_id = $4,
       frontier = $5, tally = $6
     where c.tree_size = $7 and c.through_commit_seq = $8
     returning 1`,
    values,
  );
  return moved.length === 1;
}

/** Hashes of these perfect subtrees, keyed by `nodeKey`; missing nodes are simply absent. */
export async function selectNodes(
  sql: Sql,
  tenantId: string,
  nodes: readonly NodeRef[],
): Promise<Map<string, Buffer>> {
  if (nodes.length === 0) return new Map();
  const rows = await sql.query<{ level: number; idx: number; hash: string }>(
    `select x.level, x.idx, encode(substring(n.hashes from ((x.idx % ${CHUNK_SIZE}) * 32 + 1)::int for 32), 'hex') as hash
     from json_to_recordset($2::json) as x(level smallint, idx bigint)
     join public_book_nodes n on n.tenant_id = $1 and n.level = x.level and n.chunk = x.idx / ${CHUNK_SIZE}`,
    [tenantId, JSON.stringify(nodes.map((node) => ({ level: node.level, idx: node.index })))],
  );
  const found = new Map<string, Buffer>();
  for (const row of rows)
    if (row.hash.length === 64 && row.hash !== ABSENT_HASH_HEX)
      found.set(nodeKey({ level: Number(row.level), index: Number(row.idx) }), Buffer.from(row.hash, 'hex'));
  return found;
}
