import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommerceErrors } from './errors.js';
import { IMAGE_PIXELS_MAX, type ImageJob, type ImageReply } from './image-jobs.js';

export interface ImageEncoderOptions {
  /** The image process stops after this long without a job (its memory goes back to the machine). */
  idleMs: number;
  /** A job not answered in this long ends the image process (a decoder stuck on a hostile file). */
  jobTimeoutMs: number;
  /** Jobs queued or running at once; one more is refused (503) instead of queued without bound. */
  jobsMax: number;
}

const DEFAULTS: ImageEncoderOptions = { idleMs: 30_000, jobTimeoutMs: 60_000, jobsMax: 16 };

interface Waiting {
  resolve: (reply: ImageReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The compiled server runs image-process.js; the tests run the TypeScript source through tsx. */
function imageProcessEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const extension = path.extname(here);
  return {
    file: path.join(path.dirname(here), `image-process${extension}`),
    execArgv: extension === '.ts' ? ['--import', 'tsx'] : [],
  };
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Photos are decoded and encoded in a child process (image-process.ts), started on the first job and
 * stopped after `idleMs` without one, so the server never holds libvips's memory and a decoder crash
 * costs one upload a 503, not the server. At most one image process; jobs are bounded by `jobsMax`.
 */
export class ImageEncoder {
  private child: ChildProcess | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextJobId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly options: ImageEncoderOptions;

  constructor(options: Partial<ImageEncoderOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The image process's pid while one runs (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The upload's photo and thumbnail as WebP; refuses what is not a picture (415) or too many pixels (413). */
  async encode(bytes: Buffer): Promise<{ photo: Buffer; thumbnail: Buffer }> {
    const reply = await this.run({ id: 0, kind: 'encode', bytes });
    if (!('photo' in reply)) throw new Error('the image process answered an encode without a photo');
    return { photo: asBuffer(reply.photo), thumbnail: asBuffer(reply.thumbnail) };
  }

  /** An SVG drawing rendered as PNG. */
  async draw(svg: string): Promise<Buffer> {
    const reply = await this.run({ id: 0, kind: 'draw', svg });
    if (!('png' in reply)) throw new Error('the image process answered a drawing without a PNG');
    return asBuffer(reply.png);
  }

  /** Stops the image process now; jobs still waiting fail with 503. */
  close(): void {
    this.child?.kill();
  }

  private async run(job: ImageJob): Promise<ImageReply> {
    if (this.waiting.size >= this.options.jobsMax) throw CommerceErrors.imageProcessingUnavailable();
    const child = this.started();
    const id = this.nextJobId++;
    const reply = await new Promise<ImageReply>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.jobTimeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      // A send on a channel that just closed fails here; the process's 'exit' then fails the job.
      child.send({ ...job, id }, (error) => {
        if (error) child.kill('SIGKILL');
      });
    });
    if (reply.ok) return reply;
    throw reply.refusal === 'too_many_pixels'
      ? CommerceErrors.imageTooManyPixels(IMAGE_PIXELS_MAX)
      : CommerceErrors.notAnImage();
  }

  private started(): ChildProcess {
    clearTimeout(this.idleTimer);
    if (this.child) {
      this.child.channel?.ref();
      return this.child;
    }
    const { file, execArgv } = imageProcessEntry();
    const child = fork(file, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (reply: ImageReply) => this.answered(reply));
    child.on('exit', () => this.ended(child));
    // A failed fork also ends in 'exit'; without this listener its 'error' would end the server.
    child.on('error', () => child.kill('SIGKILL'));
    this.child = child;
    return child;
  }

  private answered(reply: ImageReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    clearTimeout(waiting.timer);
    waiting.resolve(reply);
    if (this.waiting.size === 0) this.idle();
  }

  /** Nothing to do: the process no longer holds the server's event loop open, and stops after idleMs. */
  private idle(): void {
    this.child?.channel?.unref();
    this.idleTimer = setTimeout(() => {
      if (this.child?.connected) this.child.disconnect();
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  private ended(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    clearTimeout(this.idleTimer);
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(CommerceErrors.imageProcessingUnavailable());
      this.waiting.delete(id);
    }
  }
}

/** The server's one image process, shared by uploads and the demo's drawings. */
export const sharedImageEncoder = new ImageEncoder();
