-- identity / data export (issue 19, "Accounts"): everything that is the caller's, as one JSON
-- document, before they delete their account (or whenever they ask: GDPR art. 15 and 20).
--
-- One key per kind of record, each an array of the rows as the tables hold them (the columns'
-- names are the API's). What is "theirs": rows they own or wrote (profile, details, roles,
-- addresses, pets, client and provider profiles, offerings, devices, notification choices and
-- inbox, saved payment methods, favorites, bookmarks, reactions, posts, comments, reviews they
-- wrote, chat messages they sent, contact messages, jobs, bids) and the records they are a party
-- to (bookings, invoices with their lines, payments, refunds, disputes, purchases, the ledger).
-- Other people's messages in their rooms are not theirs to take.
--
-- Security definer with every read filtered by auth.uid(): the export is always the caller's
-- own, and includes what RLS keeps from the frontends (a review hidden by a moderator, the rows
-- of columns not granted). Nothing here reads Auth's secrets: the account part is the token's
-- email and phone and auth.users' dates.

create function private.export_my_data()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid constant uuid := auth.uid();
begin
  if uid is null then
    raise exception 'sign in to export your data' using errcode = '42501';
  end if;
  return jsonb_build_object(
    'exported_at', now(),
    'user_id', uid,
    'account', (select jsonb_build_object('email', u.email, 'phone', u.phone, 'created_at', u.created_at,
                                          'last_sign_in_at', u.last_sign_in_at)
                from auth.users u where u.id = uid),
    'profile', (select to_jsonb(p) - 'owner_blocked_at' from public.profiles p where p.id = uid),
    'profile_details', (select to_jsonb(d) from public.profile_details d where d.user_id = uid),
    'roles', coalesce((select jsonb_agg(jsonb_build_object('role', r.role, 'staff_role', r.staff_role, 'granted_at', r.created_at)
                                        order by r.created_at) from public.user_roles r where r.user_id = uid), '[]'),
    'client_profile', (select to_jsonb(c) from public.client_profiles c where c.user_id = uid),
    'provider_profile', (select to_jsonb(p) - 'owner_blocked_at' from public.provider_profiles p where p.user_id = uid),
    'addresses', coalesce((select jsonb_agg(to_jsonb(a) order by a.created_at) from public.addresses a where a.user_id = uid), '[]'),
    'pets', coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at) from public.pets p where p.owner_id = uid), '[]'),
    'offerings', coalesce((select jsonb_agg(to_jsonb(o) - 'search' - 'owner_blocked_at' order by o.created_at)
                           from public.offerings o where o.provider_id = uid), '[]'),
    'bookings', coalesce((select jsonb_agg(to_jsonb(b) order by b.starts_at) from public.bookings b
                          where b.client_id = uid or b.provider_id = uid or b.collector_id = uid), '[]'),
    'invoices', coalesce((select jsonb_agg(to_jsonb(i) || jsonb_build_object('lines', coalesce(
                            (select jsonb_agg(to_jsonb(l) order by l.line_number) from public.invoice_lines l where l.invoice_id = i.id),
                            '[]')) order by i.issued_at)
                          from public.invoices i where i.client_id = uid or i.provider_id = uid), '[]'),
    'payments', coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at) from public.payments p
                          where p.client_id = uid or p.provider_id = uid), '[]'),
    'refunds', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from public.refunds r
                         where r.client_id = uid or r.provider_id = uid), '[]'),
    'disputes', coalesce((select jsonb_agg(to_jsonb(d) order by d.created_at) from public.disputes d
                          where d.client_id = uid or d.provider_id = uid), '[]'),
    'purchases', coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at) from public.purchases p
                           where p.buyer_id = uid or p.seller_id = uid), '[]'),
    'provider_ledger', coalesce((select jsonb_agg(to_jsonb(l) order by l.occurred_at) from public.provider_ledger l
                                 where l.provider_id = uid), '[]'),
    'payment_methods', coalesce((select jsonb_agg(to_jsonb(m) order by m.created_at) from public.payment_methods m
                                 where m.user_id = uid), '[]'),
    'jobs', coalesce((select jsonb_agg(to_jsonb(j) - 'owner_blocked_at' order by j.created_at) from public.jobs j
                      where j.client_id = uid or j.provider_id = uid), '[]'),
    'bids', coalesce((select jsonb_agg(to_jsonb(b) order by b.created_at) from public.bids b
                      where b.provider_id = uid or b.client_id = uid), '[]'),
    'job_disputes', coalesce((select jsonb_agg(to_jsonb(d) - 'admin_notes' order by d.created_at) from public.job_disputes d
                              where d.opened_by = uid or d.respondent_id = uid), '[]'),
    'reviews', coalesce((select jsonb_agg(to_jsonb(r) - 'owner_blocked_at' - 'hidden_by' order by r.created_at)
                         from public.reviews r where r.author_id = uid), '[]'),
    'posts', coalesce((select jsonb_agg(to_jsonb(p) - 'search' - 'owner_blocked_at' order by p.created_at)
                       from public.posts p where p.author_id = uid), '[]'),
    'comments', coalesce((select jsonb_agg(to_jsonb(c) - 'owner_blocked_at' order by c.created_at)
                          from public.comments c where c.author_id = uid), '[]'),
    'reactions', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from public.reactions r where r.user_id = uid), '[]'),
    'favorites', coalesce((select jsonb_agg(to_jsonb(f) order by f.created_at) from public.favorites f where f.user_id = uid), '[]'),
    'bookmarks', coalesce((select jsonb_agg(to_jsonb(b) order by b.created_at) from public.bookmarks b where b.user_id = uid), '[]'),
    'chat_messages', coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'room_id', m.room_id, 'kind', m.kind,
                                                'body', m.body, 'attachment_name', m.attachment_name,
                                                'is_deleted', m.is_deleted, 'created_at', m.created_at) order by m.created_at)
                               from public.chat_messages m where m.sender_id = uid), '[]'),
    'contact_messages', coalesce((select jsonb_agg(to_jsonb(c) - 'admin_note' - 'assignee_id' - 'source_ip' order by c.created_at)
                                  from public.contact_messages c where c.user_id = uid), '[]'),
    'notification_settings', (select to_jsonb(s) from public.notification_settings s where s.user_id = uid),
    'notification_preferences', coalesce((select jsonb_agg(to_jsonb(p)) from public.notification_preferences p
                                          where p.user_id = uid), '[]'),
    'topic_subscriptions', coalesce((select jsonb_agg(to_jsonb(s)) from public.topic_subscriptions s where s.user_id = uid), '[]'),
    'notifications', coalesce((select jsonb_agg(to_jsonb(n) order by n.created_at) from public.notifications n
                               where n.user_id = uid), '[]'),
    'push_tokens', coalesce((select jsonb_agg(jsonb_build_object('platform', t.platform, 'created_at', t.created_at,
                                                                 'last_seen_at', t.last_seen_at) order by t.created_at)
                             from public.push_tokens t where t.user_id = uid), '[]')
  );
end
$$;

revoke all on function private.export_my_data() from public, anon, authenticated, service_role;
grant execute on function private.export_my_data() to authenticated;

create function public.export_my_data()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.export_my_data()
$$;

revoke all on function public.export_my_data() from public, anon, authenticated, service_role;
grant execute on function public.export_my_data() to authenticated;

comment on function public.export_my_data() is
  'RPC for a signed-in user: everything that is theirs (profile, addresses, pets, bookings, invoices, payments, messages they sent, reviews, posts, favorites...) as one JSON document. Errors: 42501 not signed in.';
