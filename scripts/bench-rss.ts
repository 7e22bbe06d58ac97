// Peak resident memory for the benchmark's stages. On Linux the kernel keeps a process's peak (VmHWM) and resets it
// to the current RSS when "5" is written to /proc/self/clear_refs, so each stage's own peak is measured exactly;
// elsewhere the current RSS stands in. Worker processes are sampled from /proc/<pid>/status while they run.
import { readFileSync, writeFileSync } from 'node:fs';

const statusKb = (pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | undefined => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
};

let overall = 0;

/** This process's peak RSS in MB since the previous call (or the start), then a new stage begins. */
export function stagePeakRssMb(): number {
  const peak = (statusKb('self', 'VmHWM') ?? process.memoryUsage().rss / 1e3) / 1e3;
  overall = Math.max(overall, peak);
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the next figure is the peak since start
  }
  return peak;
}

/** This process's peak RSS in MB over all stages so far, the current one included (which it ends, as stagePeakRssMb). */
export function overallPeakRssMb(): number {
  return Math.max(overall, stagePeakRssMb());
}

/** Samples the RSS of child processes every 250 ms; `stop()` gives the largest one seen for any of them, in MB. */
export function sampleChildrenRss(pids: readonly (number | undefined)[]): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    for (const pid of pids) if (pid !== undefined) peak = Math.max(peak, (statusKb(pid, 'VmRSS') ?? 0) / 1e3);
  }, 250);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
