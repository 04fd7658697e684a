import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../api/test-api.ts';
import { CONSOLE_CSP, consolePlugin } from './console-plugin.ts';

/** The console's files as the cloud's API server serves them (fastify.inject, real store). */
describe('console plugin in the cloud API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi();
  });
  afterAll(async () => {
    await api.dispose();
  });

  it('serves the page with its CSP, no-cache and an ETag', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/console/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<script type="module" src="/console/app.js">');
  });

  it('redirects /console to /console/', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/console' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/console/');
  });

  it.each([
    ['/console/app.js', 'text/javascript; charset=utf-8'],
    ['/console/screens/fleet.js', 'text/javascript; charset=utf-8'],
    ['/console/console.css', 'text/css; charset=utf-8'],
    ['/console/i18n/ru.json', 'application/json; charset=utf-8'],
    ['/console/i18n/en.json', 'application/json; charset=utf-8'],
  ])('serves %s as %s', async (url, type) => {
    const res = await api.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it('answers 304 to a revalidation of an unchanged file', async () => {
    const first = await api.app.inject({ method: 'GET', url: '/console/app.js' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await api.app.inject({
      method: 'GET',
      url: '/console/app.js',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it.each([
    '/console/../server.ts',
    '/console/%2e%2e/console-plugin.ts',
    '/console/format.d.ts',
    '/console/nothing.js',
    '/console/i18n/de.json',
  ])('serves nothing outside its files: %s', async (url) => {
    const res = await api.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('import');
  });

  it('keeps the console out of the OpenAPI document', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(res.json().paths).some((p) => p.startsWith('/console'))).toBe(false);
  });

  it('registers on a bare fastify too (no API needed to serve files)', async () => {
    const app = Fastify();
    await app.register(consolePlugin());
    const res = await app.inject({ method: 'GET', url: '/console/view.js' });
    expect(res.statusCode).toBe(200);
    await app.close();
  });
});
