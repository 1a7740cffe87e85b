-- insight / indexes for the daily rollups (issue 19): a day's rollup reads one day of each
-- source table, which must be an index range, not a scan of two years of rows
-- (bench/analytics/RESULTS.md: the day's rollup with and without them).
--
-- What the rollup reads and by what:
--   invoices issued that day            invoices_issued_at_idx (20260106000000), as is
--   jobs and bids created that day      jobs_created_at_idx, bids_created_at_idx, as is
--   provider ledger entries that day    provider_ledger_occurred_idx, as is
--   activity events that day / of a user  the activity_events indexes (20260130003000)
--   bookings that ended that day        booking_status_changes (changed_at), below
--   payments and refunds that succeeded payments / refunds (succeeded_at), below
--   the users who signed up that day    profiles (created_at), below
--
-- What each costs a write:
--   booking_status_changes is append-only and written in time order: a BRIN index keeps one
--     summary per 128 pages (a few pages for millions of rows) and an insert touches nothing
--     but, at most, the summary of the range being filled.
--   payments / refunds: partial on status = 'succeeded', so only the one update that makes a
--     payment or refund succeed adds an entry; that update is not HOT anyway (status is in
--     the predicate of payments_one_in_flight_per_invoice and of the refund queues).
--   profiles: one entry per sign-up; created_at never changes, so updates of a profile stay
--     HOT as before.

create index booking_status_changes_changed_at_brin on public.booking_status_changes using brin (changed_at);

create index payments_succeeded_at_idx on public.payments (succeeded_at) where status = 'succeeded';

create index refunds_succeeded_at_idx on public.refunds (succeeded_at) where status = 'succeeded';

create index profiles_created_at_idx on public.profiles (created_at);
