import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { BullmqJobQueue, QUEUE_NAME } from '../../src/adapters/queue/bullmq-job-queue';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

describe('the promotions queue: a new request is never stuck behind execution steps', () => {
  const prefix = uniquePrefix('queue-priority');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new BullmqJobQueue(connection, `${prefix}:bull`);
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await dropPrefix(prefix);
  });

  it('with 30 execution steps waiting and one worker slot, a gate evaluation enqueued after them runs first', async () => {
    for (let i = 0; i < 30; i++) await queue.enqueueExecution(`p-busy-${i}`);
    await queue.enqueueEvaluation('p-new');
    const order: string[] = [];
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(QUEUE_NAME, async (job) => void order.push(`${job.name}:${job.data.promotionId as string}`), { connection: workerConnection, prefix: `${prefix}:bull`, concurrency: 1 });
    try {
      await waitUntil('every job to run', () => order.length === 31, 20_000);
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }
    expect(order[0]).toBe('evaluate:p-new');
    // the execution steps keep their order among themselves
    expect(order.slice(1)).toEqual(Array.from({ length: 30 }, (_, i) => `execute:p-busy-${i}`));
  });
});
