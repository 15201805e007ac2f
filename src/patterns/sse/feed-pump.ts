/**
 * Moves the events a client may see into its stream at the pace the client reads, on the feed's
 * follow. The log is the buffer: once the stream holds maxBufferedBytes unsent it takes nothing
 * more, and when the client has read that, the follow reads on from the log where it stopped. A
 * client that has not read it within the drain timeout is dropped, and resumes with its
 * Last-Event-ID. So neither a burst nor a long backlog costs more than the bound, and neither
 * cuts off a client that keeps reading (cutting on the first overflow would cut a reconnecting
 * client again on every backlog page).
 */
import type { Core, FeedFilter } from '../../core/core.ts';
import type { EventStream } from './event-stream.ts';

export interface PumpOptions {
  /** Called before the first byte, once the cursor has proved good: the stream's headers go out. */
  begin: () => void;
  /** How long a client that is behind may take to read what the stream holds. */
  drainTimeoutMs: number;
}

/** The follow stops on it; the stream was dropped already. */
class StoppedReading extends Error {}

/** Rejects only before the stream starts (a bad or too old cursor), so the caller can refuse. */
export async function pumpFeed(core: Core, stream: EventStream, filter: FeedFilter, after: number, { begin, drainTimeoutMs }: PumpOptions): Promise<void> {
  const caughtUp = async () => {
    if (await stream.drained(drainTimeoutMs)) return;
    stream.cut();
    throw new StoppedReading();
  };
  const whenBehind = () => (stream.behind ? caughtUp() : undefined);
  try {
    const following = await core.feed.follow(after, filter, {
      onEvent(event) {
        begin();
        stream.send(event);
      },
      // Shutting down, or the log no longer reaches where a lagging client stopped: it reconnects and is told.
      onEnd: () => stream.end(),
      ready: whenBehind,
      lagging: whenBehind,
    });
    begin();
    stream.onClose(() => following.close());
  } catch (error) {
    if (!(error instanceof StoppedReading)) throw error;
  }
}
