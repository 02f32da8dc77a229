import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OpaNotFoundError } from './errors.js';
import { OPA_VERSION, findOpa, toolsDir } from './locate.js';

/** Options of {@link ensureOpa}. */
export interface EnsureOpaOptions {
  /** Install OPA (with Go, into `<toolsDir>/bin`) when none is found (default true). */
  readonly install?: boolean;
  /** Progress lines of an installation (default: written to stderr). */
  readonly onLog?: (line: string) => void;
}

const ENSURE_SCRIPT = fileURLToPath(new URL('../bin/ensure-opa.mjs', import.meta.url));

/**
 * Finds the `opa` binary ({@link findOpa}), or installs it when there is none: runs the same
 * `bin/ensure-opa.mjs` as `npm run opa` (`GOBIN=<toolsDir>/bin go install …` when Go is on PATH).
 * Engines that need OPA (wasm, opa) call it lazily, only when they are the engine chosen.
 * @returns the path of the `opa` binary.
 * @throws OpaNotFoundError (code `OPA_NOT_FOUND`) when OPA is neither found nor installable, with the ways out.
 */
export async function ensureOpa(options: EnsureOpaOptions = {}): Promise<string> {
  try {
    return findOpa();
  } catch (err) {
    if (!(err instanceof OpaNotFoundError) || options.install === false) throw err;
  }
  const log = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = toolsDir();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [ENSURE_SCRIPT], {
      env: { ...process.env, POLICY_ENGINE_TOOLS_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      text += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (!line.includes('error:')) log(line);
    });
    child.on('error', fail);
    child.on('close', (status) => done({ code: status, stderr: text }));
  });
  if (code === 0) {
    try {
      return findOpa();
    } catch {
      // Reported below, with what the script said.
    }
  }
  const reason = /\[ensure-opa\] error: (.*)/.exec(stderr)?.[1]?.trim() ?? `'${ENSURE_SCRIPT}' exited with ${code}`;
  throw new OpaNotFoundError(
    `OPA ${OPA_VERSION} is not available and could not be installed: ${reason} ` +
      `(looked for $OPA_BIN, ${dir}, and opa on PATH; POLICY_ENGINE_TOOLS_DIR sets where it is installed).`,
  );
}
