import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CommerceErrors } from './errors.js';
import { sharedImageEncoder } from './image-encoder.js';
import type { ProductImage } from './types.js';

/** An upload above this is refused before it is read to the end (413); phone photos are 2–8 MB. */
export const IMAGE_BYTES_MAX = 10 * 1024 * 1024;
export const IMAGES_PER_PRODUCT_MAX = 8;
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
    const { photo, thumbnail } = await sharedImageEncoder.encode(bytes);
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
