/** What the server asks of the image process and what it answers (child_process IPC, advanced serialization). */

/** A decompression bomb (a small file of a huge picture) is refused before it is decoded. */
export const IMAGE_PIXELS_MAX = 40_000_000;
/** The product page's photo and the list's thumbnail, in CSS pixels ×2 for sharp phone screens. */
export const PHOTO_EDGE_PX = 1200;
export const THUMBNAIL_EDGE_PX = 320;
export const WEBP_QUALITY = 80;
/** Formats sharp decodes that a phone or a shop's PC produces; anything else is refused (415). */
export const ACCEPTED_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'heif', 'avif', 'tiff'];

export type ImageJob =
  /** Check an upload and encode its photo and thumbnail. */
  | { id: number; kind: 'encode'; bytes: Uint8Array }
  /** Render an SVG drawing as PNG (the demo's listing photos). */
  | { id: number; kind: 'draw'; svg: string };

export type ImageReply =
  | { id: number; ok: true; photo: Uint8Array; thumbnail: Uint8Array }
  | { id: number; ok: true; png: Uint8Array }
  | { id: number; ok: false; refusal: 'not_an_image' | 'too_many_pixels' };
