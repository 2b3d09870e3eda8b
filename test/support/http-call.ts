/** One HTTP answer as the security suites look at it: status, headers, JSON body (text otherwise) and time taken. */
export interface Called {
  status: number;
  headers: Headers;
  body: any;
  ms: number;
}

export async function call(url: string, init: RequestInit = {}): Promise<Called> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (docs, metrics)
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

export const post = (url: string, headers: Record<string, string> = {}) => call(url, { method: 'POST', headers });

const ERROR_KEYS = ['error', 'message', 'requestId', 'statusCode'];

/** The one error shape: `{ statusCode, error, message, requestId }`, no stack. */
export function expectErrorShape(body: any, statusCode: number, requestId?: string): void {
  expect(Object.keys(body).sort()).toEqual(ERROR_KEYS);
  expect(body.statusCode).toBe(statusCode);
  expect(typeof body.requestId).toBe('string');
  if (requestId) expect(body.requestId).toBe(requestId);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
}
