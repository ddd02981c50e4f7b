// Preloaded into a bench server (`node --import`) by bench/feed-overhead-http.ts. The compiled modules
// are the ones the server itself imports, so the patched prototypes are the server's own.
//   HANBAT_BENCH_FEED=off       payment batches append no events (the "no feed" arm); nothing else changes
//   HANBAT_BENCH_FEED=bodies    they write the pages' bodies but take no numbers (no counter row, no
//                               numbered page row in the ledger's statement): what the numbering costs
//   HANBAT_BENCH_CONSUMERS=off  the analytics and fraud consumers read nothing, in both arms, so that
//                               what differs between the arms is the feed's write, not its readers' work
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const feedArm = process.env.HANBAT_BENCH_FEED;
if (feedArm === 'off' || feedArm === 'bodies') {
  const { EventFeed } = await import(dist('modules/events/event-feed.js'));
  const append = EventFeed.prototype.appendAlongside;
  EventFeed.prototype.appendAlongside =
    feedArm === 'off'
      ? () => null
      : function bodiesOnly(batches) {
          const written = append.call(this, batches);
          return (
            written && {
              bodies: written.bodies,
              order: { ctes: () => 'feed_unnumbered as (select 1)', params: [] },
            }
          );
        };
}
if (process.env.HANBAT_BENCH_CONSUMERS === 'off') {
  const idle = async () => ({ processed: 0, more: false });
  const { AnalyticsService } = await import(dist('modules/analytics/analytics-service.js'));
  const { FraudService } = await import(dist('modules/fraud/fraud-service.js'));
  AnalyticsService.prototype.catchUp = idle;
  FraudService.prototype.catchUp = idle;
}
