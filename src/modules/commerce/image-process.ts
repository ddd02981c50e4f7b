/**
 * The image process: sharp (libvips) decodes, resizes and encodes photos here, in a child of the
 * server that ImageEncoder starts on the first photo and stops when idle. Once it has encoded a
 * photo, libvips holds ~45 MB (its code, caches and its threads' malloc arenas) that the server
 * would otherwise keep for its whole life; a decoder crash on a hostile file also ends only this
 * process. It exits when the server disconnects.
 */
import sharp, { type Metadata } from 'sharp';
import {
  ACCEPTED_FORMATS,
  IMAGE_PIXELS_MAX,
  type ImageJob,
  type ImageReply,
  PHOTO_EDGE_PX,
  THUMBNAIL_EDGE_PX,
  WEBP_QUALITY,
} from './image-jobs.js';

class Refusal extends Error {
  constructor(readonly refusal: 'not_an_image' | 'too_many_pixels') {
    super(refusal);
  }
}

async function checkFormat(bytes: Buffer): Promise<void> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: IMAGE_PIXELS_MAX }).metadata();
  } catch {
    throw new Refusal('not_an_image');
  }
  if (!metadata.width || !metadata.height) throw new Refusal('not_an_image');
  if (metadata.width * metadata.height > IMAGE_PIXELS_MAX) throw new Refusal('too_many_pixels');
  if (!ACCEPTED_FORMATS.includes(metadata.format)) throw new Refusal('not_an_image');
}

async function encode(bytes: Buffer, edgePx: number, fit: 'inside' | 'cover'): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: IMAGE_PIXELS_MAX, animated: false })
      .rotate()
      .resize(edgePx, edgePx, { fit, withoutEnlargement: fit === 'inside' })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
  } catch {
    // The header was an image's but the data is not (a truncated or corrupt file).
    throw new Refusal('not_an_image');
  }
}

async function run(job: ImageJob): Promise<ImageReply> {
  if (job.kind === 'draw')
    return { id: job.id, ok: true, png: await sharp(Buffer.from(job.svg)).png().toBuffer() };
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  await checkFormat(bytes);
  const [photo, thumbnail] = await Promise.all([
    encode(bytes, PHOTO_EDGE_PX, 'inside'),
    encode(bytes, THUMBNAIL_EDGE_PX, 'cover'),
  ]);
  return { id: job.id, ok: true, photo, thumbnail };
}

process.on('message', (job: ImageJob) => {
  run(job).then(
    (reply) => process.send?.(reply),
    (error: unknown) => {
      if (error instanceof Refusal) {
        process.send?.({ id: job.id, ok: false, refusal: error.refusal } satisfies ImageReply);
        return;
      }
      // Anything but a refusal ends the process: the server answers 503 and starts a fresh one.
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
