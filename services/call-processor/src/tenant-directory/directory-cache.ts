import { Client } from 'pg';
import type { Transactions } from '@rb/kafka-runner';
import { Directory, loadDirectory } from './directory';
import { DIRECTORY_CHANGED_CHANNEL } from './import-tenants';

export interface DirectoryCacheEvents {
  onReload?: (numbers: number) => void;
  onError?: (error: Error) => void;
}

/**
 * The directory in memory for the call path: loaded at start (start-up fails if it cannot be),
 * reloaded when a writer notifies a change on the channel, and at an interval as a safety net, so
 * no event ever queries the directory. A notice during a reload triggers one more reload after it,
 * since the running one may have read before the change committed. The LISTEN connection is
 * re-established when it drops.
 */
export class DirectoryCache {
  private current = new Directory(new Map());
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly options: {
      transactions: Transactions;
      databaseUrl: string;
      reloadEveryMs: number;
    } & DirectoryCacheEvents,
  ) {}

  get directory(): Directory {
    return this.current;
  }

  async start(): Promise<void> {
    this.current = await this.options.transactions(loadDirectory);
    this.options.onReload?.(this.current.size);
    await this.listen();
    this.timer = setInterval(() => void this.reload(), this.options.reloadEveryMs);
    this.timer.unref();
  }

  /** Reloads now, or once more after the reload in progress. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.dirty = true;
      return this.reloading;
    }
    this.reloading = this.options
      .transactions(loadDirectory)
      .then((directory) => {
        this.current = directory;
        this.options.onReload?.(directory.size);
      })
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => {
        this.reloading = undefined;
        if (this.dirty) {
          this.dirty = false;
          void this.reload();
        }
      });
    return this.reloading;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl });
    client.on('notification', () => void this.reload());
    client.on('error', (error) => {
      this.options.onError?.(error);
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.relisten(), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${DIRECTORY_CHANGED_CHANNEL}`);
    this.listener = client;
  }

  /** After a dropped LISTEN connection: listen again, and reload for what was missed meanwhile. */
  private async relisten(): Promise<void> {
    try {
      await this.listen();
      await this.reload();
    } catch (error) {
      this.options.onError?.(error as Error);
      if (!this.stopped) setTimeout(() => void this.relisten(), 5_000).unref();
    }
  }
}
