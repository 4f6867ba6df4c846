/**
 * The node's live hubs, one per media profile in use, resolved through the LiveSourceDirectory
 * (which the media service side plugs in). A hub is reused while the directory keeps returning a
 * source with the same id; when the profile's source changes, new viewers get a new hub and the
 * old one serves its existing viewers until they leave. Idle hubs are forgotten.
 */
import type { LiveSource, LiveSourceDirectory } from '../live.js';
import { StreamHub, type HubOptions } from './stream-hub.js';

const EMPTY_DIRECTORY: LiveSourceDirectory = { sourceForProfile: () => undefined };

export class HubRegistry {
  readonly #opts: Partial<HubOptions>;
  readonly #hubs = new Map<string, StreamHub>();
  /** Including replaced hubs still serving their viewers. */
  readonly #all = new Set<StreamHub>();
  #directory: LiveSourceDirectory = EMPTY_DIRECTORY;

  constructor(opts: Partial<HubOptions> = {}) {
    this.#opts = opts;
  }

  get directory(): LiveSourceDirectory {
    return this.#directory;
  }

  setDirectory(directory: LiveSourceDirectory | undefined): void {
    this.#directory = directory ?? EMPTY_DIRECTORY;
  }

  /** The profile's source as the directory currently resolves it. */
  sourceFor(profileToken: string): LiveSource | undefined {
    try {
      return this.#directory.sourceForProfile(profileToken);
    } catch {
      return undefined;
    }
  }

  /** The hub serving a profile (created on demand), undefined when the profile has no live source. */
  hubFor(profileToken: string): StreamHub | undefined {
    const source = this.sourceFor(profileToken);
    if (!source) return undefined;
    const current = this.#hubs.get(profileToken);
    if (current && !current.closed && current.source.id === source.id) return current;
    if (current && current.idle) {
      current.close();
      this.#all.delete(current);
    }
    const hub = new StreamHub(profileToken, source, this.#opts, (idle) => {
      this.#all.delete(idle);
      if (this.#hubs.get(profileToken) === idle) this.#hubs.delete(profileToken);
    });
    this.#hubs.set(profileToken, hub);
    this.#all.add(hub);
    return hub;
  }

  /** Hubs currently known (for diagnostics and tests). */
  hubs(): StreamHub[] {
    return [...this.#all];
  }

  close(): void {
    for (const hub of this.#all) hub.close();
    this.#all.clear();
    this.#hubs.clear();
  }
}
