/**
 * Where the command writes: results on stdout, diagnostics on stderr, and on a terminal a live
 * progress line on stderr, redrawn in place and cleared before anything else is written.
 */
export class Output {
  readonly #stdout: NodeJS.WriteStream;
  readonly #stderr: NodeJS.WriteStream;
  #progressShown = false;

  constructor(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Whether a progress line can be drawn (stderr is a terminal). */
  get interactive(): boolean {
    return this.#stderr.isTTY === true;
  }

  stdout(line: string): void {
    this.clearProgress();
    this.#stdout.write(`${line}\n`);
  }

  /**
   * Raw bytes on stdout (a recording written to `--out -`); resolves once the stream took them,
   * so a writer that awaits it goes at the reader's pace. Rejects if stdout is closed (EPIPE).
   */
  data(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.#stdout.once('error', onError);
      this.#stdout.write(bytes, (e) => {
        this.#stdout.off('error', onError);
        if (e) reject(e);
        else resolve();
      });
    });
  }

  stderr(line: string): void {
    this.clearProgress();
    this.#stderr.write(`${line}\n`);
  }

  progress(text: string): void {
    if (!this.interactive) return;
    const columns = this.#stderr.columns || 80;
    this.#stderr.write(`\r${text.slice(0, columns - 1)}\x1b[K`);
    this.#progressShown = true;
  }

  clearProgress(): void {
    if (!this.#progressShown) return;
    this.#stderr.write('\r\x1b[K');
    this.#progressShown = false;
  }
}
