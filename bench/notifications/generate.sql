-- bench / notifications: a marketplace's users as the notification fan-out sees them, generated set-based.
--
-- About 100,000 clients, 2,000 providers and one admin, with what issue 5 gives each user:
-- profile details with a locale (en 55 %, pt-BR 20 %, es 10 %, pt, de and fr 5 % each; templates
-- of the announcement exist in en, pt-BR and es, the others fall back), a phone for about 30 %,
-- notification settings for about 45 % (a timezone of ten; quiet hours for about a quarter of
-- all clients, some wrapping midnight, one at lunch; the daily email digest for about 10 %),
-- push tokens for about 40 % (a quarter of them on two devices), preferences rows where users
-- changed a default (announcements by email for 30 %, by push for 60 % of those with a device,
-- by SMS for 12 % of those with a phone, out of the inbox for 5 %; and switches in the other
-- categories), and 0.5 % of addresses suppressed after a bounce. History: earlier announcements
-- to all clients, expanded by service.expand_notifications itself, their deliveries sent and
-- most inbox rows read, so the tables the fan-out writes are not empty.
--
-- Scale: the custom settings bench.clients, bench.providers and bench.history (announcements
-- already sent; defaults above and 2).
--
-- Run as a superuser on a database holding the platform stand-in and every migration
-- (bench/notifications/run.py does it, one transaction per "-- step:"). Loading runs with
-- session_replication_role = replica: no trigger fires, foreign keys included, so this file
-- writes what the sign-up trigger would (profiles, profile_details, user_roles) itself, and the
-- templates it adds are written as the template check would accept them. Check and unique
-- constraints stay enforced. Run `vacuum (analyze)` afterwards. Random values come from setseed.

-- step: settings
set session_replication_role = replica;
set maintenance_work_mem = '1GB';
set work_mem = '256MB';
set synchronous_commit = off;
select setseed(0.2026);

create temporary table bench_scale as
select
  coalesce(nullif(current_setting('bench.clients', true), '')::integer, 100000) as clients,
  coalesce(nullif(current_setting('bench.providers', true), '')::integer, 2000) as providers,
  coalesce(nullif(current_setting('bench.history', true), '')::integer, 2) as history;

-- step: users
-- Ids are md5-derived (random-looking, reproducible): md5('client:' || i)::uuid. One row per
-- user with the draws that decide its settings.
create temporary table bench_people as
select p.*,
       case when p.r_locale < 0.55 then 'en' when p.r_locale < 0.75 then 'pt-BR' when p.r_locale < 0.85 then 'es'
            when p.r_locale < 0.90 then 'pt' when p.r_locale < 0.95 then 'de' else 'fr' end as locale,
       p.kind = 'client' and p.r_phone < 0.30 as has_phone,
       p.kind = 'client' and p.r_push < 0.40 as has_push,
       p.kind = 'client' and p.r_settings < 0.45 as has_settings
from (
  select 'client' as kind, i, md5('client:' || i)::uuid as id,
         random() as r_locale, random() as r_phone, random() as r_settings, random() as r_quiet, random() as r_digest,
         random() as r_tz, random() as r_push, random() as r_devices, random() as r_email_pref, random() as r_push_pref,
         random() as r_sms_pref, random() as r_inbox_pref, random() as r_other, random() as r_bounce
  from bench_scale, generate_series(1, bench_scale.clients) i
  union all
  select 'provider', i, md5('provider:' || i)::uuid, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1
  from bench_scale, generate_series(1, bench_scale.providers) i
  union all
  select 'admin', 1, md5('admin:1')::uuid, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1
) p;

alter table bench_people add primary key (id);

insert into auth.users (
  instance_id, id, aud, role, email, phone, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at,
  updated_at
)
select '00000000-0000-0000-0000-000000000000', b.id, 'authenticated', 'authenticated',
       b.kind || b.i || '@bench.local',
       case when b.has_phone then '+1555' || lpad(b.i::text, 7, '0') end,
       b.created_at, '{"provider": "email", "providers": ["email"]}',
       jsonb_build_object('display_name', b.display_name, 'locale', b.locale,
                          'account_type', case b.kind when 'provider' then 'provider' else 'client' end),
       b.created_at, b.created_at
from (
  select p.*, now() - random() * interval '3 years' as created_at,
         (array['Ada', 'Ben', 'Chloe', 'Dev', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Liam',
                'Mei', 'Noah', 'Olga', 'Pablo', 'Qin', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wei', 'Xena',
                'Yusuf', 'Zoe', 'Amara', 'João', 'Lena', 'Omar'])[1 + p.i % 30]
         || ' ' ||
         (array['Smith', 'Martin', 'Müller', 'García', 'de Vries', 'Johnson', 'Brown', 'Tremblay', 'Tanaka',
                'Wilson', 'Okafor', 'Rossi', 'Novak', 'Kowalski', 'Nielsen', 'Silva', 'Khan', 'Chen', 'Kim',
                'Dubois', 'Moreau', 'Schmidt', 'López', 'Jansen', 'Lee', 'Taylor', 'Sato', 'Ivanova', 'Haddad',
                'Costa'])[1 + (p.i / 30) % 30] as display_name
  from bench_people p
) b;

-- What the sign-up trigger (private.tg_users_create_profile) writes, set-based.
insert into public.profiles (id, display_name, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'display_name', u.created_at, u.created_at
from auth.users u;

insert into public.profile_details (user_id, full_name, phone, locale, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'display_name', u.phone, u.raw_user_meta_data ->> 'locale', u.created_at, u.created_at
from auth.users u;

insert into public.user_roles (user_id, role, created_at)
select b.id, b.kind::public.app_role, now()
from bench_people b;

-- step: notification settings
-- Timezones follow the locale loosely; quiet hours (about 55 % of those with settings) are
-- mostly overnight windows that wrap midnight, some at lunch; digests at 7, 8 or 9 local.
insert into public.notification_settings (user_id, timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour)
select b.id,
       case b.locale
         when 'pt-BR' then (array['America/Sao_Paulo', 'America/Sao_Paulo', 'America/Manaus'])[1 + floor(b.r_tz * 3)::integer]
         when 'pt' then 'Europe/Lisbon'
         when 'es' then (array['Europe/Madrid', 'America/Mexico_City', 'America/Bogota'])[1 + floor(b.r_tz * 3)::integer]
         when 'de' then 'Europe/Berlin'
         when 'fr' then 'Europe/Paris'
         else (array['Europe/London', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo',
                     'Australia/Sydney', 'UTC'])[1 + floor(b.r_tz * 7)::integer]
       end,
       q.quiet_start, q.quiet_end,
       b.r_digest < 0.22, 7 + floor(b.r_digest * 100)::integer % 3
from bench_people b
left join lateral (
  select w.quiet_start, w.quiet_end
  from (values (0, time '22:00', time '07:00'), (1, time '23:00', time '08:00'), (2, time '21:30', time '06:30'),
               (3, time '00:00', time '07:00'), (4, time '13:00', time '14:00')) w (n, quiet_start, quiet_end)
  where b.r_quiet < 0.55 and w.n = floor(b.r_quiet / 0.11)::integer
) q on true
where b.has_settings;

-- step: push tokens
-- FCM registration tokens are about 160 characters: '<22 chars>:APA91b<140 chars>'.
insert into public.push_tokens (user_id, token, platform, created_at, last_seen_at)
select b.id,
       substr(md5('device:' || b.i || ':' || d), 1, 22) || ':APA91b'
         || md5('a' || b.i || d) || md5('b' || b.i || d) || md5('c' || b.i || d) || md5('d' || b.i || d)
         || substr(md5('e' || b.i || d), 1, 12),
       (array['ios', 'android', 'android', 'web'])[1 + (b.i + d) % 4],
       now() - random() * interval '2 years', now() - random() * interval '30 days'
from bench_people b
cross join lateral generate_series(1, case when b.r_devices < 0.25 then 2 else 1 end) d
where b.has_push;

-- step: preferences
-- Only where a user changed a default. Announcements reach the inbox by default; email, push
-- and SMS are opt-in.
insert into public.notification_preferences (user_id, category, channel, enabled)
select b.id, 'announcements', 'email'::public.notification_channel, true from bench_people b where b.kind = 'client' and b.r_email_pref < 0.30
union all
select b.id, 'announcements', 'push', true from bench_people b where b.has_push and b.r_push_pref < 0.60
union all
select b.id, 'announcements', 'sms', true from bench_people b where b.has_phone and b.r_sms_pref < 0.12
union all
select b.id, 'announcements', 'in_app', false from bench_people b where b.kind = 'client' and b.r_inbox_pref < 0.05
union all
select b.id, 'bookings', 'push', false from bench_people b where b.kind = 'client' and b.r_other < 0.15
union all
select b.id, 'messages', 'push', false from bench_people b where b.kind = 'client' and b.r_other between 0.10 and 0.20
union all
select b.id, 'jobs', 'email', false from bench_people b where b.kind = 'client' and b.r_other between 0.20 and 0.28
union all
select b.id, 'reports', 'email', false from bench_people b where b.kind = 'client' and b.r_other between 0.25 and 0.31
union all
select b.id, 'reminders', 'sms', true from bench_people b where b.has_phone and b.r_other between 0.40 and 0.55
union all
select b.id, 'payments', 'sms', true from bench_people b where b.has_phone and b.r_other between 0.50 and 0.60;

-- step: suppressions
insert into private.email_suppressions (address, reason, created_at)
select u.email, '550 5.1.1 User unknown', now() - random() * interval '1 year'
from bench_people b join auth.users u on u.id = b.id
where b.kind = 'client' and b.r_bounce < 0.005;

-- step: templates
-- The announcement in two more languages, as an admin would add them (the placeholder check
-- accepts them: title, body, action_url and recipient_name are the event's variables).
insert into public.notification_templates (event_type, channel, locale, subject, title, body, action_url) values
  ('announcement', 'in_app', 'pt-BR', null, '{{ title }}', '{{ body }}', '{{ action_url }}'),
  ('announcement', 'email', 'pt-BR', '{{ title }}', '{{ title }}', E'Olá {{ recipient_name }},\n\n{{ body }}\n\n{{ action_url }}', '{{ action_url }}'),
  ('announcement', 'sms', 'pt-BR', null, '{{ title }}', '{{ title }}: {{ body }} {{ action_url }}', '{{ action_url }}'),
  ('announcement', 'push', 'pt-BR', null, '{{ title }}', '{{ body }}', '{{ action_url }}'),
  ('announcement', 'in_app', 'es', null, '{{ title }}', '{{ body }}', '{{ action_url }}'),
  ('announcement', 'email', 'es', '{{ title }}', '{{ title }}', E'Hola {{ recipient_name }}:\n\n{{ body }}\n\n{{ action_url }}', '{{ action_url }}'),
  ('announcement', 'sms', 'es', null, '{{ title }}', '{{ title }}: {{ body }} {{ action_url }}', '{{ action_url }}'),
  ('announcement', 'push', 'es', null, '{{ title }}', '{{ body }}', '{{ action_url }}');

-- step: history
-- Earlier announcements to every client, expanded by the real expansion; then sent and mostly read.
analyze;
insert into private.notification_outbox (event_type, dedup_key, topic, data, deliver_after, created_at)
select 'announcement', 'bench:history:' || n, 'all_clients',
       jsonb_build_object('title', 'Marketplace news #' || n, 'body', 'What changed on the marketplace this month (' || n || ').',
                          'action_url', '/news/' || n, 'severity', 'info', 'topic', 'all_clients'),
       now() - (n * 30 + 1) * interval '1 day', now() - (n * 30 + 1) * interval '1 day'
from bench_scale, generate_series(1, bench_scale.history) n;

select service.expand_notifications(100);

update public.notifications n
set created_at = o.created_at,
    read_at = case when random() < 0.7 then o.created_at + random() * interval '5 days' end
from private.notification_outbox o
where o.id = n.outbox_id and o.dedup_key like 'bench:history:%';

update public.notification_deliveries d
set status = case when d.status = 'queued' and d.digest then 'digested'
                  when d.status = 'queued' then 'sent' else d.status end::public.notification_delivery_status,
    attempts = case when d.status = 'queued' then 1 else 0 end,
    sent_at = case when d.status = 'queued' and not d.digest then d.next_attempt_at end,
    provider = case when d.status = 'queued' and not d.digest
                    then case d.channel when 'email' then 'smtp' when 'sms' then 'twilio' else 'fcm' end end,
    created_at = o.created_at, updated_at = o.created_at
from private.notification_outbox o
where o.id = d.outbox_id and o.dedup_key like 'bench:history:%';

update private.notification_outbox o
set expanded_at = o.created_at
where o.dedup_key like 'bench:history:%';
