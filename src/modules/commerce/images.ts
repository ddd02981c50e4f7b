import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../../errors.js';
import { CommerceErrors } from './errors.js';
import type { ProductImage } from './types.js';

/** An upload above this is refused before it is read to the end (413); phone photos are 2–8 MB. */
export const IMAGE_BYTES_MAX = 10 * 1024 * 1024;
/** A decompression bomb (a small file of a huge picture) is refused before it is decoded. */
const IMAGE_PIXELS_MAX = 40_000_000;
export const IMAGES_PER_PRODUCT_MAX = 8;
/** The product page's photo and the list's thumbnail, in CSS pixels ×2 for sharp phone screens. */
const PHOTO_EDGE_PX = 1200;
const THUMBNAIL_EDGE_PX = 320;
const WEBP_QUALITY = 80;
/** Formats sharp decodes that a phone or a shop's PC produces; anything else is refused (415). */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'avif', 'tiff']);
export const IMAGE_URL_PREFIX = '/v1/shop/images/';
const FILE_NAME = /^([0-9a-f]{64})\.webp$/;

/**
 * Product photos, stored once by the SHA-256 of their bytes under `DATA_DIR/commerce-images`: a
 * photo never changes under its name, so it is served as immutable and the same photo uploaded
 * twice is one file. Every upload is decoded and re-encoded (a 1200 px photo and a 320 px
 * thumbnail, WebP, orientation applied, metadata such as GPS dropped), so no uploaded byte is served.
 */
export class ProductImageStore {
  constructor(private readonly directory: string) {}

  static under(dataDir: string): ProductImageStore {
    return new ProductImageStore(path.join(dataDir, 'commerce-images'));
  }

  /** Decodes, resizes and stores an upload; the image to attach to the listing. */
  async store(bytes: Buffer): Promise<ProductImage> {
    if (bytes.length > IMAGE_BYTES_MAX) throw CommerceErrors.imageTooLarge(IMAGE_BYTES_MAX);
    const format = await formatOf(bytes);
    if (!format || !ACCEPTED_FORMATS.has(format)) throw CommerceErrors.notAnImage();
    const [photo, thumbnail] = await Promise.all([
      encode(bytes, PHOTO_EDGE_PX, 'inside'),
      encode(bytes, THUMBNAIL_EDGE_PX, 'cover'),
    ]);
    const photoHash = await this.write(photo);
    const thumbnailHash = await this.write(thumbnail);
    return {
      imageId: photoHash,
      url: `${IMAGE_URL_PREFIX}${photoHash}.webp`,
      thumbnailUrl: `${IMAGE_URL_PREFIX}${thumbnailHash}.webp`,
    };
  }

  /** The stored bytes of `<sha256>.webp`, or undefined for any other name (no path ever leaves the folder). */
  async read(fileName: string): Promise<{ bytes: Buffer; hash: string } | undefined> {
    const match = FILE_NAME.exec(fileName);
    if (!match?.[1]) return undefined;
    const hash = match[1];
    try {
      return { bytes: await readFile(this.pathOf(hash)), hash };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private pathOf(hash: string): string {
    return path.join(this.directory, hash.slice(0, 2), `${hash}.webp`);
  }

  /** Written to a temporary name and renamed, so a reader never sees half a file. */
  private async write(bytes: Buffer): Promise<string> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(hash);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
    return hash;
  }
}

async function formatOf(bytes: Buffer): Promise<string | undefined> {
  try {
    const metadata = await sharp(bytes, { limitInputPixels: IMAGE_PIXELS_MAX }).metadata();
    if (!metadata.width || !metadata.height) return undefined;
    if (metadata.width * metadata.height > IMAGE_PIXELS_MAX)
      throw CommerceErrors.imageTooManyPixels(IMAGE_PIXELS_MAX);
    return metadata.format;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    return undefined;
  }
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
    throw CommerceErrors.notAnImage();
  }
}
