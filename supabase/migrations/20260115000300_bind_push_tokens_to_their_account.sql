-- notifications / push tokens: a device belongs to the account that registered it until that
-- account lets it go.
--
-- register_push_token used to hand a token to whoever registered it last, taking it from the
-- account that had it (its waiting pushes skipped). An FCM token is no secret from everyone
-- who ever saw it (a shared device, a log, a support screenshot): whoever knew a user's token
-- could take it with one call, silence that user's pushes and have our pushes land on that
-- user's phone. Now:
--
-- * a token registered to one account is refused to every other (PT409, HTTP 409) with a
--   message that does not say whose it is; registering one's own token again refreshes it;
-- * the account lets it go with unregister_push_token(token) (the app calls it when the user
--   signs out on the device, before supabase.auth.signOut()), or by deleting its push_tokens
--   row; FCM saying the token is gone (UNREGISTERED) removes it, and so does the account's
--   deletion or its eleventh device;
-- * or by signing out on the device: a token remembers the Auth session it was registered in
--   (the access token's session_id, when auth.sessions has it), and once Auth has ended that
--   session (sign-out deletes its row) the token is free for the next account that registers
--   it, even if the app never called unregister_push_token. A token registered without a
--   session Auth knows (the service role, a session already gone) waits for the other ways;
-- * an app that still gets PT409 (the device's previous account is signed in elsewhere on it,
--   or never signed out) deletes its FCM token and registers the new one FCM gives it
--   (Firebase Messaging deleteToken, getToken): the old token dies at FCM and leaves the
--   previous account at its next push.
--
-- On a race the insert's conflict clause updates only the caller's own row: of two accounts
-- registering a fresh token at once, one gets it and one gets PT409.

alter table public.push_tokens add column session_id uuid;

comment on column public.push_tokens.session_id is
  'The Auth session (auth.sessions.id, the JWT''s session_id) the device registered in; once Auth ends it (sign-out), another account may register the token. Null: none Auth knew; the token waits for unregister_push_token.';

-- Whether Auth still has a session: null when it cannot tell (auth.sessions unreadable), which
-- callers take as "still signed in". Invoker: called from register_push_token's definer body.
create function private.auth_session_exists(session_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  if session_id is null then
    return null;
  end if;
  return exists (select 1 from auth.sessions s where s.id = auth_session_exists.session_id);
exception when insufficient_privilege or undefined_table then
  return null;
end
$$;

revoke all on function private.auth_session_exists(uuid) from public;

comment on function private.auth_session_exists(uuid) is
  'Whether auth.sessions still has the session (sign-out deletes it); null for no session or when auth.sessions cannot be read.';

-- Security definer: push_tokens has no insert or update privilege for users; the body checks
-- the caller and writes only the caller's own rows. The body of 20260108000100, moved to
-- private in 20260109000400, now refusing other accounts' tokens.
create or replace function private.register_push_token(token text, platform text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
  clean_token constant text := btrim(register_push_token.token);
  claimed_session constant text := auth.jwt() ->> 'session_id';
  registered_session uuid;
  token_id uuid;
begin
  if caller is null then
    raise exception 'sign in to register a device for push' using errcode = '42501';
  end if;
  if register_push_token.platform is null or register_push_token.platform not in ('ios', 'android', 'web') then
    raise exception 'platform: % is not ios, android or web', coalesce(register_push_token.platform, 'null') using errcode = '22023';
  end if;
  if clean_token is null or char_length(clean_token) not between 8 and 4096 then
    raise exception 'token: not a push registration token' using errcode = '22023';
  end if;

  -- The session this registration belongs to, if Auth has it.
  if claimed_session ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     and private.auth_session_exists(claimed_session::uuid) then
    registered_session := claimed_session::uuid;
  end if;

  -- Another account that signed out on the device (its session ended) has let it go; the
  -- trigger of 20260108000400 skips that account's pushes still waiting for it.
  delete from public.push_tokens t
  where t.token = clean_token and t.user_id <> caller and private.auth_session_exists(t.session_id) is false;

  -- The caller's own token is refreshed; another account's is left alone (no row returned).
  insert into public.push_tokens as t (user_id, token, platform, session_id)
  values (caller, clean_token, register_push_token.platform, registered_session)
  on conflict on constraint push_tokens_token_unique do update
    set platform = excluded.platform, last_seen_at = now(), session_id = excluded.session_id
    where t.user_id = excluded.user_id
  returning t.id into token_id;
  if token_id is null then
    raise exception 'token: this device is registered to another account, which must sign out on it first'
      using errcode = 'PT409',
            hint = 'Delete the app''s push token (Firebase Messaging deleteToken) and register the new one.';
  end if;

  -- Beyond the limit, the devices seen longest ago are forgotten; never the one just registered.
  delete from public.push_tokens t
  where t.user_id = caller and t.id <> token_id
    and t.id not in (
      select k.id from public.push_tokens k where k.user_id = caller and k.id <> token_id
      order by k.last_seen_at desc, k.created_at desc
      limit greatest(coalesce((private.setting('notifications.max_push_tokens'))::integer, 10) - 1, 0)
    );
  return token_id;
end
$$;

comment on function private.register_push_token(text, text) is
  'Body of public.register_push_token (security definer: users may not write push_tokens).';

comment on function public.register_push_token(text, text) is
  'RPC for users: registers (or refreshes) this device''s push token for the caller, in the caller''s session; returns its id. Call at every app start. A token registered to another account is refused until that account signs out on the device (unregister_push_token, or Auth ending the session it registered in) or FCM retires it. Errors: 42501 not signed in, 22023 unknown platform or empty token, PT409 the device is registered to another account (not saying which: delete the FCM token and register the new one).';

-- As the caller: RLS lets a user delete only their own devices, so another account's token is
-- not touched and its owner not revealed (false either way). The trigger of 20260108000400
-- skips the pushes still waiting for the device.
create function public.unregister_push_token(token text)
returns boolean
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  removed integer;
begin
  if auth.uid() is null then
    raise exception 'sign in to sign a device out of push' using errcode = '42501';
  end if;
  delete from public.push_tokens t where t.token = btrim(unregister_push_token.token) and t.user_id = auth.uid();
  get diagnostics removed = row_count;
  return removed > 0;
end
$$;

revoke all on function public.unregister_push_token(text) from public, anon, authenticated, service_role;
grant execute on function public.unregister_push_token(text) to authenticated, service_role;

comment on function public.unregister_push_token(text) is
  'RPC for users: signs this device out of push for the caller (call it when the user signs out, before supabase.auth.signOut()); its waiting pushes are skipped and another account may register it. Returns whether the caller had it (false for a token that is not the caller''s, whoever has it). Errors: 42501 not signed in.';

comment on table public.push_tokens is
  'The devices a user gets push on (FCM registration tokens), each bound to one account. Read and delete: the user. Written by register_push_token (refused for another account''s token while that account is signed in on it); released by unregister_push_token or the end of its session; removed when FCM says a token is gone.';
