-- A coach's hourly rate prices their sessions (issue 21, item 3).
--
-- Seed 002 bounds a coach's hourly_rate ($25-$500, provider_rate_bounds); bookings were priced
-- from offerings.price, unrelated to it (a $90/h coach could list 30 minutes at $500). Now the
-- price of a session offering whose provider has an hourly rate is derived: rate x duration,
-- rounded to the minor unit, in the rate's currency. It is computed where the price is stored,
-- so the catalog shows what the pricing function (private.price_booking, which reads
-- offerings.price) charges, and a rate change reprices the provider's sessions. Other kinds
-- (a consultant's fixed-scope review, a plumber's job) keep their own price: the seeds price
-- those per job, not per hour.

create function private.session_price(hourly_rate bigint, duration_minutes integer)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select round(hourly_rate * duration_minutes / 60.0)::bigint
$$;

comment on function private.session_price(bigint, integer) is
  'The price of a session of duration_minutes at hourly_rate (minor units, rounded half away from zero).';

grant execute on function private.session_price(bigint, integer) to anon, authenticated, service_role;

-- Named to fire before check_price (same event, alphabetical order), so the bounds check sees
-- the derived price. Security definer: the provider's rate is read whoever writes the offering.
create function private.tg_offerings_apply_hourly_rate()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  rate bigint;
  rate_currency char(3);
begin
  if new.kind <> 'session' or new.provider_id is null or new.duration_minutes is null then
    return new;
  end if;
  select p.hourly_rate, p.currency into rate, rate_currency
  from public.provider_profiles p where p.user_id = new.provider_id;
  if rate is null then
    return new;
  end if;
  if new.currency is distinct from rate_currency then
    raise exception 'currency: sessions are sold in the currency of the provider''s hourly rate (%)', rate_currency
      using errcode = '22023';
  end if;
  new.price := private.session_price(rate, new.duration_minutes);
  return new;
end
$$;

revoke all on function private.tg_offerings_apply_hourly_rate() from public, anon, authenticated, service_role;

create trigger apply_hourly_rate
  before insert or update of kind, provider_id, price, currency, duration_minutes on public.offerings
  for each row execute function private.tg_offerings_apply_hourly_rate();

-- A new rate reprices the provider's sessions (the offerings' trigger computes the price).
create function private.tg_provider_profiles_reprice_sessions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.offerings o
  set price = coalesce(private.session_price(new.hourly_rate, o.duration_minutes), o.price)
  where o.provider_id = new.user_id and o.kind = 'session' and o.duration_minutes is not null;
  return null;
end
$$;

revoke all on function private.tg_provider_profiles_reprice_sessions() from public, anon, authenticated, service_role;

create trigger reprice_sessions
  after update of hourly_rate, currency on public.provider_profiles
  for each row when (new.hourly_rate is not null and (new.hourly_rate, new.currency) is distinct from (old.hourly_rate, old.currency))
  execute function private.tg_provider_profiles_reprice_sessions();

comment on column public.offerings.price is
  'Minor units of currency. For a session of a provider with an hourly rate: derived, rate x duration (any price written is replaced).';

-- Sessions listed before this migration take their provider's rate now.
update public.offerings o
set price = private.session_price(p.hourly_rate, o.duration_minutes)
from public.provider_profiles p
where p.user_id = o.provider_id and o.kind = 'session' and p.hourly_rate is not null and o.duration_minutes is not null
  and o.currency = p.currency;
