/**
 * Moves the events a client may see into its stream at the pace the client reads. The log is the
 * buffer: once the stream holds maxBufferedBytes unsent it takes nothing more, and when the client
 * has read that, reading resumes from the log where it stopped. A client that has not read it
 * within the drain timeout is dropped, and resumes with its Last-Event-ID. So neither a burst nor a
 * long backlog costs more than the bound, and neither cuts off a client that keeps reading (cutting
 * on the first overflow would cut a reconnecting client again on every backlog page).
 */
import { BistroError, type Core, type FeedFilter, type Following } from '../../core/core.ts';
import type { EventStream } from './event-stream.ts';

export interface PumpOptions {
  /** Called before the first byte, once the cursor has proved good: the stream's headers go out. */
  begin: () => void;
  /** How long a client that is behind may take to read what the stream holds. */
  drainTimeoutMs: number;
  /** Told of unexpected failures after the stream started (the stream then ends; the client resumes). */
  logError: (error: unknown) => void;
}

/** Events read per query while catching up: small enough that one page never strays far past the bound. */
const pageSize = 100;

/** Runs until the stream closes. Rejects only before the stream starts (a bad or too old cursor), so the caller can refuse. */
export async function pumpFeed(core: Core, stream: EventStream, filter: FeedFilter, after: number, { begin, drainTimeoutMs, logError }: PumpOptions): Promise<void> {
  let position = after;
  let following: Following | undefined;
  stream.onClose(() => following?.close());

  /** Pages through the log from `position` while the client keeps up; true once caught up. */
  async function catchUp(): Promise<boolean> {
    for (;;) {
      const page = await core.feed.read(position, filter, pageSize);
      begin();
      for (const event of page.items) {
        position = Number(event.sequence);
        if (!stream.send(event)) return false;
      }
      if (page.items.length < pageSize) return true;
    }
  }

  /** Live events until the stream is full; then it waits for the client and reads on from the log. */
  async function followLive(): Promise<void> {
    // Assigned once follow hands itself over; events may arrive before that.
    let current: Following | undefined = undefined;
    let full = false;
    const overflow = () => {
      current?.close();
      void resume();
    };
    current = await core.feed.follow(position, filter, {
      onEvent(event) {
        if (full) return;
        position = Number(event.sequence);
        if (stream.send(event)) return;
        full = true;
        // Still catching up inside follow: it is closed once it hands itself over, below.
        if (current) overflow();
      },
      onEnd: () => stream.end(),
    });
    following = current;
    if (full) overflow();
    else if (!stream.open) current.close();
  }

  async function run(): Promise<void> {
    while (stream.open) {
      if (await catchUp()) return followLive();
      if (!(await stream.drained(drainTimeoutMs))) return stream.cut();
    }
  }

  async function resume(): Promise<void> {
    try {
      if (await stream.drained(drainTimeoutMs)) await run();
      else stream.cut();
    } catch (error) {
      // A cursor pruned while the client lagged: its reconnection is answered 410 with the head.
      if (!(error instanceof BistroError)) logError(error);
      stream.end();
    }
  }

  await run();
}
