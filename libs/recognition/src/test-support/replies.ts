import type Redis from 'ioredis';
import type { RecognitionCall, RecognitionReply } from '../contract';
import { pollUntil } from './poll';

/** A validated call as the worker-side specs queue it, with `extra` over the defaults. */
export const specCall = (extra: Partial<RecognitionCall> = {}): RecognitionCall => ({
  accountId: '00000000-0000-0000-0000-000000000000',
  filename: 'car.jpg',
  regions: [],
  config: {} as RecognitionCall['config'],
  mmc: false,
  camera_id: null,
  timestamp: '2026-01-01T00:00:00.000Z',
  webhooks: [],
  ...extra,
});

/** The replies workers publish to `channel`, as a gateway would hear them (on the real Redis). */
export function replyListener(redis: Redis, channel: string) {
  const listener = redis.duplicate();
  const replies: RecognitionReply[] = [];
  return {
    replies,
    async start(): Promise<void> {
      listener.on('message', (_channel: string, message: string) =>
        replies.push(JSON.parse(message)),
      );
      await listener.subscribe(channel);
    },
    /** The job's reply once it came, or undefined after `ms`. */
    async replyTo(jobId: string, ms = 3000): Promise<RecognitionReply | undefined> {
      await pollUntil(() => replies.some((r) => r.jobId === jobId), ms);
      return replies.find((r) => r.jobId === jobId);
    },
    close: () => listener.quit(),
  };
}
