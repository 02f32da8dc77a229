/**
 * A local bundle endpoint for OPA's bundle plugin: the engine publishes each policy set as one
 * bundle (a gzipped tarball with a `.manifest`), the OPA servers pull it (long polling, so a new
 * set is fetched as soon as it is published) and activate it in one transaction. Loading a set
 * this way costs one compile of the whole set, where the Policy API recompiles every module
 * already loaded on each `PUT /v1/policies/<id>` (quadratic in the module count). OPA's status
 * plugin reports each activation back here (`POST <url>/status`), which is how a load learns that
 * a bundle did not compile.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { ConfigurationError } from '@policy-engine/evaluator';

/** The content type that tells OPA's downloader this endpoint supports long polling. */
const BUNDLE_CONTENT_TYPE = 'application/vnd.openpolicyagent.bundles';
/** Longest time OPA is asked to hold a bundle request open (seconds); it then asks again. */
const LONG_POLL_S = 30;

/** Options of {@link opaBundleServer}. */
export interface OpaBundleServerOptions {
  /** Interface to listen on (default `127.0.0.1`: the OPA servers run on the same host). */
  readonly host?: string;
  /** Port (default 0: a free one; `url` tells which). */
  readonly port?: number;
  /** Bundle name in OPA's configuration (default `policy-engine`). */
  readonly bundleName?: string;
  /** The address OPA reaches this endpoint at, when it is not `http://<host>:<port>` (e.g. from a container). */
  readonly publicUrl?: string;
}

/** What OPA's status plugin reported about the bundle (the part a load needs). */
export interface BundleStatusReport {
  /** Revision of the bundle OPA has active, if any. */
  readonly activeRevision?: string;
  /** OPA's error body for the last download or activation (`{code, message, errors}`), if it failed. */
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly errors?: unknown };
}

/** A running bundle endpoint. Hand it to `opaEngine({ bundleServer })` and start OPA with {@link OpaBundleServer.opaArgs}. */
export interface OpaBundleServer {
  /** Base URL OPA is configured with (`services.<name>.url`). */
  readonly url: string;
  /** Bundle name (`bundles.<name>`). */
  readonly bundleName: string;
  /**
   * Arguments for `opa run --server` that make it pull the bundle from here (long polling) and
   * report every activation back (status plugin): `--set` flags, no file.
   */
  opaArgs(): string[];
  /** Serves `bytes` as the bundle with ETag `etag` from now on; OPA requests held open get it at once. */
  publish(bytes: Buffer, etag: string): void;
  /** Calls `listener` with each status report OPA sends (after the bundle was served); returns the unsubscribe. */
  onStatus(listener: (report: BundleStatusReport) => void): () => void;
  /** Stops listening (held requests are answered 304 first). */
  close(): Promise<void>;
}

interface Waiting {
  readonly res: ServerResponse;
  readonly etags: readonly string[];
  readonly timer: NodeJS.Timeout;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The report for `bundleName` in a status plugin message (`{bundles: {<name>: {...}}}`), if it has one. */
export function bundleStatusOf(message: unknown, bundleName: string): BundleStatusReport | undefined {
  if (!isRecord(message) || !isRecord(message['bundles'])) return undefined;
  const s = message['bundles'][bundleName];
  if (!isRecord(s)) return undefined;
  const active = typeof s['active_revision'] === 'string' ? s['active_revision'] : undefined;
  const failed = typeof s['code'] === 'string' && s['code'] !== '';
  return {
    ...(active !== undefined ? { activeRevision: active } : {}),
    ...(failed ? { error: { code: s['code'], message: s['message'], errors: s['errors'] } } : {}),
  };
}

/** The ETags of an `If-None-Match` header (`"a", "b"` or `a`). */
function etagsOf(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .filter((t) => t !== '');
}

/**
 * Starts a bundle endpoint on loopback (by default). It serves one bundle, `GET /bundles/<name>`,
 * with long polling (a request whose `If-None-Match` names the current bundle is held until a new
 * one is published or OPA's wait runs out), and takes the status plugin's `POST /status`.
 */
export async function opaBundleServer(options: OpaBundleServerOptions = {}): Promise<OpaBundleServer> {
  const host = options.host ?? '127.0.0.1';
  const bundleName = options.bundleName ?? 'policy-engine';
  if (!/^[A-Za-z0-9_-]+$/.test(bundleName))
    throw new ConfigurationError(`opaBundleServer bundleName must be [A-Za-z0-9_-]+: ${bundleName}`);
  const resource = `/bundles/${bundleName}`;
  let current: { bytes: Buffer; etag: string } | undefined;
  /** Whether some OPA has downloaded the current bundle (status reports before that are about an older one). */
  let servedCurrent = false;
  let waiting: Waiting[] = [];
  const listeners = new Set<(report: BundleStatusReport) => void>();

  const send = (res: ServerResponse, etag: string | undefined, bytes?: Buffer): void => {
    const headers: Record<string, string> = { 'content-type': BUNDLE_CONTENT_TYPE };
    if (etag !== undefined) headers['etag'] = `"${etag}"`;
    if (bytes) {
      if (bytes === current?.bytes) servedCurrent = true;
      res.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
      res.end(bytes);
    } else {
      res.writeHead(304, headers);
      res.end();
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === resource) {
      const etags = etagsOf(req.headers['if-none-match']);
      if (current && !etags.includes(current.etag)) {
        send(res, current.etag, current.bytes);
        return;
      }
      // Nothing new: hold the request until a bundle is published or OPA's wait (`Prefer: wait=N`) is over.
      const wait = /wait=(\d+)/.exec(String(req.headers['prefer'] ?? ''));
      const waitS = wait ? Math.min(Number(wait[1]), LONG_POLL_S) : 0;
      if (waitS === 0) {
        send(res, current?.etag);
        return;
      }
      const entry: Waiting = {
        res,
        etags,
        timer: setTimeout(() => {
          waiting = waiting.filter((w) => w !== entry);
          send(res, current?.etag);
        }, waitS * 1000),
      };
      waiting.push(entry);
      res.on('close', () => {
        clearTimeout(entry.timer);
        waiting = waiting.filter((w) => w !== entry);
      });
      return;
    }
    if (req.method === 'POST' && path === '/status') {
      readBody(req)
        .then((text) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
          let message: unknown;
          try {
            message = JSON.parse(text) as unknown;
          } catch {
            return;
          }
          const report = bundleStatusOf(message, bundleName);
          if (report && servedCurrent) for (const l of [...listeners]) l(report);
        })
        .catch(() => {
          res.writeHead(400);
          res.end();
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":"not_found"}');
  };

  const server: Server = createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.unref();
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = (options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');

  return {
    url,
    bundleName,
    opaArgs: () => [
      '--set',
      `services.${bundleName}.url=${url}`,
      '--set',
      `bundles.${bundleName}.service=${bundleName}`,
      '--set',
      `bundles.${bundleName}.resource=${resource}`,
      '--set',
      `bundles.${bundleName}.polling.long_polling_timeout_seconds=${LONG_POLL_S}`,
      '--set',
      `bundles.${bundleName}.polling.min_delay_seconds=1`,
      '--set',
      `bundles.${bundleName}.polling.max_delay_seconds=2`,
      '--set',
      `status.service=${bundleName}`,
    ],
    publish(bytes: Buffer, etag: string): void {
      current = { bytes, etag };
      servedCurrent = false;
      const held = waiting;
      waiting = [];
      for (const w of held) {
        clearTimeout(w.timer);
        if (w.etags.includes(etag)) send(w.res, etag);
        else send(w.res, etag, bytes);
      }
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      const held = waiting;
      waiting = [];
      for (const w of held) {
        clearTimeout(w.timer);
        send(w.res, current?.etag);
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** One file of a bundle. */
export interface BundleFile {
  /** Path inside the bundle, without a leading `/` (e.g. `policy-engine-ab12.rego`). */
  readonly path: string;
  readonly content: string;
}

const BLOCK = 512;

/**
 * A gzipped bundle tarball of `files`, built in memory: each file a ustar header (`tar`'s Header
 * encodes it) and its content padded to 512-byte blocks, then the two empty end blocks.
 */
export function bundleTarball(files: readonly BundleFile[]): Buffer {
  const parts: Buffer[] = [];
  const mtime = new Date(0);
  for (const f of files) {
    const body = Buffer.from(f.content, 'utf8');
    const header = new Header({ path: f.path, mode: 0o644, size: body.length, mtime, type: 'File', uid: 0, gid: 0 });
    const block = Buffer.alloc(BLOCK);
    if (header.encode(block, 0)) throw new ConfigurationError(`bundle file name too long for a ustar header: ${f.path}`);
    parts.push(block, body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}
