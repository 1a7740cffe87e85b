-- Stand-in for pg_net, which the Supabase image ships (schema `net`) and the machines here
-- cannot install: where the real extension is available it is created instead, as Supabase
-- does. The shape is pg_net's: net.http_post with its signature and defaults, requests queued
-- in net.http_request_queue (method, url, headers, body as bytea, timeout) and sent after
-- commit. This stand-in queues and never sends; tests read the queue, as the worker would.

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net;
    return;
  end if;
  if exists (select 1 from pg_namespace where nspname = 'net') then
    return;
  end if;

  create schema net;
  create domain net.http_method as text check (value ilike 'get' or value ilike 'post' or value ilike 'delete');
  create unlogged table net.http_request_queue (
    id bigserial,
    method net.http_method not null,
    url text not null,
    headers jsonb,
    body bytea,
    timeout_milliseconds integer not null
  );
  create unlogged table net._http_response (
    id bigint,
    status_code integer,
    content_type text,
    headers jsonb,
    content text,
    timed_out boolean,
    error_msg text,
    created timestamptz not null default now()
  );

  create function net.http_post(
    url text,
    body jsonb default '{}'::jsonb,
    params jsonb default '{}'::jsonb,
    headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
    timeout_milliseconds integer default 5000
  )
  returns bigint
  language plpgsql
  as $fn$
  declare
    content_type text;
    query text;
    request_id bigint;
  begin
    select value into content_type from jsonb_each_text(coalesce(headers, '{}')) where lower(key) = 'content-type' limit 1;
    if content_type is null then
      headers := coalesce(headers, '{}') || '{"Content-Type": "application/json"}';
    elsif content_type <> 'application/json' then
      raise exception 'Content-Type header must be "application/json"';
    end if;
    select string_agg(format('%s=%s', key, value), '&') into query from jsonb_each_text(params);
    insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
    values ('POST', url || coalesce(case when url like '%?%' then '&' else '?' end || query, ''),
            headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
    returning id into request_id;
    return request_id;
  end
  $fn$;

  -- pg_net's own grants.
  grant usage on schema net to public;
  grant all on all sequences in schema net to public;
  grant all on all tables in schema net to public;
end
$$;
