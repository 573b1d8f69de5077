/**
 * A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
 * to the browser, fd 4 back, messages NUL-separated JSON), so rendering a report to PNG or
 * measuring its layout needs no npm package and no network port. Used by scripts/screenshots.ts
 * and by test/report/browser.test.ts (skipped where no Chromium is installed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Debian's package (`apt-get install chromium`), or CHROMIUM=/path. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

export class Browser {
  private readonly child: ChildProcess;
  private readonly toBrowser: Writable;
  private readonly profile: string;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered = '';
  private sessionId: string | undefined;

  private constructor(executable: string) {
    this.profile = mkdtempSync(path.join(os.tmpdir(), 'tiersim-chromium-'));
    // The flags that keep Chromium off the network (this machine's network is closed: without
    // them it retries connections at every start) and out of the GPU.
    this.child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${this.profile}`,
        '--remote-debugging-pipe',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    this.toBrowser = this.child.stdio[3] as Writable;
    const fromBrowser = this.child.stdio[4] as Readable;
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => this.receive(chunk));
    this.child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(executable: string): Promise<Browser> {
    const browser = new Browser(executable);
    const { targetId } = (await browser.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    browser.sessionId = sessionId;
    await browser.page('Page.enable');
    return browser;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let end;
    while ((end = this.buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffered.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      this.buffered = this.buffered.slice(end + 1);
      if (message.id === undefined) continue;
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) p?.reject(new Error(message.error.message));
      else p?.resolve(message.result ?? {});
    }
  }

  private send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  }

  /** A command to the page's session. */
  page(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.send(method, params, this.sessionId);
  }

  /** Loads a file at the given viewport width and waits for its load event. */
  async open(file: string, width: number, height = 900): Promise<void> {
    await this.page('Emulation.setDeviceMetricsOverride', {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    const loaded = new Promise<void>((resolve) => {
      const onData = (chunk: string) => {
        if (chunk.includes('"Page.loadEventFired"')) {
          (this.child.stdio[4] as Readable).off('data', onData);
          resolve();
        }
      };
      (this.child.stdio[4] as Readable).on('data', onData);
    });
    await this.page('Page.navigate', { url: `file://${path.resolve(file)}` });
    await loaded;
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.page('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value: T };
    };
    return r.result.value;
  }

  /** The page as PNG tiles of at most `tile` px height each (a long page in one PNG is unreadable). */
  async screenshotTiles(tile: number): Promise<Buffer[]> {
    const height = await this.evaluate<number>('document.documentElement.scrollHeight');
    const width = await this.evaluate<number>('document.documentElement.scrollWidth');
    const out: Buffer[] = [];
    for (let y = 0; y < height; y += tile) {
      const r = (await this.page('Page.captureScreenshot', {
        format: 'png',
        captureBeyondViewport: true,
        clip: { x: 0, y, width, height: Math.min(tile, height - y), scale: 1 },
      })) as { data: string };
      out.push(Buffer.from(r.data, 'base64'));
    }
    return out;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.send('Browser.close').catch(() => undefined);
    await exited;
    rmSync(this.profile, { recursive: true, force: true });
  }
}
