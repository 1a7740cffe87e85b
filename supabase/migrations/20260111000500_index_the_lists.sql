-- reads: an index under every list a frontend shows, for every persona (issue 12).
--
-- With owners' policies indexable (20260111000100-0400), a signed-in user's list is served
-- by the (owner column, list order) indexes each table already has. An admin's list is every
-- row, newest first: it needs an index on the list's order alone, which these tables lacked,
-- so an admin's "newest 20" sorted the whole table. The catalog's newest active offerings,
-- what anon and every visitor browse first, get a partial index of their own.

create index bookings_starts_at_idx on public.bookings (starts_at);
create index payments_created_at_idx on public.payments (created_at);
create index refunds_created_at_idx on public.refunds (created_at);
create index disputes_created_at_idx on public.disputes (created_at);
create index notification_deliveries_created_at_idx on public.notification_deliveries (created_at);
create index offerings_created_at_idx on public.offerings (created_at);
create index offerings_active_created_idx on public.offerings (created_at) where status = 'active';
