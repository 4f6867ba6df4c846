/**
 * Property states the broker does not hold itself. A producer with very many properties (the
 * resource registry: one property per profile, configuration and source of every camera) keeps
 * its states in its own compact records and hands each subscription a cursor over them. The
 * subscription pulls "Initialized" messages from the cursor only as fast as its client takes
 * them (PullMessages pages, Notify batches), so a subscription to 100,000 resources never holds
 * 100,000 messages: only the page being sent exists as messages.
 *
 * Consistency with live messages: while a cursor is pending, a live message about a property the
 * cursor has not reached yet is dropped by the subscription (`ahead`), because the cursor will
 * report that property's state as it is when reached (or not at all, once deleted). So each
 * property is reported Initialized exactly once, before any Changed/Deleted about it.
 *
 * At a synchronization point the client already knows properties from before; one deleted
 * before the new cursor reaches it would otherwise vanish silently. So a cursor opened for a
 * synchronization point never holds back Deleted messages (a client may then see the Deleted of
 * a property added and removed during the resynchronization, which it can ignore).
 */
import type { PublishedEvent } from './message.js';

export interface StateCursor {
  /** The next current state as an "Initialized" message; undefined once the cursor is exhausted. */
  next(): PublishedEvent | undefined;
  /** Whether `ev` (a live message) is about a property this cursor has yet to report. */
  ahead(ev: PublishedEvent): boolean;
}

export type CursorPurpose = 'subscribe' | 'synchronize';

export interface PropertyStateProvider {
  /** Whether the provider keeps the states of this topic (by topic key); the broker then keeps none. */
  owns(topicKey: string): boolean;
  /**
   * A cursor over every current state, in a stable order that includes states added while it is
   * open; `purpose` says whether the subscriber may already know some properties (see above).
   */
  open(purpose: CursorPurpose): StateCursor;
}

/** The cursors of several providers, one after the other. */
export function concatCursors(cursors: readonly StateCursor[]): StateCursor | undefined {
  if (cursors.length === 0) return undefined;
  if (cursors.length === 1) return cursors[0];
  let i = 0;
  return {
    next() {
      while (i < cursors.length) {
        const ev = cursors[i]!.next();
        if (ev) return ev;
        i++;
      }
      return undefined;
    },
    // Exhausted cursors report nothing ahead; asking every one is exact and cheap.
    ahead: (ev) => cursors.some((c, k) => k >= i && c.ahead(ev)),
  };
}
