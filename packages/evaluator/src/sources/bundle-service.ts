/**
 * OPA's bundle service protocol (`v1/download`, `v1/plugins/bundle`): a bundle `.tar.gz` is
 * polled from a URL with a jittered delay between `minDelaySeconds` and `maxDelaySeconds`
 * (exponential backoff after failures), `If-None-Match` with the active bundle's `ETag` (a 304
 * keeps the active set), long polling (`Prefer: modes=snapshot,delta;wait=N`) once the server
 * answers with `Content-Type: application/vnd.openpolicyagent.bundles`, bearer token or custom
 * headers, TLS with a custom CA. Every download is verified (signatures) before it is offered
 * to the facade; the facade activates it through its one atomic reload and reports back, so a
 * refused or failing bundle leaves the last good one active. The last good bundle is written to
 * `persistDir` and read from there at start when the service cannot be reached.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBundle, type BundleVerificationConfig } from '../bundle-signature.js';
import { ConfigurationError, PolicySourceError, type PolicyEngineError } from '../errors.js';
import { exchange } from '../http-client.js';
import type { Logger, RegoVersionSetting } from '../options.js';
import { bundleContent, manifestRevision, readBundleArchive } from './bundle.js';
import type { RawSourceContent } from './raw.js';
import type { BundleMetric } from '../metrics.js';

/** A bundle polled from an OPA bundle service (S3, nginx, a control plane, …). */
export interface BundleServiceSource {
  readonly kind: 'bundle-service';
  /** Full URL of the bundle (OPA: the service `url` + the bundle `resource`). */
  readonly url: string;
  /** Bundle name (OPA: the key under `bundles`); names the persisted file and the module ids. Default `bundle`. */
  readonly name?: string;
  /** Polling (OPA `polling.*`): seconds between successful polls, jittered in [min, max]; default 60–120. Fractions allowed. */
  readonly polling?: {
    readonly minDelaySeconds?: number;
    readonly maxDelaySeconds?: number;
    /** Long polling (OPA `polling.long_polling_timeout_seconds`), used when the server supports it. */
    readonly longPollingTimeoutSeconds?: number;
  };
  /** Bearer token (OPA `credentials.bearer.token`), sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Extra request headers (OPA service `headers`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM text of the CA certificates to trust for `https` URLs (OPA `tls.ca_cert`). */
  readonly ca?: string;
  /** Signature verification (OPA `keys` + bundle `signing`); without it a signed bundle is refused. */
  readonly verification?: BundleVerificationConfig;
  /** Directory where the last good bundle is kept (OPA `persistence_directory`): `<dir>/bundles/<name>/bundle.tar.gz`. */
  readonly persistDir?: string;
  /** Rego version of modules the manifest says nothing about (default v1). */
  readonly regoVersion?: RegoVersionSetting;
  /** Timeout of one request in milliseconds (default 10 000; a long poll adds its wait). */
  readonly requestTimeoutMs?: number;
}

/** What a bundle service source reports (in `health().bundles`). */
export interface BundleStatus {
  readonly name: string;
  readonly url: string;
  /** Whether a bundle of this source is active. */
  readonly active: boolean;
  /** Manifest revision of the active bundle. */
  readonly revision?: string;
  readonly etag?: string;
  /** ISO time the active bundle was activated. */
  readonly activatedAt?: string;
  /** Whether the active bundle was read from `persistDir` (the service has not delivered one since start). */
  readonly fromPersistence?: boolean;
  /** The last download, verification or activation failure, cleared by the next success. */
  readonly lastError?: string;
  /** Bundles downloaded and activated, refused (verification or activation failed), and 304 answers. */
  readonly counts: { readonly activated: number; readonly refused: number; readonly notModified: number; readonly failedDownloads: number };
}

interface Candidate {
  readonly content: RawSourceContent;
  readonly revision: string;
  readonly etag: string;
  readonly archive: Buffer;
  readonly fromPersistence: boolean;
}

type Download =
  | { readonly kind: 'bundle'; readonly archive: Buffer; readonly etag: string; readonly longPoll: boolean }
  | { readonly kind: 'not-modified'; readonly longPoll: boolean };

const LONG_POLL_TYPE = 'application/vnd.openpolicyagent.bundles';
const MIN_RETRY_DELAY_MS = 100;

/** OPA's `util.DefaultBackoff`: base × 1.6^retries capped at max, ±20 % jitter; 0 for no retry. */
export function retryDelayMs(baseMs: number, maxMs: number, retries: number): number {
  if (retries === 0) return 0;
  let backoff = baseMs;
  for (let left = retries; backoff < maxMs && left > 0; left--) backoff *= 1.6;
  backoff = Math.min(backoff, maxMs);
  return Math.max(0, backoff * (1 + 0.2 * (Math.random() * 2 - 1)));
}

function checkSource(source: BundleServiceSource): { minMs: number; maxMs: number } {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    throw new ConfigurationError(`bundle service url is not a URL: ${JSON.stringify(source.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigurationError(`bundle service url must be http or https: ${source.url}`);
  const min = source.polling?.minDelaySeconds;
  const max = source.polling?.maxDelaySeconds;
  const valid = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (min !== undefined && !valid(min))
    throw new ConfigurationError(`polling minDelaySeconds must be a positive number, got ${JSON.stringify(min)}`);
  if (max !== undefined && !valid(max))
    throw new ConfigurationError(`polling maxDelaySeconds must be a positive number, got ${JSON.stringify(max)}`);
  const lo = min ?? (max === undefined ? 60 : Math.min(60, max));
  const hi = max ?? Math.max(120, lo);
  if (hi < lo) throw new ConfigurationError('max polling delay must be >= min polling delay');
  return { minMs: lo * 1000, maxMs: hi * 1000 };
}

/** The client of one bundle-service source, owned by the facade. */
export class BundleServiceClient {
  readonly name: string;
  private readonly minMs: number;
  private readonly maxMs: number;
  private active: Candidate | undefined;
  private candidate: Candidate | undefined;
  private activatedAt: string | undefined;
  private lastError: string | undefined;
  private longPoll = false;
  private readonly counts = { activated: 0, refused: 0, notModified: 0, failedDownloads: 0 };
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly source: BundleServiceSource,
    private readonly logger: Logger,
    /** Told of every activation, refusal and failed download (the facade's metrics hook). */
    private readonly onEvent: (event: BundleMetric) => void = () => undefined,
  ) {
    const { minMs, maxMs } = checkSource(source);
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.name = source.name ?? 'bundle';
  }

  /** What the source holds now: the bundle being activated, else the active one, else nothing. */
  content(): RawSourceContent {
    return (this.candidate ?? this.active)?.content ?? { modules: [], data: [] };
  }

  /** Manifest revision of the active bundle (`undefined` before the first activation). */
  revision(): string | undefined {
    return this.active?.revision;
  }

  status(): BundleStatus {
    const a = this.active;
    return {
      name: this.name,
      url: this.source.url,
      active: a !== undefined,
      ...(a ? { revision: a.revision, etag: a.etag, fromPersistence: a.fromPersistence } : {}),
      ...(this.activatedAt !== undefined ? { activatedAt: this.activatedAt } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      counts: { ...this.counts },
    };
  }

  /**
   * First download before the facade's initial load; when the service cannot deliver, the
   * persisted bundle (if any) becomes the candidate. Never throws for an unreachable service.
   */
  async prepare(): Promise<void> {
    try {
      const got = await this.download();
      if (got.kind === 'bundle') {
        this.candidate = await this.verify(got.archive, got.etag, false);
        this.longPoll = got.longPoll;
        return;
      }
    } catch (error) {
      this.fail(error, 'download');
    }
    const persisted = await this.readPersisted();
    if (persisted !== undefined) this.candidate = persisted;
  }

  /** The facade activated the candidate (or failed to): make it the active bundle, persist it; or drop it. */
  async settle(result: { readonly ok: true } | { readonly ok: false; readonly error: PolicyEngineError }): Promise<void> {
    const c = this.candidate;
    this.candidate = undefined;
    if (c === undefined) return;
    if (!result.ok) {
      this.counts.refused++;
      this.lastError = `bundle ${this.name} revision ${JSON.stringify(c.revision)} could not be activated: ${result.error.message}`;
      this.logger.error(`${this.lastError}; keeping ${this.active ? `revision ${JSON.stringify(this.active.revision)}` : 'no bundle'}`);
      this.report('refused');
      return;
    }
    this.active = c;
    this.activatedAt = new Date().toISOString();
    this.lastError = undefined;
    this.counts.activated++;
    this.report('activated');
    this.logger.info?.(
      `bundle ${this.name} revision ${JSON.stringify(c.revision)} activated${c.fromPersistence ? ' from the persisted copy' : ''}`,
    );
    if (!c.fromPersistence) await this.persist(c.archive);
  }

  /** Polls until {@link close}; `activate` runs the facade's reload for a new verified bundle. */
  start(activate: () => Promise<{ readonly ok: true } | { readonly ok: false; readonly error: PolicyEngineError }>): void {
    this.loop ??= this.run(activate);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop?.catch(() => undefined);
  }

  private async run(
    activate: () => Promise<{ readonly ok: true } | { readonly ok: false; readonly error: PolicyEngineError }>,
  ): Promise<void> {
    let retries = 0;
    let failed = false;
    for (;;) {
      const delay = failed
        ? retryDelayMs(MIN_RETRY_DELAY_MS, this.maxMs, retries)
        : this.longPoll && this.source.polling?.longPollingTimeoutSeconds !== undefined
          ? 0
          : this.minMs + Math.random() * (this.maxMs - this.minMs);
      if (!(await this.sleep(delay))) return;
      retries = failed ? retries + 1 : 0;
      failed = false;
      try {
        const got = await this.download();
        this.longPoll = got.longPoll;
        if (got.kind === 'not-modified') {
          this.counts.notModified++;
          continue;
        }
        let verified: Candidate;
        try {
          verified = await this.verify(got.archive, got.etag, false);
        } catch (error) {
          this.counts.refused++;
          this.fail(error, 'verification');
          this.report('refused');
          continue; // a refused bundle is not a download failure: poll at the normal pace
        }
        if (this.stop.signal.aborted) return;
        this.candidate = verified;
        await this.settle(await activate());
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.counts.failedDownloads++;
        this.fail(error, 'download');
        this.report('download-failed');
        failed = true;
      }
    }
  }

  private report(kind: BundleMetric['kind']): void {
    const activeRevision = this.active?.revision;
    this.onEvent({ bundle: this.name, kind, ...(activeRevision !== undefined ? { activeRevision } : {}) });
  }

  private fail(error: unknown, what: string): void {
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = `bundle ${this.name} ${what} failed: ${message}`;
    this.logger.error(`${this.lastError}; keeping ${this.active ? `revision ${JSON.stringify(this.active.revision)}` : 'no bundle'}`);
  }

  private sleep(ms: number): Promise<boolean> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async verify(archive: Buffer, etag: string, fromPersistence: boolean): Promise<Candidate> {
    const id = `bundle ${this.name} (${fromPersistence ? 'persisted copy' : this.source.url})`;
    const files = await readBundleArchive(archive, id);
    await verifyBundle(files, this.source.verification, id);
    const texts = files.map((f) => ({ path: f.path, text: f.bytes.toString('utf8') }));
    const revision = manifestRevision(texts);
    const content = {
      ...bundleContent(texts, `bundle:${this.name}#`, this.source.regoVersion ?? 'v1'),
      bundle: { name: this.name, revision },
    };
    return { content, revision, etag, archive, fromPersistence };
  }

  private persistedPath(): string | undefined {
    return this.source.persistDir === undefined ? undefined : join(this.source.persistDir, 'bundles', this.name, 'bundle.tar.gz');
  }

  private async persist(archive: Buffer): Promise<void> {
    const path = this.persistedPath();
    if (path === undefined) return;
    try {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(`${path}.tmp`, archive);
      await rename(`${path}.tmp`, path); // atomic: a crash never leaves half a bundle
    } catch (error) {
      this.logger.error(
        `bundle ${this.name}: cannot persist the active bundle to ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async readPersisted(): Promise<Candidate | undefined> {
    const path = this.persistedPath();
    if (path === undefined) return undefined;
    let archive: Buffer;
    try {
      archive = await readFile(path);
    } catch {
      return undefined; // nothing persisted yet
    }
    try {
      // Verified again: the directory is not trusted more than the service.
      return await this.verify(archive, '', true);
    } catch (error) {
      this.fail(error, 'persisted copy verification');
      return undefined;
    }
  }

  private async download(): Promise<Download> {
    const wait = this.longPoll ? this.source.polling?.longPollingTimeoutSeconds : undefined;
    const headers: Record<string, string> = {
      ...this.source.headers,
      Prefer: wait === undefined ? 'modes=snapshot,delta' : `modes=snapshot,delta;wait=${wait}`,
      'Accept-Encoding': 'identity',
    };
    if (this.active?.etag) headers['If-None-Match'] = this.active.etag;
    if (this.source.token !== undefined) headers['Authorization'] = `Bearer ${this.source.token}`;
    const timeoutMs = (this.source.requestTimeoutMs ?? 10_000) + (wait ?? 0) * 1000;
    const res = await exchange(this.source.url, {
      method: 'GET',
      headers,
      timeoutMs,
      signal: this.stop.signal,
      ...(this.source.ca !== undefined ? { ca: this.source.ca } : {}),
    });
    if (res.status === 304) return { kind: 'not-modified', longPoll: this.longPoll };
    if (res.status !== 200) throw new PolicySourceError(`server replied with HTTP ${res.status}`, this.source.url);
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : '';
    return { kind: 'bundle', archive: res.body, etag, longPoll: res.headers['content-type'] === LONG_POLL_TYPE };
  }
}
