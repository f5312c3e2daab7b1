/** `/users`, `/settings`, `/userdata`: ComfyUI's shapes, string error bodies and path containment. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
let outside: string;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  outside = mkdtempSync(path.join(os.tmpdir(), 'pg-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
});
afterAll(async () => {
  await s.close();
  rmSync(outside, { recursive: true, force: true });
});

const userDir = () => path.join(s.dirs.user, 'default');
const text = async (r: Response) => ({ status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() });

describe('GET /users (single user)', () => {
  it('answers server storage, already migrated', async () => {
    expect((await s.getJson('/users')).body).toEqual({ storage: 'server', migrated: true });
    expect((await s.getJson('/api/users')).status).toBe(200);
  });
});

describe('/settings', () => {
  it('starts empty, merges POST /settings, sets POST /settings/{id}, reads one with GET /settings/{id}', async () => {
    expect((await s.getJson('/settings')).body).toEqual({});
    expect((await s.getJson('/settings/Comfy.Locale')).body).toBeNull();
    const posted = await fetch(`${s.url}/settings`, { method: 'POST', body: JSON.stringify({ 'Comfy.Locale': 'en', 'Comfy.Grid': 10 }) });
    expect([posted.status, await posted.text()]).toEqual([200, '']);
    const one = await fetch(`${s.url}/api/settings/Comfy.Grid`, { method: 'POST', body: '20' });
    expect(one.status).toBe(200);
    expect((await s.getJson('/settings')).body).toEqual({ 'Comfy.Locale': 'en', 'Comfy.Grid': 20 });
    expect((await s.getJson('/settings/Comfy.Locale')).body).toBe('en');
    expect(JSON.parse(readFileSync(path.join(userDir(), 'comfy.settings.json'), 'utf8'))).toEqual({ 'Comfy.Locale': 'en', 'Comfy.Grid': 20 });
  });

  it('concurrent single-setting writes keep every key', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${s.url}/settings/k${i}`, { method: 'POST', body: String(i) })));
    const all = (await s.getJson('/settings')).body;
    for (let i = 0; i < 20; i++) expect(all[`k${i}`]).toBe(i);
  });

  it('a body that is not a JSON object → 400 with a plain-text message', async () => {
    for (const body of ['[1,2]', '{"a":', '']) {
      const r = await text(await fetch(`${s.url}/settings`, { method: 'POST', body }));
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^text\/plain/);
      expect(r.body).not.toBe('');
    }
  });
});

describe('/userdata/{file}', () => {
  it('writes, reads back as an attachment, refuses overwrite=false with 409, deletes', async () => {
    const w = await s.postJson('/userdata/workflows%2Fa.json', { nodes: [] });
    expect(w).toEqual({ status: 200, body: 'workflows/a.json' });
    expect(readFileSync(path.join(userDir(), 'workflows', 'a.json'), 'utf8')).toBe('{"nodes":[]}');
    const r = await fetch(`${s.url}/userdata/workflows%2Fa.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.json()).toEqual({ nodes: [] });
    const again = await text(await fetch(`${s.url}/userdata/workflows%2Fa.json?overwrite=false`, { method: 'POST', body: '{}' }));
    expect(again).toMatchObject({ status: 409, body: 'File already exists' });
    const info = await s.postJson('/userdata/workflows%2Fa.json?full_info=true', { nodes: [1] });
    expect(info.body).toEqual({ path: 'workflows/a.json', size: 13, modified: expect.any(Number), created: expect.any(Number) });
    expect(Number.isInteger(info.body.modified)).toBe(true);
    expect((await fetch(`${s.url}/userdata/workflows%2Fa.json`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${s.url}/userdata/workflows%2Fa.json`)).status).toBe(404);
    expect((await fetch(`${s.url}/userdata/workflows%2Fa.json`, { method: 'DELETE' })).status).toBe(404);
  });

  it('accepts double-encoded names as ComfyUI does', async () => {
    expect((await s.postJson('/userdata/workflows%252Fb.json', {})).body).toBe('workflows/b.json');
    expect(existsSync(path.join(userDir(), 'workflows', 'b.json'))).toBe(true);
  });

  it('serves user.css inline as text/css, and active content as an octet-stream download', async () => {
    await fetch(`${s.url}/userdata/user.css`, { method: 'POST', body: 'body{}' });
    const css = await fetch(`${s.url}/userdata/user.css`);
    expect([css.headers.get('content-type'), css.headers.get('content-disposition')]).toEqual(['text/css; charset=utf-8', 'inline']);
    await fetch(`${s.url}/userdata/x.html`, { method: 'POST', body: '<script>1</script>' });
    const html = await fetch(`${s.url}/userdata/x.html`);
    expect([html.headers.get('content-type'), html.headers.get('content-disposition')]).toEqual(['application/octet-stream', 'attachment']);
  });

  it('moves a file; 409 onto an existing file with overwrite=false; 404 for a missing source', async () => {
    await s.postJson('/userdata/m1.json', { a: 1 });
    await s.postJson('/userdata/m2.json', { b: 2 });
    const blocked = await text(await fetch(`${s.url}/userdata/m1.json/move/m2.json?overwrite=false`, { method: 'POST' }));
    expect(blocked).toMatchObject({ status: 409, body: 'File already exists' });
    const moved = await s.postJson('/userdata/m1.json/move/workflows%2Fmoved.json', undefined);
    expect(moved).toEqual({ status: 200, body: 'workflows/moved.json' });
    expect(existsSync(path.join(userDir(), 'm1.json'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(userDir(), 'workflows', 'moved.json'), 'utf8'))).toEqual({ a: 1 });
    expect((await fetch(`${s.url}/userdata/nope.json/move/x.json`, { method: 'POST' })).status).toBe(404);
  });

  it.each([
    ['parent traversal', '..%2F..%2Fstate%2Fx.json'],
    ['double-encoded traversal', '%252E%252E%252Fescape.json'],
    ['an absolute path', '%2Ftmp%2Fescape.json'],
  ])('refuses %s with 403 and an empty body', async (_what, name) => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await text(await fetch(`${s.url}/userdata/${name}`, { method, body: method === 'POST' ? '{}' : undefined }));
      expect([method, r.status, r.body]).toEqual([method, 403, '']);
    }
    expect(existsSync('/tmp/escape.json')).toBe(false);
  });

  it('does not follow a symlink out of the user folder (read, write through a linked folder, move onto it)', async () => {
    symlinkSync(path.join(outside, 'secret.txt'), path.join(userDir(), 'link.txt'));
    symlinkSync(outside, path.join(userDir(), 'linkdir'));
    expect((await fetch(`${s.url}/userdata/link.txt`)).status).toBe(403);
    expect((await fetch(`${s.url}/userdata/linkdir%2Fnew.txt`, { method: 'POST', body: 'x' })).status).toBe(403);
    await s.postJson('/userdata/tomove.json', {});
    expect((await fetch(`${s.url}/userdata/tomove.json/move/linkdir%2Fmoved.json`, { method: 'POST' })).status).toBe(403);
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'moved.json'))).toBe(false);
    const listed = (await s.getJson('/userdata?dir=.&recurse=true')).body as string[];
    expect(listed.some((f) => f.startsWith('link'))).toBe(false);
  });
});

describe('GET /userdata?dir=', () => {
  beforeAll(async () => {
    mkdirSync(path.join(userDir(), 'lists', 'sub'), { recursive: true });
    writeFileSync(path.join(userDir(), 'lists', 'one.json'), '1');
    writeFileSync(path.join(userDir(), 'lists', 'sub', 'two.json'), '22');
    writeFileSync(path.join(userDir(), 'lists', '.hidden'), 'h');
  });

  it('lists files directly in dir, or recursively; skips dot-files', async () => {
    expect((await s.getJson('/userdata?dir=lists')).body).toEqual(['one.json']);
    expect((await s.getJson('/userdata?dir=lists&recurse=true')).body).toEqual(['one.json', 'sub/two.json']);
  });

  it('split=true gives [path, ...parts]; full_info=true gives {path, size, modified, created}', async () => {
    expect((await s.getJson('/userdata?dir=lists&recurse=true&split=true')).body).toEqual([['one.json', 'one.json'], ['sub/two.json', 'sub', 'two.json']]);
    const full = (await s.getJson('/userdata?dir=lists&recurse=true&full_info=true')).body;
    expect(full).toEqual([
      { path: 'one.json', size: 1, modified: expect.any(Number), created: expect.any(Number) },
      { path: 'sub/two.json', size: 2, modified: expect.any(Number), created: expect.any(Number) },
    ]);
  });

  it('answers ComfyUI\'s plain-text refusals', async () => {
    expect(await text(await fetch(`${s.url}/userdata`))).toMatchObject({ status: 400, body: 'Directory not provided' });
    expect(await text(await fetch(`${s.url}/userdata?dir=..%2F..`))).toMatchObject({ status: 403, body: 'Invalid directory' });
    expect(await text(await fetch(`${s.url}/userdata?dir=missing`))).toMatchObject({ status: 404, body: 'Directory not found' });
  });
});

describe('--multi-user', () => {
  let m: TestServer;
  beforeAll(async () => {
    m = await startTestServer({ nodes: stubNodes, multiUser: true });
  });
  afterAll(() => m.close());

  it('lists users, adds one with ComfyUI\'s id form, refuses duplicates and system names with {"error": string}', async () => {
    expect((await m.getJson('/users')).body).toEqual({ storage: 'server', users: {} });
    const added = await m.postJson('/users', { username: 'Ann Lee' });
    expect(added.status).toBe(200);
    expect(added.body).toMatch(/^Ann-Lee_[0-9a-f-]{36}$/);
    expect((await m.getJson('/users')).body).toEqual({ storage: 'server', users: { [added.body]: 'Ann Lee' } });
    expect(JSON.parse(readFileSync(path.join(m.dirs.user, 'users.json'), 'utf8'))).toEqual({ [added.body]: 'Ann Lee' });
    expect(await m.postJson('/users', { username: 'Ann Lee' })).toEqual({ status: 400, body: { error: 'Duplicate username.' } });
    expect(await m.postJson('/users', { username: '__system' })).toEqual({ status: 400, body: { error: 'System User prefix not allowed' } });
    expect(await m.postJson('/users', { username: '  ' })).toEqual({ status: 400, body: { error: 'username not provided' } });
    expect(await m.postJson('/users', {})).toEqual({ status: 400, body: { error: 'username not provided' } });
  });

  it('keeps settings per user (comfy-user header); an unknown user is refused with a string', async () => {
    const a = (await m.postJson('/users', { username: 'a' })).body as string;
    const b = (await m.postJson('/users', { username: 'b' })).body as string;
    await fetch(`${m.url}/settings/theme`, { method: 'POST', body: '"dark"', headers: { 'comfy-user': a } });
    expect((await m.getJson('/settings', { headers: { 'comfy-user': a } })).body).toEqual({ theme: 'dark' });
    expect((await m.getJson('/settings', { headers: { 'comfy-user': b } })).body).toEqual({});
    expect(existsSync(path.join(m.dirs.user, a, 'comfy.settings.json'))).toBe(true);
    const unknown = await text(await fetch(`${m.url}/settings`, { headers: { 'comfy-user': 'nobody' } }));
    expect(unknown).toMatchObject({ status: 403, body: 'Unknown user: nobody' });
    expect((await fetch(`${m.url}/userdata?dir=x`, { headers: { 'comfy-user': '__system' } })).status).toBe(403);
  });
});
