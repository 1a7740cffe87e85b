-- Each vertical in its own words (issue 21, item 7): every seeded template's text fits the
-- vocabulary of its event's vertical. Booking words only in booking events; the shared payment
-- words never speak of a booking; store, job and lab events speak of purchases, jobs and bids,
-- samples and reports.
begin;
select plan(9);

create function pg_temp.texts(event_pattern text) returns table (event_type text, channel text, words text)
language sql stable as $$
  select t.event_type, t.channel::text, lower(coalesce(t.subject, '') || ' ' || t.title || ' ' || t.body)
  from public.notification_templates t
  where t.event_type ~ event_pattern
$$;

select is_empty(
  $$select event_type, channel from pg_temp.texts('^(payment|invoice|dispute|purchase|job|sample|report)\.') where words ~ 'book'$$,
  'no payment, invoice, dispute, purchase, job, sample or report text speaks of a booking');
select is_empty(
  $$select event_type, channel from pg_temp.texts('^purchase\.') where words !~ '(purchase|download)'$$,
  'every store text names the purchase or its download');
select is_empty(
  $$select event_type, channel from pg_temp.texts('^job\.') where words !~ '(job|bid)'$$,
  'every job portal text names the job or the bid');
select is_empty(
  $$select event_type, channel from pg_temp.texts('^(sample|report)\.') where words !~ '(sample|report|result)'$$,
  'every lab text names the sample, the report or the result');
select is_empty(
  $$select event_type, channel from pg_temp.texts('^(purchase|job|sample|report)\.') where words ~ '(appointment|slot)'$$,
  'nor do they borrow scheduling words');
select is_empty(
  $$select event_type, channel from pg_temp.texts('^booking\.') where words !~ '(book|starts|start|held|moved|done|cancel)'$$,
  'booking texts speak of the booking and its time');

-- Every event type has its English words on every channel.
select is_empty(
  $$select e.key, c.channel from public.notification_event_types e
    cross join unnest(enum_range(null::public.notification_channel)) c (channel)
    where e.key not in ('announcement', 'digest.daily')
      and not exists (select 1 from public.notification_templates t
                      where t.event_type = e.key and t.channel = c.channel and t.locale = 'en')$$,
  'every event type (but announcements and digests, written per use) has English words on every channel');
select results_eq(
  $$select category from public.notification_event_types where key in ('purchase.completed', 'job.bid_received', 'report.ready')
    order by key$$,
  $$values ('jobs'), ('purchases'), ('reports')$$,
  'store, job and lab events sit in their own preference categories');
select is((select priority from public.notification_event_types where key = 'report.critical'), 9::smallint,
  'a critical lab result is the most urgent event there is');

select * from finish();
rollback;
