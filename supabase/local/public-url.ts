/**
 * The API URL /config.json gives the app. It comes from configuration (PUBLIC_URL), not from
 * the request: echoing any `Host` header let whoever controls a name that resolves here (DNS
 * rebinding, a poisoned cache) point the app's API calls and tokens at another server. Without
 * PUBLIC_URL, a Host naming this server itself (loopback, or one of this machine's addresses
 * when listening on all interfaces, with the server's port) is answered as sent, so a phone on
 * the LAN gets an address it can reach; any other Host gets the listening URL.
 */
import { networkInterfaces } from 'node:os';

export function publicUrlResolver(
  listeningUrl: string,
  listenHost: string,
  configured: string | null,
): (hostHeader: string | undefined) => string {
  if (configured) {
    const fixed = configured.replace(/\/+$/, '');
    return () => fixed;
  }
  const { port } = new URL(listeningUrl);
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', new URL(listeningUrl).hostname]);
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) {
        names.add(address.family === 'IPv6' ? `[${address.address}]` : address.address);
      }
    }
  }
  const allowed = new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
  return (hostHeader) =>
    hostHeader && allowed.has(hostHeader.toLowerCase()) ? `http://${hostHeader}` : listeningUrl;
}
