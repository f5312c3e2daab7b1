/** Issue 19: `localhost.` normalised, DNS rebinding refused unless --allow-host, secrets never echoed in argv. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseHostname, redactSecretArgs } from '../../../server/api/security.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

function raw(port: number, headers: Record<string, string>, path = '/queue'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

let s: TestServer;
let allowing: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  allowing = await startTestServer({ nodes: stubNodes, allowHosts: ['pg.example', '.lan.example'] });
});
afterAll(async () => {
  await s.close();
  await allowing.close();
});

describe('normaliseHostname', () => {
  it('lower-cases and drops IPv6 brackets and trailing dots', () => {
    expect(['LocalHost.', '[::1]', 'example.com..'].map(normaliseHostname)).toEqual(['localhost', '::1', 'example.com']);
  });
});

describe('origin check with Host: localhost.', () => {
  it('is not bypassed by the trailing dot', async () => {
    expect(await raw(s.port, { Host: `localhost.:${s.port}`, Origin: 'https://evil.example' })).toBe(403);
    expect(await raw(s.port, { Host: `localhost.:${s.port}`, Origin: `http://localhost.:${s.port}` })).toBe(200);
    expect(await raw(s.port, { Host: `localhost.:${s.port}`, Origin: `http://localhost:${s.port}` })).toBe(200);
  });
});

describe('DNS rebinding', () => {
  it.each(['evil.example', 'evil.example.', 'localhost.evil.example', '127.0.0.1.nip.io'])('refuses Host: %s with 403', async (name) => {
    expect(await raw(s.port, { Host: `${name}:${s.port}` })).toBe(403);
    expect(s.logs.join('\n')).toMatch(/is not a name of this server; start it with --allow-host/);
  });

  it.each(['127.0.0.1', 'localhost', 'app.localhost', '[::1]', '10.1.2.3'])('answers Host: %s', async (name) => {
    expect(await raw(s.port, { Host: `${name}:${s.port}` })).toBe(200);
  });

  it('answers the --allow-host names and their domains only', async () => {
    expect(await raw(allowing.port, { Host: `pg.example:${allowing.port}` })).toBe(200);
    expect(await raw(allowing.port, { Host: `box.lan.example:${allowing.port}` })).toBe(200);
    expect(await raw(allowing.port, { Host: `other.example:${allowing.port}` })).toBe(403);
  });

  it('refuses a WebSocket upgrade with a foreign Host', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/ws', headers: { Host: 'evil.example', Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => resolve(res.statusCode!));
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('secrets on the command line', () => {
  it('redactSecretArgs hides both spellings', () => {
    expect(redactSecretArgs(['serve', '--auth-token', 's3cret', '--port', '1', '--auth-token=s3cret'])).toEqual(['serve', '--auth-token', '***', '--port', '1', '--auth-token=***']);
  });

  it('/system_stats never shows the token', async () => {
    process.argv.push('--auth-token', 'tok-1234567890');
    try {
      const text = await (await fetch(`${s.url}/system_stats`)).text();
      expect(text).not.toContain('tok-1234567890');
      expect(JSON.parse(text).system.argv).toContain('***');
    } finally {
      process.argv.splice(-2, 2);
    }
  });
});
