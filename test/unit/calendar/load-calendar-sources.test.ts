import path from 'node:path';
import { loadCalendarSources } from '../../../src/adapters/calendar/load-calendar-sources';
import { configWith, EXAMPLE_ICS, REPO } from './calendar-helpers';

const examplesDir = path.join(REPO, 'examples');

function fakeFetch(handler: (url: string, init: RequestInit) => Promise<Response>): typeof fetch {
  return ((url: string | URL | Request, init?: RequestInit) => handler(String(url), init ?? {})) as typeof fetch;
}

describe('loadCalendarSources', () => {
  it('reads an ics file relative to the config directory', async () => {
    const cfg = configWith(['{ name: corp, environments: [prod], ics: ./calendars/freeze.ics }']);
    const r = await loadCalendarSources(cfg, examplesDir);
    expect(r.errors).toEqual([]);
    expect(r.sources.icsText?.corp).toBe(EXAMPLE_ICS);
  });

  it('reports an unreadable file for that rule only', async () => {
    const cfg = configWith([
      '{ name: corp, environments: [prod], ics: ./calendars/freeze.ics }',
      '{ name: gone, environments: [prod], ics: ./calendars/missing.ics }',
    ]);
    const r = await loadCalendarSources(cfg, examplesDir);
    expect(Object.keys(r.sources.icsText ?? {})).toEqual(['corp']);
    expect(r.errors).toEqual([{ rule: 'gone', source: './calendars/missing.ics', message: expect.stringMatching(/missing\.ics: file not found/) }]);
  });

  it('fetches https calendars', async () => {
    const cfg = configWith(['{ name: remote, environments: [prod], ics: "https://calendar.example.com/freeze.ics" }']);
    const seen: string[] = [];
    const r = await loadCalendarSources(cfg, examplesDir, {
      fetch: fakeFetch(async (url, init) => {
        seen.push(url);
        expect(init.signal).toBeDefined();
        return new Response(EXAMPLE_ICS, { status: 200 });
      }),
    });
    expect(seen).toEqual(['https://calendar.example.com/freeze.ics']);
    expect(r.sources.icsText?.remote).toBe(EXAMPLE_ICS);
    expect(r.errors).toEqual([]);
  });

  it.each<[string, (url: string, init: RequestInit) => Promise<Response>, RegExp]>([
    ['HTTP error', async () => new Response('nope', { status: 404, statusText: 'Not Found' }), /answered HTTP 404/],
    ['not a calendar', async () => new Response('<html></html>', { status: 200 }), /not an iCalendar file/],
    ['network failure', async () => Promise.reject(new TypeError('fetch failed')), /cannot fetch .*fetch failed/],
    [
      'timeout',
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
      /no answer from .* within 0.05 s/,
    ],
  ])('https failure → rule reported, never silently open: %s', async (_what, handler, message) => {
    const cfg = configWith(['{ name: remote, environments: [prod], ics: "https://calendar.example.com/freeze.ics" }']);
    const r = await loadCalendarSources(cfg, examplesDir, { fetch: fakeFetch(handler), timeoutMs: 50 });
    expect(r.sources.icsText?.remote).toBeUndefined();
    expect(r.errors).toEqual([{ rule: 'remote', source: 'https://calendar.example.com/freeze.ics', message: expect.stringMatching(message) }]);
  });

  it('refuses plain http', async () => {
    const cfg = configWith(['{ name: remote, environments: [prod], ics: "http://calendar.example.com/freeze.ics" }']);
    const r = await loadCalendarSources(cfg, examplesDir, { fetch: fakeFetch(async () => new Response(EXAMPLE_ICS)) });
    expect(r.errors[0]?.message).toMatch(/use an https:\/\/ URL/);
  });

  it('resolves blackout schedules through the port, and lists them as unevaluated without one', async () => {
    const cfg = configWith(['{ name: blackouts, environments: [prod], servicenowBlackout: Change Blackout }']);
    const none = await loadCalendarSources(cfg, examplesDir);
    expect(none.unevaluated).toEqual(['blackouts']);
    expect(none.sources.blackoutSpans).toEqual({});

    const spans = [{ start: new Date('2026-08-01T20:00:00Z'), end: new Date('2026-08-02T04:00:00Z') }];
    const asked: string[] = [];
    const ok = await loadCalendarSources(cfg, examplesDir, {
      blackoutSource: async (name) => {
        asked.push(name);
        return spans;
      },
    });
    expect(asked).toEqual(['Change Blackout']);
    expect(ok.sources.blackoutSpans?.blackouts).toBe(spans);

    const failing = await loadCalendarSources(cfg, examplesDir, { blackoutSource: async () => Promise.reject(new Error('401 Unauthorized')) });
    expect(failing.errors).toEqual([{ rule: 'blackouts', source: 'Change Blackout', message: expect.stringMatching(/401 Unauthorized/) }]);
  });
});
