/** Issue 19: deep or huge JSON bodies get a JSON 400 naming the problem, never an HTML page, a 500 or a path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
});
afterAll(() => s.close());

/** Posts `body` as a prompt, waits for it to finish and returns its history entry as text. */
async function historyTextOf(body: string): Promise<string> {
  const r = await fetch(`${s.url}/prompt`, { method: 'POST', body });
  expect(r.status).toBe(200);
  const { prompt_id: id } = (await r.json()) as { prompt_id: string };
  await s.waitForHistory(id);
  return (await fetch(`${s.url}/history/${id}`)).text();
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const prompt = (value: string) => `{"1":{"class_type":"StubImage","inputs":{"width":2,"height":2,"batch":1,"value":${value}}}}`;

describe('POST /prompt with hostile JSON', () => {
  it.each([
    ['an input nested 5,000 deep', `{"prompt":${prompt(deep(5000))}}`],
    ['extra_data nested 5,000 deep', `{"prompt":${prompt('0.5')},"extra_data":{"x":${deep(5000)}}}`],
    ['a body nested 100,000 deep', deep(100_000)],
  ])('%s → 400 invalid_json as JSON', async (_what, body) => {
    const r = await fetch(`${s.url}/prompt`, { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const text = await r.text();
    expect(JSON.parse(text).error).toMatchObject({ type: 'invalid_json', message: expect.stringMatching(/nested deeper than 512 levels/) });
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/\/(?:work|home|tmp|usr)\//);
  });

  it('keeps 64-bit seeds and 5.0-style floats of a prompt exact through the queue', async () => {
    const widgets = '"seed":18446744073709551615,"steps":20,"cfg":8.0,"text":"","flag":true,"mode":"a"';
    const body = `{"prompt":{"1":{"class_type":"StubWidgets","inputs":{${widgets}}},"2":{"class_type":"StubOutput","inputs":{"value":["1",0]}}},"extra_data":{"meta":{"cfg":8.0}}}`;
    const text = await historyTextOf(body);
    expect(text).toContain('"seed":18446744073709551615');
    // In the stored prompt itself, not only in extra_data (validation rebuilds the inputs; graph.ts carries the mark).
    expect(text).toContain('"steps":20,"cfg":8.0,');
  });

  // Over PIECEWISE_THRESHOLD_BYTES the body is planned by the parse worker and assembled in pieces (json-body-parse.ts).
  const bigBody = (widgets: string) => {
    const nodes = Array.from({ length: 6000 }, (_, i) => `"${i + 10}":{"class_type":"StubWidgets","inputs":{${widgets},"text":"${'pad '.repeat(50)}"}}`);
    return `{"prompt":{"1":{"class_type":"StubWidgets","inputs":{${widgets},"text":""}},"2":{"class_type":"StubOutput","inputs":{"value":["1",0]}},${nodes.join(',')}},"extra_data":{"meta":{"cfg":8.0}}}`;
  };
  const widgets = '"seed":18446744073709551615,"steps":20,"cfg":8.0,"flag":true,"mode":"a"';

  it('keeps 64-bit seeds and 5.0-style floats of a prompt over 1 MiB exact', async () => {
    const body = bigBody(widgets);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const text = await historyTextOf(body);
    expect(text).toContain('"1":{"class_type":"StubWidgets","inputs":{"seed":18446744073709551615,"steps":20,');
    expect(text).toContain('"5000":{"class_type":"StubWidgets","inputs":{"seed":18446744073709551615,"steps":20,');
    expect(text).toContain('"meta":{"cfg":8.0}');
  });

  it.each([
    ['a trailing comma', (b: string) => `${b.slice(0, -1)},}`],
    ['nesting 5,000 deep', (b: string) => `${b.slice(0, -1)},"x":${deep(5000)}}`],
  ])('answers a malformed body over 1 MiB (%s) with a JSON 400', async (_what, spoil) => {
    const r = await fetch(`${s.url}/prompt`, { method: 'POST', body: spoil(bigBody(widgets)) });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await r.json()) as any).error).toMatchObject({ type: 'invalid_json', message: expect.stringMatching(/^request body is not valid JSON: /) });
  });
});
