import { Client } from 'pg';
import type { Transactions } from '@rb/kafka-runner';
import { Directory, loadDirectory } from './directory';
import { DIRECTORY_CHANGED_CHANNEL } from './import-tenants';

export interface DirectoryCacheEvents {
  onReload?: (numbers: number) => void;
  onError?: (error: Error) => void;
}

/**
 * The directory in memory for the call path: loaded at start, reloaded when the import (or any
 * writer) notifies a change on the channel, and at an interval as a safety net, so no event ever
 * queries the directory.
 */
export class DirectoryCache {
  private current = new Directory(new Map());
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

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
    await this.reload();
    this.listener = new Client({ connectionString: this.options.databaseUrl });
    this.listener.on('notification', () => void this.reload());
    this.listener.on('error', (error) => this.options.onError?.(error));
    await this.listener.connect();
    await this.listener.query(`LISTEN ${DIRECTORY_CHANGED_CHANNEL}`);
    this.timer = setInterval(() => void this.reload(), this.options.reloadEveryMs);
    this.timer.unref();
  }

  /** One reload at a time; a notice during a reload waits for it. */
  reload(): Promise<void> {
    this.reloading ??= this.options
      .transactions(loadDirectory)
      .then((directory) => {
        this.current = directory;
        this.options.onReload?.(directory.size);
      })
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
  }
}
