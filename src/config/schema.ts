// Zod schemas for config/sources.yaml and config/teams.yaml. Types come from z.infer.
// Every object is strict: an unknown key is an error (with a "did you mean" from the loader), never
// silently dropped. A typo such as `subscriptons:` or `delivery: digest` must not empty a team or
// change how it is alerted without anyone noticing (Alertmanager's amtool check-config does the same).
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { EventKindSchema, FRAMEWORKS } from '../domain/events.js';
import { DATE_KINDS } from '../domain/lifecycle.js';
import { isValidRange } from '../domain/versions.js';
import { parseDuration } from '../domain/duration.js';
import { parseUntil } from '../domain/time.js';

export const DEFAULT_REMIND_DAYS = [90, 30, 7, 1, 0] as const;

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');

const Duration = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== null && ms >= 1_000 && ms <= 30 * 86_400_000;
}, { message: 'expected a duration between 1s and 30d, like "30s", "10m", "6h"' });

/**
 * Only http and https: a `file:`, `javascript:` or `gopher:` source is a way into the machine, not
 * a release-notes feed. Credentials in the URL (https://user:password@host/…) are allowed: the
 * fetcher sends them as an Authorization header, and every place that shows a URL redacts them.
 */
export const HttpUrl = z
  .string()
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'expected an http:// or https:// URL' },
  )
  // "https://alice:8443/s3cret@feeds.example.com/x" parses as host "alice", port 8443: a password
  // with "/" that was not percent-encoded. Refused, so it is neither fetched nor shown anywhere.
  .refine((s) => !/^[a-z]+:\/\/[^/]*\/[^/?#]*@[^/?#]+\.[^/?#]+/i.test(s), { message: 'this looks like user:password@host with a "/" in the password: percent-encode it as %2F (the URL is not shown here)' });

export const SourceSchema = z
  .strictObject({
    id: Id,
    kind: z.enum(['feed', 'versions-table']),
    /** One URL; or `urls:`, several in order of preference (the first that answers is used). */
    url: HttpUrl.optional(),
    urls: z.array(HttpUrl).min(1, 'give at least one URL').optional(),
    every: Duration.default('10m'),
    /** In the all-products feed: keep only these products (the <h2> product titles, matched loosely). */
    products: z.array(z.string().min(1)).min(1, 'list at least one product, or remove the key').optional(),
    /** Where links in alerts point when an entry has none. */
    homepage: HttpUrl.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.url === undefined && s.urls === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a source needs `url:` (or `urls:`, a list in order of preference)' });
    if (s.url !== undefined && s.urls !== undefined) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'give either `url:` or `urls:`, not both' });
  })
  .transform(({ url, urls, ...rest }) => ({ ...rest, urls: urls ?? (url ? [url] : []) }));
export type SourceConfig = z.output<typeof SourceSchema>;

/** Where operator alerts (watchdog) go: the people who run release-radar, not the teams. */
export const OperatorSchema = z.strictObject({
  slack: z.strictObject({ channels: z.array(z.string().min(1)).default([]) }).default({ channels: [] }),
  email: z.strictObject({ to: z.array(z.string().email()).default([]) }).default({ to: [] }),
});
export type OperatorConfig = z.infer<typeof OperatorSchema>;

export const WatchdogSchema = z.strictObject({
  /** How often the watchdog looks at every source. */
  every: Duration.default('5m'),
  /** A source with no successful poll for this many of its intervals raises an operator alert. */
  missedPolls: z.number().int().min(1).default(3),
});
export type WatchdogConfig = z.infer<typeof WatchdogSchema>;

export const SourcesFileSchema = z.strictObject({
  sources: z.array(SourceSchema).min(1, 'configure at least one source'),
  operator: OperatorSchema.optional(),
  watchdog: WatchdogSchema.default({ every: '5m', missedPolls: 3 }),
});

const Timezone = z.string().refine((tz) => IANAZone.isValidZone(tz), { message: 'not an IANA time zone (e.g. "Europe/Berlin")' });
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

const VersionRange = z.string().refine((r) => isValidRange(r) && !/[<>]=?\s*\d+(?:\.\d+)?\.[x*]/i.test(r), {
  message: 'invalid version range (examples: "2.x", ">=2.3 <2.6", "2.4", "*")',
});

/**
 * Frameworks a subscription covers. "general" means notes that name no framework (driver, OS or
 * JupyterLab updates for all images); "all" means every framework and general notes.
 */
export const SubscribedFrameworkSchema = z.enum([...FRAMEWORKS, 'general', 'all']);

export const SubscriptionSchema = z
  .strictObject({
  /** Optional name, shown in previews and usable with `release-radar mute --subscription`. */
  name: z.string().min(1).optional(),
  /**
   * `from: inventory`: the lines the team runs (its inventory: `runs:`, imports, pushes, scans),
   * exactly, instead of frameworks and versions.
   */
  from: z.literal('inventory').optional(),
  frameworks: z.array(SubscribedFrameworkSchema).min(1).optional(),
  versions: VersionRange.optional(),
  /** Empty or absent: every kind. */
  kinds: z.array(EventKindSchema).default([]),
  /**
   * Image-family glob patterns ("pytorch-2-4-*", "common-cu12*"): when set, only events that name a
   * matching image family (and reminders for lines whose family matches) are delivered.
   */
  families: z.array(z.string().min(1)).default([]),
  /**
   * immediate: every match is sent at once; digest: collected for the team's digest;
   * auto (default): urgent kinds (security, end of support, deprecations, date changes) at once,
   * routine ones (patches, dependency updates, fixes…) in the digest.
   */
  deliver: z.enum(['immediate', 'digest', 'auto']).default('auto'),
  /**
   * Reminders before the end dates of the versions this subscription covers: days before each date
   * (0 = on the day) and which dates. `days: []` turns reminders off for this subscription.
   */
  remind: z
    .strictObject({
      days: z.array(z.number().int().min(0).max(3650)).default([...DEFAULT_REMIND_DAYS]),
      dates: z.array(z.enum(DATE_KINDS)).default([...DATE_KINDS]),
    })
    .default({ days: [...DEFAULT_REMIND_DAYS], dates: [...DATE_KINDS] }),
})
  .superRefine((s, ctx) => {
    if (s.from === 'inventory') {
      for (const key of ['frameworks', 'versions'] as const) if (s[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `\`from: inventory\` covers exactly the lines the team runs: remove \`${key}:\` (or write a second subscription for it)` });
    } else if (s.frameworks === undefined) {
      ctx.addIssue({ code: 'custom', path: ['frameworks'], message: 'a subscription needs `frameworks:` (e.g. [pytorch]) or `from: inventory`' });
    }
  })
  .transform(({ frameworks, versions, ...rest }) => ({ ...rest, frameworks: frameworks ?? [], versions: versions ?? '*' }));
/**
 * A subscription as matching reads it. `inUse`: for `from: inventory`, the lines the team runs,
 * filled in at match time from its inventory (src/processors/exposure.ts); absent, it covers nothing.
 */
export type Subscription = z.infer<typeof SubscriptionSchema> & { inUse?: InUseLine[] };

/** One line a team runs, as a `from: inventory` subscription covers it. */
export interface InUseLine {
  framework: string;
  version: string | null;
  families: string[];
}

/** A full ISO date or date-time with its zone (see parseUntil: a date is the start of that day in the team's zone). */
const Until = z.string().refine((s) => parseUntil(s, 'UTC') !== null, {
  message: 'expected a real full ISO date or date-time with a zone, e.g. "2026-12-31" or "2026-12-31T18:00:00Z"',
});

export const MuteSchema = z.strictObject({
  until: Until,
  /** Index or name of one subscription; absent: the whole team. */
  subscription: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
  reason: z.string().default(''),
});
export type MuteConfig = z.infer<typeof MuteSchema>;

export const SnoozeSchema = z.strictObject({
  until: Until,
  /** Absent: every framework. */
  framework: SubscribedFrameworkSchema.optional(),
  /** Version range within that framework; absent: every version. */
  versions: VersionRange.optional(),
  reason: z.string().default(''),
});
export type SnoozeConfig = z.infer<typeof SnoozeSchema>;

export const DigestScheduleSchema = z.strictObject({
  /** daily, or weekly on `day`. */
  every: z.enum(['daily', 'weekly']).default('daily'),
  day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).default('monday'),
  at: LocalTime.default('09:00'),
});

export const TeamSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  timezone: Timezone.default('UTC'),
  slack: z.strictObject({ channels: z.array(z.string().min(1)).default([]) }).default({ channels: [] }),
  email: z.strictObject({ to: z.array(z.string().email()).default([]) }).default({ to: [] }),
  digest: DigestScheduleSchema.default({ every: 'daily', day: 'monday', at: '09:00' }),
  /**
   * Quiet hours in the team's time zone: non-urgent alerts found inside them are held until they
   * end (urgent ones — security, end of support, deprecations, dates within 14 days — still go).
   */
  quietHours: z.strictObject({ start: LocalTime, end: LocalTime }).optional(),
  /** Silence the team (or one subscription, by index or name) until a time; matching alerts are dropped. */
  mutes: z.array(MuteSchema).default([]),
  /** Hold alerts (all, or about one framework/version) until a time; they are delivered then. */
  snoozes: z.array(SnoozeSchema).default([]),
  /** Local time of the daily reminder check (in the team's time zone). */
  reminders: z.strictObject({ at: LocalTime.default('09:00') }).default({ at: '09:00' }),
  /**
   * Where an overdue upgrade plan is escalated (a Slack channel or email addresses: the team's
   * lead, its manager's channel). Once when the planned date passes, then weekly until the plan is
   * moved or marked done. Absent: escalations go to the team's own channels and addresses.
   */
  escalation: z
    .strictObject({
      slack: z.strictObject({ channels: z.array(z.string().min(1)).default([]) }).default({ channels: [] }),
      email: z.strictObject({ to: z.array(z.string().email()).default([]) }).default({ to: [] }),
    })
    .refine((e) => e.slack.channels.length > 0 || e.email.to.length > 0, { message: 'give at least one Slack channel (slack.channels) or email address (email.to), or remove the key' })
    .optional(),
  /**
   * What the team runs, declared: DLVM image names or families, DLC image paths with their tag
   * ("pytorch-2-4-cu124-debian-11-py310", "us-docker.pkg.dev/deeplearning-platform-release/gcr.io/
   * pytorch-cu124.2-4.py310:m126"), optionally with a count and where they run. Imports, pushes and
   * scans add to it (release-radar inventory …).
   */
  runs: z.array(z.union([z.string().min(1), z.strictObject({ image: z.string().min(1), count: z.number().int().min(1).default(1), where: z.string().min(1).optional() })])).default([]),
  inventory: z
    .strictObject({
      /** An imported or pushed inventory older than this is flagged stale (messages, status page). */
      staleAfter: Duration.default('7d'),
    })
    .default({ staleAfter: '7d' }),
  /** Required: a team without subscriptions would receive nothing, which is never what was meant. */
  subscriptions: z.array(SubscriptionSchema).min(1, 'a team needs at least one subscription (without one it receives nothing)'),
});
export type TeamConfig = Omit<z.infer<typeof TeamSchema>, 'subscriptions'> & { subscriptions: Subscription[] };

export const TeamsFileSchema = z.strictObject({ teams: z.array(TeamSchema) });
