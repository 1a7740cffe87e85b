-- identity / account deletion (issue 19, "Accounts"): a user deletes their own account; their
-- personal data is erased, the money records keep what the law requires, and the auth user is
-- removed the way Supabase Auth removes it.
--
-- How: the auth user is deleted (`delete from auth.users`, which is what Auth's admin
-- deleteUser does: its sessions and identities go by their own cascades), and a BEFORE DELETE
-- trigger on auth.users erases first. Every way a user disappears (delete_my_account below, the
-- Admin API from a Lambda, the dashboard) therefore erases the same way. delete_my_account is
-- the user's door: it refuses while something is still running (below), then deletes.
--
-- What happens to what (the policy):
-- * goes: addresses, service areas, devices (push tokens), the client profile (quiz answers,
--   wishes, matches), favorites, bookmarks, reactions, notification settings, preferences,
--   subscriptions, inbox and deliveries (addresses and numbers), saved payment methods and the
--   Stripe customer link, contact messages, chat templates, calendars, draft jobs, pets no
--   record names. Roles, sign-in state and chat memberships go with auth.users (cascades).
-- * stays, emptied: notification events about them once fanned out (their data: previews,
--   names), others' inbox entries they caused (body), chat messages (deleted as a sender deletes one: body and attachment
--   gone, "deleted" shown to the others), reviews (the rating stays in the provider's average,
--   the text goes), comments and posts (text replaced, marked deleted), booking notes, the
--   job's requirements and place, pets on records (name and notes), the provider profile
--   (headline, bio, photo, video) and offerings (archived).
-- * stays as is: invoices, payments, refunds, disputes, the provider ledger, purchases,
--   bookings, jobs' titles and lab records (accounting and medical retention). Each invoice
--   receives a billing snapshot of the party who leaves (name and email at deletion), since the
--   invoice itself never copied them (billing_parties).
-- * the profile: deleted when nothing refers to it (then its own cascades clean up the rest);
--   when a record must keep pointing at it (a booking, an invoice...), it stays as a tombstone
--   "Deleted user" (erased_at set). profiles.id therefore no longer references auth.users:
--   a tombstone outlives its auth user. booking_documents.uploaded_by, which refused the
--   deletion of any user who had uploaded a document, is set null instead.
-- * files in Storage: the rows of storage.objects cannot be deleted from SQL (storage-api's
--   guard; the files would stay in S3): their paths are listed in private.erased_accounts for a
--   cleanup through the Storage API.
--
-- What refuses delete_my_account (PT409, with the reasons): a booking held, confirmed or in
-- progress (as client, provider or collector), an unpaid invoice, a job published, assigned or
-- in progress (as client or provider), an open job dispute or card dispute. What a user
-- expects: finish or cancel first, then leave; nothing in flight loses its counterpart.

-- The schema changes ------------------------------------------------------------------------------

alter table public.profiles drop constraint profiles_id_fkey;
alter table public.profiles add column erased_at timestamptz;

comment on column public.profiles.erased_at is
  'When the account was deleted: the profile stays, emptied ("Deleted user"), because records (bookings, invoices...) refer to it.';

alter table public.booking_documents alter column uploaded_by drop not null;
alter table public.booking_documents drop constraint booking_documents_uploaded_by_fkey;
alter table public.booking_documents add constraint booking_documents_uploaded_by_fkey
  foreign key (uploaded_by) references auth.users (id) on delete set null;

alter table public.invoices add column billing_parties jsonb;

comment on column public.invoices.billing_parties is
  'Who was billed and who billed, copied when one of them deleted their account: {"client": {"name", "email"}, "provider": {...}}.';

-- Found on the way: the edit trigger of chat messages refused every update of a deleted
-- message, the foreign key's `set sender_id = null` included, so no user who had ever deleted a
-- message could be deleted. It now fires on what a sender edits (and the content columns a
-- delete clears) only; users still update nothing but body and is_deleted (column grants).
drop trigger edit_message on public.chat_messages;
create trigger edit_message
  before update of body, is_deleted, kind, attachment_path, attachment_name, attachment_type, attachment_size
  on public.chat_messages
  for each row execute function private.tg_chat_messages_edit();

create table private.erased_accounts (
  user_id uuid primary key,
  erased_at timestamptz not null default now(),
  profile_kept boolean not null,
  storage_objects jsonb not null default '[]',
  files_removed_at timestamptz
);

comment on table private.erased_accounts is
  'Accounts erased (no personal data: the id, when, whether a tombstone profile stayed) and the Storage files still to remove through the Storage API.';

-- What stops a user from leaving now ---------------------------------------------------------------

create function private.account_deletion_blockers(user_id uuid)
returns text[]
language sql
stable
set search_path = ''
as $$
  select array_remove(array[
    (select count(*) || ' booking(s) held, confirmed or in progress' from public.bookings b
     where (b.client_id = account_deletion_blockers.user_id or b.provider_id = account_deletion_blockers.user_id
            or b.collector_id = account_deletion_blockers.user_id)
       and b.status in ('held', 'confirmed', 'in_progress')
     having count(*) > 0),
    (select count(*) || ' unpaid invoice(s)' from public.invoices i
     where i.client_id = account_deletion_blockers.user_id and i.status = 'open' having count(*) > 0),
    (select count(*) || ' job(s) published, assigned or in progress' from public.jobs j
     where (j.client_id = account_deletion_blockers.user_id or j.provider_id = account_deletion_blockers.user_id)
       and j.status in ('published', 'assigned', 'in_progress')
     having count(*) > 0),
    (select count(*) || ' open dispute(s)' from (
       select 1 from public.job_disputes d
       where (d.opened_by = account_deletion_blockers.user_id or d.respondent_id = account_deletion_blockers.user_id)
         and d.status in ('open', 'under_review')
       union all
       select 1 from public.disputes d
       where (d.client_id = account_deletion_blockers.user_id or d.provider_id = account_deletion_blockers.user_id)
         and d.closed_at is null) d
     having count(*) > 0)
  ], null)
$$;

revoke all on function private.account_deletion_blockers(uuid) from public, anon, authenticated, service_role;

comment on function private.account_deletion_blockers(uuid) is
  'What must end before the user can delete their account (empty: nothing).';

-- The erasure -------------------------------------------------------------------------------------

create function private.redact(t text, needles text[])
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  n text;
begin
  foreach n in array coalesce(needles, '{}') loop
    t := replace(t, n, 'Deleted user');
  end loop;
  return t;
end
$$;

revoke all on function private.redact(text, text[]) from public, anon, authenticated, service_role;

comment on function private.redact(text, text[]) is 'The text with every needle replaced by "Deleted user".';

-- Runs as its owner: it reaches every table of the user, the private ones included.
create function private.erase_account(user_id uuid)
returns private.erased_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid constant uuid := erase_account.user_id;
  party jsonb;
  u_phone text;
  u_display text;
  needles text[];
  kept boolean := false;
  files jsonb;
  erased private.erased_accounts;
begin
  -- Invoices keep who was billed: the name and email the user had.
  select jsonb_build_object('name', coalesce(d.full_name, p.display_name), 'email', u.email) into party
  from public.profiles p
  left join public.profile_details d on d.user_id = p.id
  left join auth.users u on u.id = p.id
  where p.id = uid and p.erased_at is null;
  select u.phone, p.display_name into u_phone, u_display
  from public.profiles p left join auth.users u on u.id = p.id where p.id = uid and p.erased_at is null;
  -- What names them, longest first (a full name before the display name it contains).
  needles := array(select n from unnest(array[party ->> 'name', party ->> 'email', u_phone, u_display]) n
                   where char_length(n) >= 3 order by char_length(n) desc);
  if party is not null then
    update public.invoices i set billing_parties = coalesce(i.billing_parties, '{}') || jsonb_build_object('client', party)
    where i.client_id = uid and not coalesce(i.billing_parties ? 'client', false);
    update public.invoices i set billing_parties = coalesce(i.billing_parties, '{}') || jsonb_build_object('provider', party)
    where i.provider_id = uid and not coalesce(i.billing_parties ? 'provider', false);
  end if;

  -- What goes.
  delete from public.service_areas a where a.provider_id = uid;
  delete from public.addresses a where a.user_id = uid;
  delete from public.push_tokens t where t.user_id = uid;
  delete from public.client_profiles c where c.user_id = uid;
  delete from public.favorites f where f.user_id = uid;
  delete from public.bookmarks b where b.user_id = uid;
  delete from public.reactions r where r.user_id = uid;
  delete from public.notification_preferences n where n.user_id = uid;
  delete from public.notification_settings n where n.user_id = uid;
  delete from public.topic_subscriptions s where s.user_id = uid;
  delete from public.notifications n where n.user_id = uid;
  delete from public.notification_deliveries d where d.user_id = uid;
  delete from public.payment_methods m where m.user_id = uid;
  delete from private.stripe_customers c where c.user_id = uid;
  delete from public.contact_messages m where m.user_id = uid;
  delete from public.chat_templates t where t.owner_id = uid;
  delete from public.schedules s where s.user_id = uid;
  delete from public.jobs j where j.client_id = uid and j.status = 'draft';
  delete from public.pets p
  where p.owner_id = uid
    and not exists (select 1 from public.bookings b where b.pet_id = p.id)
    and not exists (select 1 from public.lab_samples s where s.pet_id = p.id)
    and not exists (select 1 from public.lab_reports r where r.pet_id = p.id);

  -- What stays, emptied.
  update public.pets p set name = 'Deleted', breed = null, notes = null, birth_date = null where p.owner_id = uid;
  -- As a sender deletes a message: the trigger empties body and attachment.
  update public.chat_messages m set is_deleted = true
  where m.sender_id = uid and not m.is_deleted and m.kind <> 'system';
  update public.reviews r set body = null where r.author_id = uid and r.body is not null;
  update public.comments c set body = '[deleted]', deleted_at = coalesce(c.deleted_at, now()) where c.author_id = uid;
  update public.posts p
  set title = '[deleted]', body = '[deleted]', slug = null, tags = '{}', cover_path = null,
      deleted_at = coalesce(p.deleted_at, now())
  where p.author_id = uid;
  update public.bookings b set notes = null where b.client_id = uid and b.notes is not null;
  update public.jobs j set special_requirements = null, city = null, region = null, postal_code = null
  where j.client_id = uid;
  update public.provider_profiles p
  set headline = null, bio = null, intro_video_url = null, intro_video_path = null, photo_path = null
  where p.user_id = uid;
  update public.offerings o set status = 'archived' where o.provider_id = uid and o.status <> 'archived';

  -- Notification events: theirs still pending are cancelled, they leave every recipient list,
  -- and the events and inbox entries of others that name them (a booking's client_name, a
  -- message's preview) have their name, email and phone replaced by "Deleted user".
  update private.notification_outbox o set status = 'cancelled' where o.actor_id = uid and o.status = 'pending';
  update private.notification_outbox o
  set recipient_ids = array_remove(o.recipient_ids, uid),
      status = case when o.status = 'pending' and o.recipient_ids = array[uid] then 'cancelled' else o.status end
  where uid = any (o.recipient_ids);
  if needles <> '{}' then
    update private.notification_outbox o set data = private.redact(o.data::text, needles)::jsonb
    where (o.actor_id = uid or o.sent_by = uid
           or o.booking_id in (select b.id from public.bookings b where b.client_id = uid or b.provider_id = uid))
      and o.data::text <> private.redact(o.data::text, needles);
    update public.notifications n
    set title = private.redact(n.title, needles), body = private.redact(n.body, needles),
        data = private.redact(n.data::text, needles)::jsonb
    where n.outbox_id in (select o.id from private.notification_outbox o
                          where o.actor_id = uid or o.sent_by = uid
                             or o.booking_id in (select b.id from public.bookings b where b.client_id = uid or b.provider_id = uid))
      and (n.title || n.body || n.data::text) <> private.redact(n.title || n.body || n.data::text, needles);
  end if;

  select coalesce(jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.bucket_id, o.name), '[]')
  into files
  from storage.objects o where o.owner_id = uid::text or o.owner = uid;

  -- The profile goes if nothing refers to it; otherwise it stays, emptied.
  begin
    delete from public.profiles p where p.id = uid;
  exception when foreign_key_violation then
    kept := true;
  end;
  if kept then
    update public.profiles p set display_name = 'Deleted user', avatar_url = null, erased_at = coalesce(p.erased_at, now())
    where p.id = uid;
    update public.profile_details d set full_name = null, phone = null where d.user_id = uid;
  end if;

  insert into private.erased_accounts as e (user_id, profile_kept, storage_objects)
  values (uid, kept, files)
  on conflict on constraint erased_accounts_pkey do update
    set erased_at = now(), profile_kept = excluded.profile_kept,
        storage_objects = (select coalesce(jsonb_agg(distinct x), '[]')
                           from jsonb_array_elements(e.storage_objects || excluded.storage_objects) x)
  returning * into erased;
  return erased;
end
$$;

revoke all on function private.erase_account(uuid) from public, anon, authenticated, service_role;

comment on function private.erase_account(uuid) is
  'Erases a user''s personal data (see 20260130001300) and keeps the money records; run by the deletion of their auth user.';

-- Security definer: Auth deletes users as supabase_auth_admin, which has no right on our tables.
create function private.tg_users_erase_account()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.erase_account(old.id);
  return old;
end
$$;

revoke all on function private.tg_users_erase_account() from public, anon, authenticated, service_role;

create trigger erase_account
  before delete on auth.users
  for each row execute function private.tg_users_erase_account();

-- delete_my_account --------------------------------------------------------------------------------

-- Security definer: deletes the caller's auth user (Auth's own tables cascade).
create function private.delete_my_account()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
  blockers text[];
  erased private.erased_accounts;
begin
  if caller is null then
    raise exception 'sign in to delete your account' using errcode = '42501';
  end if;
  -- One deletion at a time, and no new booking of theirs slips in between check and delete.
  perform 1 from auth.users u where u.id = caller for update;
  if not found then
    raise exception 'account not found' using errcode = 'PT404';
  end if;
  blockers := private.account_deletion_blockers(caller);
  if cardinality(blockers) > 0 then
    raise exception 'Your account cannot be deleted yet: %. Finish or cancel them first.', array_to_string(blockers, ', ')
      using errcode = 'PT409', detail = to_jsonb(blockers)::text;
  end if;

  delete from auth.users u where u.id = caller;
  select * into erased from private.erased_accounts e where e.user_id = caller;
  return jsonb_build_object('deleted', true, 'erased_at', erased.erased_at, 'records_kept', erased.profile_kept);
end
$$;

revoke all on function private.delete_my_account() from public, anon, authenticated, service_role;
grant execute on function private.delete_my_account() to authenticated;

create function public.delete_my_account()
returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.delete_my_account()
$$;

revoke all on function public.delete_my_account() from public, anon, authenticated, service_role;
grant execute on function public.delete_my_account() to authenticated;

comment on function public.delete_my_account() is
  'RPC for a signed-in user: erases their personal data, keeps the records the law requires, deletes their sign-in. Export first (export_my_data). Answers {deleted, erased_at, records_kept}. Errors: PT409 something still running (bookings, unpaid invoices, open jobs or disputes: listed), 42501 not signed in.';
