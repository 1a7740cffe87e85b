-- insight / searches (issue 19): the catalog search RPC records what was searched and how
-- many results came back, for zero-result searches, top terms and search-to-booking
-- conversion (20260130003300).
--
-- public.search_offerings becomes VOLATILE: PostgREST runs STABLE functions in a READ ONLY
-- transaction even on POST, where no row could be written. supabase-js calls RPCs with POST
-- (read-write for a volatile function). A GET still works: its transaction is read only and
-- the search is then answered without being recorded (no 25006 for a cacheable read).
--
-- Only the first page of a search with words or a category is recorded: the next pages are
-- the same search, and a bare browse of everything is not one. Terms are normalised (lower
-- case, runs of white space as one space) so "Dog  Walking" and "dog walking" count as one.
-- Who: the signed-in user (and the token's session), or for a visitor the app's own session
-- id from the x-client-session header, when it sends one (at most 64 characters).

create function private.normalize_search_term(query text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(left(lower(btrim(regexp_replace(query, '\s+', ' ', 'g'))), 200), '')
$$;

comment on function private.normalize_search_term(text) is
  'A search''s words as they are counted: lower case, trimmed, runs of white space as one space; null when blank.';

-- Security definer: API roles search as themselves but may not write private.activity_events.
create function private.record_search(query text, category_id uuid, result_count integer, filters jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  claims constant jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  term constant text := private.normalize_search_term(query);
begin
  if term is null and category_id is null then
    return;
  end if;
  insert into private.activity_events (kind, user_id, session_id, category_id, term, result_count, detail)
  values (
    'search', auth.uid(),
    left(coalesce(claims ->> 'session_id',
                  nullif(current_setting('request.headers', true), '')::jsonb ->> 'x-client-session'), 64),
    record_search.category_id, term, record_search.result_count, nullif(jsonb_strip_nulls(filters), '{}')
  );
end
$$;

revoke all on function private.record_search(text, uuid, integer, jsonb) from public;
grant execute on function private.record_search(text, uuid, integer, jsonb) to anon, authenticated, service_role;

comment on function private.record_search(text, uuid, integer, jsonb) is
  'Records one search (normalised words, category, result count, the caller or their session) as an activity event.';

create or replace function public.search_offerings(
  query text default null,
  category_id uuid default null,
  min_price bigint default null,
  max_price bigint default null,
  currency character default null,
  min_rating numeric default null,
  kind public.offering_kind default null,
  result_limit integer default 20,
  result_offset integer default 0
)
returns setof public.offerings
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  found_count integer;
  message text; detail text; hint text;
begin
  return query select * from private.search_offerings(
    query => search_offerings.query,
    category_id => search_offerings.category_id,
    min_price => search_offerings.min_price,
    max_price => search_offerings.max_price,
    currency => search_offerings.currency,
    min_rating => search_offerings.min_rating,
    kind => search_offerings.kind,
    result_limit => search_offerings.result_limit,
    result_offset => search_offerings.result_offset
  );
  get diagnostics found_count = row_count;
  if result_offset = 0 and current_setting('transaction_read_only') = 'off' then
    perform private.record_search(query, category_id, found_count, jsonb_build_object(
      'min_price', min_price, 'max_price', max_price, 'currency', currency, 'min_rating', min_rating, 'kind', kind));
  end if;
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

comment on function public.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) is
  'RPC: active offerings matching a web-style search (websearch_to_tsquery, simple configuration) over title and description, in a category or its subcategories, a price range (minor units), a currency, a kind, a minimum provider rating; best rated first; at most 100 per page. Call it with POST: the first page of a search with words or a category is recorded for the search analytics (a GET answers the same, unrecorded).';
