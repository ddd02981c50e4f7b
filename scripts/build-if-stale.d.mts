export function newestMtimeMs(paths: string[]): number;
export function isStale(stampFile: string, inputs: string[]): boolean;
export function buildIfStale(root?: string): string[];
