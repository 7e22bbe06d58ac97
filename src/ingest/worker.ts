// `kizashi worker`: takes queued items from PostgreSQL and ingests them; any number of workers, on any machine.
import { InputError, describeError } from '../core/errors.js';
import type { Extractor } from '../extract/extract-document.js';
import type { GraphStore, PutResult } from '../store/graph-store.js';
import type { PostgresJobQueue } from '../store/postgres/postgres-job-queue.js';
import { ingestFile } from './ingest-files.js';

export interface WorkerOptions {
  /** How long a claimed item stays reserved; a killed worker's item is retried after it. */
  readonly leaseSeconds: number;
  /** Stop when the queue has had nothing due for this long (ms); run forever when undefined. */
  readonly stopWhenIdleMs?: number;
  readonly pollMs?: number;
  readonly onItem?: (payload: string, result: PutResult | 'failed' | 'retry', detail?: string) => void;
  readonly signal?: AbortSignal;
  /**
   * Items in progress at once in this process (default 1). Extraction uses the CPU while a store write waits on
   * the database; with two or more, one item is extracted while another is written.
   */
  readonly concurrency?: number;
}

/** Process jobs until idle (or aborted). Returns how many items this worker finished. */
export async function runWorker(queue: PostgresJobQueue, store: GraphStore, extractor: Extractor, options: WorkerOptions): Promise<number> {
  const lanes = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => runLane(queue, store, extractor, options));
  return (await Promise.all(lanes)).reduce((a, b) => a + b, 0);
}

/** One claim-ingest-complete loop; a worker runs `concurrency` of them. */
async function runLane(queue: PostgresJobQueue, store: GraphStore, extractor: Extractor, options: WorkerOptions): Promise<number> {
  let finished = 0;
  let idleSince = Date.now();
  const poll = options.pollMs ?? 500;
  while (!options.signal?.aborted) {
    let job;
    try {
      job = await queue.claim(options.leaseSeconds);
    } catch (error) {
      // The database went away: wait and try again (jobs are safe in the table).
      options.onItem?.('(queue)', 'retry', describeError(error));
      await new Promise((r) => setTimeout(r, poll * 2));
      continue;
    }
    if (!job) {
      if (options.stopWhenIdleMs !== undefined && Date.now() - idleSince >= options.stopWhenIdleMs) break;
      await new Promise((r) => setTimeout(r, poll));
      continue;
    }
    idleSince = Date.now();
    try {
      const result = await ingestFile(job.payload, extractor, store);
      await queue.complete(job.id);
      finished++;
      options.onItem?.(job.payload, result);
    } catch (error) {
      if (error instanceof InputError) {
        await queue.fail(job.id, describeError(error));
        options.onItem?.(job.payload, 'failed', describeError(error));
      } else {
        // Unexpected (e.g. the database restarted): leave the job to be retried when its lease expires.
        options.onItem?.(job.payload, 'retry', describeError(error));
      }
    }
  }
  return finished;
}
