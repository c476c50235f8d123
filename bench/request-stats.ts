/** What a benchmark run asked of the emulated org, read from its request log. */
import { managementRateLimitFamily, type RateLimitFamily } from 'temporal-okta-emulator/rate-limits';
import type { RequestLogEntry } from 'temporal-okta-emulator/request-log';

/** The emulator's rate-limit family of a request path; none for what it does not limit (discovery, keys). */
export function familyOf(path: string): RateLimitFamily | undefined {
  if (path.startsWith('/oauth2/v1/')) return 'oauth2';
  return path.startsWith('/api/') ? managementRateLimitFamily(path) : undefined;
}

/** One rate-limit window of a family as the emulator kept it: seconds since the run's start. */
export interface WindowCount {
  start: number;
  end: number;
  /** Requests the window granted. */
  calls: number;
}

/** Requests per family over a run, for the chart. */
export interface Timeline {
  /** Seconds from the run's start to its last request. */
  seconds: number;
  /** Per family: requests answered in each second (index = second since the start), 429s included. */
  calls: Partial<Record<RateLimitFamily, number[]>>;
  /** Per family: the windows the emulator opened and what each granted (what its budget counts). */
  windows: Partial<Record<RateLimitFamily, WindowCount[]>>;
  /** 429s answered in each second, every family together. */
  rateLimited: number[];
}

/**
 * The emulator's fixed windows, replayed from the log (emulator/rate-limits.ts): a window opens with the
 * first request after the previous one ended and lasts `windowSeconds`, ending on a whole second.
 */
function windowsOf(
  arrivals: { at: number; granted: boolean }[],
  startMs: number,
  windowSeconds: number,
): WindowCount[] {
  const windows: WindowCount[] = [];
  let endMs = -Infinity;
  for (const { at, granted } of [...arrivals].sort((a, b) => a.at - b.at)) {
    // Only a granted request opens a window (the first of a window always is); a 429 whose answer was
    // slow may look as if it arrived after the reset.
    if (granted && at >= endMs) {
      endMs = Math.ceil((at + windowSeconds * 1000) / 1000) * 1000;
      windows.push({ start: (at - startMs) / 1000, end: (endMs - startMs) / 1000, calls: 0 });
    }
    if (granted) windows.at(-1)!.calls += 1;
  }
  return windows;
}

export interface RequestStats {
  /** Requests per family that Okta counted against its budget (429s are not counted). */
  calls: Partial<Record<RateLimitFamily, number>>;
  /** Answers with HTTP 429. */
  rateLimited: number;
  /** Token requests (`POST /oauth2/v1/token`). */
  tokenRequests: number;
  timeline: Timeline;
}

/**
 * Counts a run's requests (the log entries answered at or after `startMs`); `windowSeconds` is the
 * emulator's rate-limit window.
 */
export function requestStats(entries: RequestLogEntry[], startMs: number, windowSeconds = 60): RequestStats {
  const calls: RequestStats['calls'] = {};
  const timeline: Timeline = { seconds: 0, calls: {}, windows: {}, rateLimited: [] };
  const arrivals: Partial<Record<RateLimitFamily, { at: number; granted: boolean }[]>> = {};
  let rateLimited = 0;
  let tokenRequests = 0;
  for (const entry of entries) {
    const at = Date.parse(entry.at);
    if (at < startMs) continue;
    const family = familyOf(entry.path);
    if (!family) continue;
    const second = Math.floor((at - startMs) / 1000);
    timeline.seconds = Math.max(timeline.seconds, second + 1);
    const perSecond = (timeline.calls[family] ??= []);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
    // The limiter decides when the request arrives; the log records when its answer left.
    (arrivals[family] ??= []).push({ at: at - entry.durationMs, granted: entry.status !== 429 });
    if (entry.status === 429) {
      rateLimited += 1;
      timeline.rateLimited[second] = (timeline.rateLimited[second] ?? 0) + 1;
    } else calls[family] = (calls[family] ?? 0) + 1;
    if (entry.method === 'POST' && entry.path === '/oauth2/v1/token') tokenRequests += 1;
  }
  // Sparse arrays become dense: a second without requests is a 0 in the chart.
  const dense = (xs: number[]) => Array.from({ length: timeline.seconds }, (_, i) => xs[i] ?? 0);
  for (const family of Object.keys(timeline.calls) as RateLimitFamily[]) {
    timeline.calls[family] = dense(timeline.calls[family]!);
    timeline.windows[family] = windowsOf(arrivals[family]!, startMs, windowSeconds);
  }
  timeline.rateLimited = dense(timeline.rateLimited);
  return { calls, rateLimited, tokenRequests, timeline };
}
