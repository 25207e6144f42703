/**
 * Serves the built PWA (dist/): files with their content types, index.html for any navigation
 * that is not a file (the app routes on the client), and no-cache on the files a new release
 * must replace at once (index.html, the service worker and its manifest).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { RequestContext } from './http-router.ts';
import { sendJson } from './http-router.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const neverCached = /(^|\/)(index\.html|sw\.js|registerSW\.js|manifest\.webmanifest)$/;

export function createStaticHandler(staticDir: string) {
  const root = resolve(staticDir);

  async function fileAt(path: string): Promise<string | null> {
    const target = normalize(join(root, path));
    if (target !== root && !target.startsWith(root + sep)) return null;
    try {
      const info = await stat(target);
      if (info.isFile()) return target;
      if (info.isDirectory()) return fileAt(join(path, 'index.html'));
    } catch {
      // not there: the caller falls back to index.html or 404
    }
    return null;
  }

  return async function handleStatic(ctx: RequestContext): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      return sendJson(ctx.res, 405, { message: `Method ${ctx.method} not allowed here` });
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(ctx.url.pathname);
    } catch {
      return sendJson(ctx.res, 400, { message: 'Malformed URL' });
    }
    let file = await fileAt(pathname);
    // A navigation (no file extension, or the browser asking for HTML) gets the app shell.
    const isNavigation =
      extname(pathname) === '' || (ctx.req.headers.accept ?? '').includes('text/html');
    if (!file && isNavigation) file = await fileAt('/index.html');
    if (!file) return sendJson(ctx.res, 404, { message: `Not found: ${pathname}` });
    const info = await stat(file);
    const headers: Record<string, string> = {
      'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
      'Cache-Control': neverCached.test(file.split(sep).join('/'))
        ? 'no-cache'
        : file.includes(`${sep}assets${sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
    };
    ctx.res.writeHead(200, headers);
    if (ctx.method === 'HEAD') return void ctx.res.end();
    createReadStream(file).pipe(ctx.res);
  };
}
