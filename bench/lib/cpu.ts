import { readFileSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) a process has used so far, in ms.
 * This process via process.cpuUsage(); another one via /proc (Linux only,
 * 10 ms resolution): undefined where that is not available.
 */
export function processCpuMs(pid: number = process.pid): number | undefined {
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  return procCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU time of another process's main thread (its event loop: the thread a
 * node server's throughput is bound by), in ms; undefined off Linux.
 */
export function mainThreadCpuMs(pid: number): number | undefined {
  return procCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function procCpuMs(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
