import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../errors.js';
import { ImageEncoder } from './image-encoder.js';

const SQUARE = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
  <rect width="400" height="300" fill="#c0392b"/></svg>`;
/** The image process may take long to start on a loaded machine; nothing here depends on its speed. */
const PROCESS_WAIT = { timeout: 60_000, interval: 20 };

function codeOf(error: unknown): string | undefined {
  return error instanceof DomainError ? error.code : undefined;
}

/** WebP's width and height from its VP8/VP8L/VP8X header. */
function webpSize(bytes: Buffer): { width: number; height: number } {
  const chunk = bytes.toString('ascii', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = bytes.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
}

describe('photos encoded in a child process', () => {
  const encoders: ImageEncoder[] = [];
  const encoder = (options: ConstructorParameters<typeof ImageEncoder>[0] = {}) => {
    const created = new ImageEncoder(options);
    encoders.push(created);
    return created;
  };
  afterEach(() => {
    for (const created of encoders.splice(0)) created.close();
  });

  it('draws and encodes a photo and a thumbnail without loading libvips into the server', async () => {
    const images = encoder();
    const png = await images.draw(SQUARE);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const { photo, thumbnail } = await images.encode(png);
    expect(photo.toString('ascii', 8, 12)).toBe('WEBP');
    expect(webpSize(photo)).toEqual({ width: 400, height: 300 });
    expect(webpSize(thumbnail)).toEqual({ width: 320, height: 320 });
    if (existsSync('/proc/self/maps'))
      expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain('libvips');
  });

  it('refuses what is not a picture and keeps the same process for the next photo', async () => {
    const images = encoder();
    const png = await images.draw(SQUARE);
    const pid = images.pid;
    const refused = await images.encode(Buffer.from('GIF89a but not really a picture')).catch(codeOf);
    expect(refused).toBe('NOT_AN_IMAGE');
    await images.encode(png);
    expect(images.pid).toBe(pid);
  });

  it('fails the jobs of a process that dies with 503, and the next job starts a fresh one', async () => {
    const images = encoder();
    const png = await images.draw(SQUARE);
    const first = images.pid as number;
    const pending = images.encode(png).catch(codeOf);
    process.kill(first, 'SIGKILL');
    expect(await pending).toBe('IMAGE_PROCESSING_UNAVAILABLE');
    const { photo } = await images.encode(png);
    expect(webpSize(photo)).toEqual({ width: 400, height: 300 });
    expect(images.pid).not.toBe(first);
  });

  it('refuses a job beyond its bound instead of queueing it', async () => {
    const images = encoder({ jobsMax: 2 });
    const outcomes = await Promise.all(
      [0, 1, 2].map((index) =>
        images.draw(SQUARE.replace('#c0392b', `#00000${index}`)).then((png) => png.length > 0, codeOf),
      ),
    );
    expect(outcomes).toEqual([true, true, 'IMAGE_PROCESSING_UNAVAILABLE']);
  });

  it('stops its process when idle and starts another for the next job', async () => {
    const images = encoder({ idleMs: 1 });
    await images.draw(SQUARE);
    const first = images.pid as number;
    await vi.waitFor(() => expect(images.pid).toBeUndefined(), PROCESS_WAIT);
    expect(() => process.kill(first, 0)).toThrow();
    await images.draw(SQUARE);
    expect(images.pid).not.toBe(first);
  });
});
