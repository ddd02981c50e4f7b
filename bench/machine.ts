/** What every bench report says about where it ran, so results read the same from any machine. */
import os from 'node:os';

export interface Machine {
  cpus: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
}

export function describeMachine(postgres: string): Machine {
  return {
    cpus: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
  };
}

/** The 1, 5 and 15 minute load averages: a shared machine's other work shows here. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

export function machineLine(title: string, machine: Machine): string {
  return `${title}: ${machine.cores} × ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres} (fsync on, same machine, connected through its Unix socket).`;
}

export function loadAveragesText(loadAverages: Record<string, string>): string {
  return Object.entries(loadAverages)
    .map(([at, value]) => `${at}: ${value}`)
    .join('; ');
}
